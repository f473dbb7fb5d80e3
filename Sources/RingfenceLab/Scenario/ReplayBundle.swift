import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// A failed scenario, packed so that `ringfence run BUNDLE` reproduces it bit
/// for bit: the scenario (rewritten to point at the files beside it, faults
/// already applied), the exact content bytes, the template definitions, each
/// user-mode agent's profile, the seed, and the report of the failed run.
public enum ReplayBundle {
    public static let scenarioFile = "scenario.yaml"

    /// Writes the bundle and returns its folder.
    public static func write(scenario: Scenario, settings: TrialSettings, report: ScenarioReport, into directory: String) throws -> String {
        let folder = "\(directory)/\(scenario.name)-seed\(scenario.seed)"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, bytes) in settings.baseline.enumerated() { try AtomicFile.write(bytes, to: "\(folder)/baseline-\(index + 1).chan") }
        for (index, update) in settings.updates.enumerated() { try AtomicFile.write(update.bytes, to: "\(folder)/update-\(index + 1).chan") }
        if let templates = scenario.templates { try FileManager.default.copyItem(atPath: templates, toPath: "\(folder)/templates.yaml") }
        for agent in scenario.agents where agent.isolation == .user {
            try? FileManager.default.copyItem(atPath: agent.profile, toPath: "\(folder)/profile-\(agent.name).json")
        }
        try AtomicFile.write("\(scenario.seed)\n", to: "\(folder)/seed")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](encoder.encode(report)), to: "\(folder)/report.json")
        try AtomicFile.write(yaml(scenario, updates: settings.updates.count, baseline: settings.baseline.count), to: "\(folder)/\(scenarioFile)")
        return folder
    }

    /// The bundle's scenario file, `path` being a bundle folder, or nil if it is not one.
    public static func scenarioPath(in path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        let candidate = "\(path)/\(scenarioFile)"
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    // MARK: - The rewritten scenario

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    static func seconds(_ value: Double) -> String { "\(value)s" }

    static func yaml(_ scenario: Scenario, updates: Int, baseline: Int) -> String {
        var lines = [
            "# Replay bundle: `ringfence run` on this folder reproduces the failed run.",
            "# The content below is the exact bytes the run used, faults already applied.",
            "name: \(quote(scenario.name))",
            "description: \(quote(scenario.description))",
            "seed: \(scenario.seed)",
            "host:",
            "  duration: \(seconds(scenario.duration))",
            "  watchdog: \(seconds(scenario.watchdog))",
            "  memory: \(scenario.hostMemory)",
            "  events:",
            "    rate: \(scenario.eventRate)",
            "    malicious: \(scenario.malicious)",
            "    mix: { " + scenario.mix.keys.sorted().map { "\($0): \(scenario.mix[$0]!)" }.joined(separator: ", ") + " }",
            "  boot:",
            "    maxBoots: \(scenario.boot.maxBoots)",
            "    recovery: \(scenario.boot.recovery.rawValue)",
            "    knownBadListWin: \(scenario.boot.knownBadListWinProbability)",
            "    reboot: \(seconds(scenario.boot.rebootSeconds))",
            "    safeModeRepair: \(seconds(scenario.boot.safeModeRepairSeconds))",
            "validator: \(scenario.validator.rawValue)",
            "agents:",
        ]
        for agent in scenario.agents {
            lines += [
                "  - name: \(quote(agent.name))",
                "    isolation: \(agent.isolation.rawValue)",
                "    interpreter: \(agent.interpreter.rawValue)",
                "    entry: \(agent.entry)",
                "    supplies: { " + agent.supplies.keys.sorted().map { "\($0): \(agent.supplies[$0]!)" }.joined(separator: ", ") + " }",
                "    profile: \(agent.isolation == .user ? quote("profile-\(agent.name).json") : quote(agent.profile))",
                "    limits: { memory: \(agent.memoryBytes), cpu: \(agent.cpuSeconds)s, heartbeat: \(seconds(agent.heartbeatSeconds)), "
                    + "verdictDeadline: \(seconds(agent.verdictDeadlineSeconds)) }",
                "    restart: { max: \(agent.restart.max), window: \(seconds(agent.restart.window)), backoff: \(seconds(agent.restart.backoff)), "
                    + "maxBackoff: \(seconds(agent.restart.maxBackoff)) }",
                "    failMode: \(agent.failMode.rawValue)",
                "    violations: \(agent.violations.rawValue)",
                "    rollbackWindow: \(seconds(agent.rollbackWindowSeconds))",
            ]
        }
        lines.append("content:")
        if scenario.templates != nil { lines.append("  templates: templates.yaml") }
        lines.append("  baseline: [" + (0..<baseline).map { "baseline-\($0 + 1).chan" }.joined(separator: ", ") + "]")
        lines.append(updates == 0 ? "updates: []" : "updates:")
        for (index, update) in scenario.updates.enumerated() {
            lines += ["  - at: \(seconds(update.at))", "    content: update-\(index + 1).chan", "    fault: none"]
        }
        let expect = scenario.expect
        var expectations: [String] = []
        if let outcome = expect.outcome { expectations.append("  outcome: \(outcome.rawValue)") }
        if let value = expect.hostSurvived { expectations.append("  hostSurvived: \(value)") }
        if let value = expect.maxRestarts { expectations.append("  maxRestarts: \(value)") }
        if let value = expect.minDetectionRate { expectations.append("  minDetectionRate: \(value)") }
        if let value = expect.hostCrashes { expectations.append("  hostCrashes: \(value)") }
        if let value = expect.bugcheck { expectations.append("  bugcheck: \(value.rawValue)") }
        if let value = expect.recovered { expectations.append("  recovered: \(value)") }
        if let value = expect.failureKind { expectations.append("  failureKind: \(value.rawValue)") }
        if let value = expect.syscall { expectations.append("  syscall: \(quote(value))") }
        if let value = expect.signal { expectations.append("  signal: \(quote(value))") }
        if let value = expect.quarantined { expectations.append("  quarantined: \(value)") }
        if let value = expect.maxMissed { expectations.append("  maxMissed: \(value)") }
        if let value = expect.permanentlyFailed { expectations.append("  permanentlyFailed: \(value)") }
        if !expectations.isEmpty { lines += ["expect:"] + expectations }
        return lines.joined(separator: "\n") + "\n"
    }
}
