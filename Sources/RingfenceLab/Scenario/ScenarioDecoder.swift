import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// Reads a scenario file strictly: an unknown key, a wrong type, an
/// out-of-range value or a duplicate agent name is a ``YAMLSourceError``
/// naming the file, the key path and the line. Durations (`200ms`, `2s`,
/// `78m`) and sizes (`256MiB`) are parsed with the same care. Paths are
/// relative to the scenario file, and must exist. The file itself is read
/// through ``StrictYAML`` (size, depth and alias-expansion caps).
public enum ScenarioDecoder {
    public static func load(_ path: String) throws(YAMLSourceError) -> Scenario {
        let document = try StrictYAML(contentsOf: path)
        let top = try document.root.mapping(allowed: ["name", "description", "seed", "host", "validator", "agents", "content", "updates", "expect"],
                                            required: ["name", "agents"])
        func file(_ value: YAMLValue) throws(YAMLSourceError) -> String {
            let resolved = ChannelSource.resolve(try value.string(), relativeTo: path)
            guard FileManager.default.fileExists(atPath: resolved) else { throw value.error("no such file: \(resolved)") }
            return resolved
        }

        let nameValue = try top.required("name")
        let name = try nameValue.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw nameValue.error("a name is letters, digits, '-', '_' and '.'")
        }
        var scenario = Scenario(file: path, name: name, description: try top["description"]?.string() ?? "",
                                seed: UInt64(try top["seed"]?.int(in: 0...Int.max) ?? 0), duration: 2, eventRate: 20_000,
                                mix: ["ipc": 0.4, "process": 0.3, "file": 0.2, "network": 0.1], malicious: 0.01, watchdog: 1,
                                hostMemory: 4 << 30, boot: BootSettings(), validator: .buggy, agents: [], templates: nil, baseline: [],
                                updates: [], expect: Scenario.Expectations())
        if let host = top["host"] { try readHost(host, into: &scenario) }
        if let validator = top["validator"] { scenario.validator = try validator.choice(["off": .off, "on": .on, "buggy": .buggy]) }

        var names = Set<String>()
        for agentValue in try top.required("agents").sequence() {
            let agent = try readAgent(agentValue, scenarioPath: path, file: file)
            guard names.insert(agent.name).inserted else {
                throw try agentValue.mapping(allowed: agentKeys).required("name").error("duplicate agent name '\(agent.name)'")
            }
            scenario.agents.append(agent)
        }
        if scenario.agents.isEmpty { throw try top.required("agents").error("a scenario needs at least one agent") }

        if let content = top["content"] {
            let map = try content.mapping(allowed: ["templates", "baseline"])
            if let templates = map["templates"] { scenario.templates = try file(templates) }
            for value in try map["baseline"]?.list() ?? [] { scenario.baseline.append(try file(value)) }
        }
        for updateValue in try top["updates"]?.sequence() ?? [] {
            scenario.updates.append(try readUpdate(updateValue, file: file))
        }
        if let expect = top["expect"] { scenario.expect = try readExpectations(expect) }
        return scenario
    }

    // MARK: - Sections

    private static func readHost(_ value: YAMLValue, into scenario: inout Scenario) throws(YAMLSourceError) {
        let host = try value.mapping(allowed: ["duration", "events", "boot", "watchdog", "memory"])
        if let duration = host["duration"] { scenario.duration = try seconds(duration, in: 0.05...3600) }
        if let watchdog = host["watchdog"] { scenario.watchdog = try seconds(watchdog, in: 0.05...60) }
        if let memory = host["memory"] { scenario.hostMemory = try bytes(memory, in: (64 << 20)...(64 << 30)) }
        if let events = host["events"] {
            let map = try events.mapping(allowed: ["rate", "mix", "malicious"])
            if let rate = map["rate"] { scenario.eventRate = try rate.int(in: 1...1_000_000) }
            if let malicious = map["malicious"] { scenario.malicious = try malicious.double(in: 0...1) }
            if let mixValue = map["mix"] {
                var mix: [String: Double] = [:]
                for (type, share) in try mixValue.entries() {
                    guard SensorTemplates.builtIn.type(named: type) != nil else {
                        throw share.error("unknown event type '\(type)'; the sensor has ipc, process, file, network")
                    }
                    mix[type] = try share.double(in: 0...1)
                }
                guard mix.values.reduce(0, +) > 0 else { throw mixValue.error("the mix must give some type a share above 0") }
                scenario.mix = mix
            }
        }
        if let bootValue = host["boot"] {
            let boot = try bootValue.mapping(allowed: ["maxBoots", "recovery", "knownBadListWin", "reboot", "safeModeRepair"])
            if let maxBoots = boot["maxBoots"] { scenario.boot.maxBoots = try maxBoots.int(in: 1...100) }
            if let recovery = boot["recovery"] {
                scenario.boot.recovery = try recovery.choice(["none": .none, "safe-mode": .safeMode, "remote-fix": .remoteFix,
                                                              "known-bad-list": .knownBadList])
            }
            if let win = boot["knownBadListWin"] { scenario.boot.knownBadListWinProbability = try win.double(in: 0...1) }
            if let reboot = boot["reboot"] { scenario.boot.rebootSeconds = try seconds(reboot, in: 0...86_400) }
            if let repair = boot["safeModeRepair"] { scenario.boot.safeModeRepairSeconds = try seconds(repair, in: 0...86_400) }
        }
    }

    static let agentKeys = ["name", "isolation", "interpreter", "supplies", "profile", "limits", "restart", "failMode", "violations",
                            "rollbackWindow", "entry"]

    private static func readAgent(_ value: YAMLValue, scenarioPath: String,
                                  file: (YAMLValue) throws(YAMLSourceError) -> String) throws(YAMLSourceError) -> AgentConfiguration {
        let map = try value.mapping(allowed: agentKeys, required: ["name"])
        let name = try map.required("name").string()
        let isolation = try map["isolation"]?.choice(["kernel": Isolation.kernel, "user": .user]) ?? .kernel
        let interpreter = try map["interpreter"]?.choice(["unsafe": InterpreterKind.unsafe, "checked": .checked, "resilient": .resilient])
            ?? .unsafe
        let defaultProfile = ChannelSource.resolve("../Sandbox/profiles/agent.json", relativeTo: scenarioPath)
        var agent = AgentConfiguration(name: name, isolation: isolation, interpreter: interpreter,
                                       profile: try map["profile"].map(file) ?? defaultProfile)
        if let supplies = map["supplies"] {
            for (type, count) in try supplies.entries() {
                guard SensorTemplates.builtIn.type(named: type) != nil else { throw count.error("unknown template type '\(type)'") }
                agent.supplies[type] = try count.int(in: 1...255)
            }
        }
        if let limits = map["limits"] {
            let limitMap = try limits.mapping(allowed: ["memory", "cpu", "heartbeat", "verdictDeadline"])
            if let memory = limitMap["memory"] { agent.memoryBytes = try bytes(memory, in: (16 << 20)...(64 << 30)) }
            if let cpu = limitMap["cpu"] { agent.cpuSeconds = Int(try seconds(cpu, in: 1...3600).rounded(.up)) }
            if let heartbeat = limitMap["heartbeat"] { agent.heartbeatSeconds = try seconds(heartbeat, in: 0.001...60) }
            if let deadline = limitMap["verdictDeadline"] { agent.verdictDeadlineSeconds = try seconds(deadline, in: 0.001...60) }
        }
        if let restart = map["restart"] {
            let restartMap = try restart.mapping(allowed: ["max", "window", "backoff", "maxBackoff"])
            if let max = restartMap["max"] { agent.restart.max = try max.int(in: 0...1000) }
            if let window = restartMap["window"] { agent.restart.window = try seconds(window, in: 0.001...86_400) }
            if let backoff = restartMap["backoff"] { agent.restart.backoff = try seconds(backoff, in: 0...3600) }
            if let maxBackoff = restartMap["maxBackoff"] { agent.restart.maxBackoff = try seconds(maxBackoff, in: 0...3600) }
        }
        if let failMode = map["failMode"] { agent.failMode = try failMode.choice(["open": FailMode.open, "closed": .closed]) }
        if let violations = map["violations"] {
            agent.violations = try violations.choice(["notify": ViolationHandling.notify, "trap": .trap])
        }
        if let window = map["rollbackWindow"] { agent.rollbackWindowSeconds = try seconds(window, in: 0...3600) }
        if let entry = map["entry"] {
            agent.entry = try entry.choice(["agent": "agent", "hostile-garbage": "hostile-garbage", "hostile-oversized": "hostile-oversized",
                                            "hostile-flood": "hostile-flood", "hostile-silent": "hostile-silent",
                                            "hostile-close-fds": "hostile-close-fds"])
        }
        return agent
    }

    private static func readUpdate(_ value: YAMLValue, file: (YAMLValue) throws(YAMLSourceError) -> String) throws(YAMLSourceError) -> Scenario.Update {
        let map = try value.mapping(allowed: ["at", "content", "fault", "options"], required: ["at", "content"])
        var update = Scenario.Update(at: try seconds(try map.required("at"), in: 0...3600), content: try file(try map.required("content")),
                                     fault: nil, options: FaultOptions())
        if let faultValue = map["fault"] {
            let name = try faultValue.string()
            if name != "none" {
                guard let fault = Fault(rawValue: name) else {
                    throw faultValue.error("unknown fault '\(name)'; see `ringfence faults` (or none)")
                }
                update.fault = fault
            }
        }
        if let options = map["options"] {
            let optionMap = try options.mapping(allowed: ["field", "depth", "bits", "repetition", "value"])
            if let field = optionMap["field"] { update.options.field = try field.int(in: 1...255) }
            if let depth = optionMap["depth"] { update.options.depth = try depth.int(in: 1...1_000_000) }
            if let bits = optionMap["bits"] { update.options.bits = try bits.int(in: 1...1024) }
            if let repetition = optionMap["repetition"] { update.options.repetition = try repetition.int(in: 1...1_000_000) }
            if let literal = optionMap["value"] { update.options.value = try literal.string() }
        }
        return update
    }

    private static func readExpectations(_ value: YAMLValue) throws(YAMLSourceError) -> Scenario.Expectations {
        let map = try value.mapping(allowed: ["outcome", "hostSurvived", "maxRestarts", "minDetectionRate", "hostCrashes", "bugcheck",
                                              "recovered", "failureKind", "syscall", "signal", "quarantined", "maxMissed", "permanentlyFailed"])
        var expect = Scenario.Expectations()
        if let outcome = map["outcome"] {
            let word = try outcome.string()
            guard let parsed = Outcome(rawValue: word) else {
                throw outcome.error("'\(word)' is not one of: \(Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            expect.outcome = parsed
        }
        expect.hostSurvived = try map["hostSurvived"]?.bool()
        expect.maxRestarts = try map["maxRestarts"]?.int(in: 0...100_000)
        expect.minDetectionRate = try map["minDetectionRate"]?.double(in: 0...1)
        expect.hostCrashes = try map["hostCrashes"]?.int(in: 0...1000)
        if let bugcheck = map["bugcheck"] {
            let word = try bugcheck.string()
            guard let parsed = Bugcheck(rawValue: word) else { throw bugcheck.error("unknown bugcheck '\(word)'") }
            expect.bugcheck = parsed
        }
        expect.recovered = try map["recovered"]?.bool()
        if let kind = map["failureKind"] {
            let word = try kind.string()
            guard let parsed = AgentFailure.Kind(rawValue: word) else {
                throw kind.error("unknown failure kind '\(word)' (crash, hang, memory-limit, cpu-limit, policy-violation, protocol-error, exit)")
            }
            expect.failureKind = parsed
        }
        expect.syscall = try map["syscall"]?.string()
        expect.signal = try map["signal"]?.string()
        expect.quarantined = try map["quarantined"]?.bool()
        expect.maxMissed = try map["maxMissed"]?.int(in: 0...Int.max)
        expect.permanentlyFailed = try map["permanentlyFailed"]?.bool()
        return expect
    }

    // MARK: - Durations and sizes

    static func seconds(_ value: YAMLValue, in range: ClosedRange<Double>) throws(YAMLSourceError) -> Double {
        let text = try value.string()
        guard let seconds = DurationText.parse(text) else {
            throw value.error("'\(text)' is not a duration; write it like 500us, 200ms, 2s, 78m or 1h")
        }
        guard range.contains(seconds) else { throw value.error("\(text) is out of range (\(range.lowerBound) s ... \(range.upperBound) s)") }
        return seconds
    }

    static func bytes(_ value: YAMLValue, in range: ClosedRange<Int>) throws(YAMLSourceError) -> Int {
        let text = try value.string()
        guard let bytes = ByteSize.parse(text) else { throw value.error("'\(text)' is not a size; write it like 256MiB or 1GiB") }
        guard range.contains(bytes) else { throw value.error("\(text) is out of range (\(range.lowerBound) ... \(range.upperBound) bytes)") }
        return bytes
    }
}
