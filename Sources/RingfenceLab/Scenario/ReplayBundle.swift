import Foundation
import RingfenceContent
import RingfenceSystem

/// A failed scenario, packed so that `ringfence run BUNDLE` reproduces it, from
/// any folder: the scenario as written (``ScenarioWriter``, every key spelt
/// out), with every file it reads beside it under a relative path, the seed,
/// and the report of the failed run.
///
/// - Rules files (YAML) are stored compiled, as channel files: a rules file
///   reads other files (`templates:`, `extends:`), and the channel file is
///   exactly what the run compiled from all of them.
/// - The template definitions and every agent's profile, kernel mode's too,
///   are copied as they are. A profile that does not exist (the default of a
///   kernel-mode agent outside the checkout, which never uses it) is left out,
///   and the bundle's scenario takes the default again.
///
/// Faults are applied again from the same seed, so the content bytes are the
/// same, and so is the report (docs/scenarios.md, "Determinism").
public enum ReplayBundle {
    public static let scenarioFile = "scenario.yaml"
    static let filesFolder = "files"

    /// Writes the bundle and returns its folder.
    public static func write(scenario: Scenario, report: ScenarioReport, into directory: String) throws -> String {
        let folder = "\(directory)/\(scenario.name)-seed\(scenario.seed)"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: "\(folder)/\(filesFolder)", withIntermediateDirectories: true)
        var names: [String: String] = [:]
        func store(_ path: String, compile: Bool) throws {
            guard names[path] == nil else { return }
            var base = (path as NSString).lastPathComponent
            if compile { base = (base as NSString).deletingPathExtension + ".chan" }
            let name = names.values.contains("\(filesFolder)/\(base)") ? "\(names.count + 1)-\(base)" : base
            let bytes = compile ? try ChannelSource.compile(path).encoded() : try FileBytes.read(path)
            try AtomicFile.write(bytes, to: "\(folder)/\(filesFolder)/\(name)")
            names[path] = "\(filesFolder)/\(name)"
        }
        if let templates = scenario.templates { try store(templates, compile: false) }
        for path in scenario.baseline + scenario.updates.map(\.content) { try store(path, compile: CompiledSources.isRulesFile(path)) }
        for agent in scenario.agents where FileManager.default.fileExists(atPath: agent.profile) { try store(agent.profile, compile: false) }
        let yaml = ScenarioWriter.yaml(scenario) { path in names[path] ?? path }
        try AtomicFile.write("# Replay bundle: `ringfence run` on this folder reproduces the failed run.\n" + yaml, to: "\(folder)/\(scenarioFile)")
        try AtomicFile.write("\(scenario.seed)\n", to: "\(folder)/seed")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](encoder.encode(report)), to: "\(folder)/report.json")
        return folder
    }

    /// The bundle's scenario file, `path` being a bundle folder, or nil if it is not one.
    public static func scenarioPath(in path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        let candidate = "\(path)/\(scenarioFile)"
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }
}
