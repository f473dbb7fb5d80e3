import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem
import Yams

/// Every key of the scenario format, once: its name, where it goes, its form
/// and its range (docs/scenarios.md documents each; a test checks that the
/// two agree). Defaults are the decoded types' own (``Scenario``).
enum ScenarioSchema {
    /// Simulated spans a scenario may ask for: up to a week.
    static let window = SimulatedTime.zero...SimulatedTime.seconds(7 * 86_400)
    /// The highest event rate: a week at this rate still counts in 64 bits.
    static let maxRate = 10_000_000
    /// Agents on one host: as many as a crash dump can name.
    static let maxAgents = CrashDump.maxAgents
    /// Updates in one scenario: far more than a trial can deliver meaningfully.
    static let maxUpdates = 1_000

    static var top: [SchemaKey<Scenario>] {
        [
            .value("name", \.name, .name, required: true),
            .value("description", \.description, .text),
            .value("seed", \.seed, .seed),
            .section("host", \.self, hostKeys),
            .value("validator", \.validator, .choice),
            .list("agents", \.agents, required: true, element: Scenario.defaultAgent, agentKeys, check: checkAgents, max: maxAgents),
            .section("content", \.self, contentKeys),
            .list("updates", \.updates, element: { _ in Scenario.Update() }, updateKeys, max: maxUpdates),
            .section("expect", \.expect, expectKeys),
        ]
    }

    /// `host:` carries the machine and, under `boot:`, how it reboots.
    static var hostKeys: [SchemaKey<Scenario>] {
        [
            .value("duration", \.host.duration, .duration(.milliseconds(1)...window.upperBound)),
            // At least 100 ms: a driver's honest batch costs a few milliseconds even in a debug build.
            .value("watchdog", \.host.watchdog, .seconds(0.1...60)),
            .value("memory", \.host.memory, .size((256 << 20)...(64 << 30))),
            .section("events", \.host.events, eventKeys),
            .section("boot", \.boot, bootKeys),
        ]
    }

    static var eventKeys: [SchemaKey<EventSettings>] {
        [
            .value("rate", \.rate, .integer(1...maxRate)),
            .value("mix", \.mix, ValueCodec.perEventType(.number(0...1), what: "event type").checked { mix, value throws(YAMLSourceError) in
                guard mix.values.reduce(0, +) > 0 else { throw value.error("the mix must give some type a share above 0") }
            }),
            .value("malicious", \.malicious, .number(0...1)),
        ]
    }

    static var bootKeys: [SchemaKey<BootSettings>] {
        [
            .value("maxBoots", \.maxBoots, .integer(1...100)),
            .value("recovery", \.recovery, .choice),
            .value("knownBadListWin", \.knownBadListWin, .number(0...1)),
            .value("reboot", \.reboot, .duration(window)),
            .value("safeModeRepair", \.safeModeRepair, .duration(window)),
        ]
    }

    static var agentKeys: [SchemaKey<AgentConfiguration>] {
        [
            .value("name", \.name, .name, required: true),
            .value("isolation", \.isolation, .choice),
            .value("interpreter", \.interpreter, .choice),
            .value("supplies", \.supplies, .perEventType(.integer(1...255), what: "template type")),
            // A profile file that does not exist is only ever a kernel-mode agent's default, which it never reads.
            .value("profile", \.profile, .profile, omitted: { !FileManager.default.fileExists(atPath: $0) }),
            .section("limits", \.limits, limitKeys),
            .section("restart", \.restart, restartKeys),
            .value("failMode", \.failMode, .choice),
            .value("violations", \.violations, .choice(of: [.notify, .trap])),
            .value("rollbackWindow", \.rollbackWindow, .duration(window)),
            .value("startup", \.startup, .duration(window)),
            .value("entry", \.entry, .oneOf(["agent"] + HostileAgents.entries.keys.sorted())),
        ]
    }

    static var limitKeys: [SchemaKey<AgentLimits>] {
        [
            .value("memory", \.memory, .size((16 << 20)...(64 << 30))),
            .value("cpu", \.cpu, .wholeSeconds(1...86_400)),
            .value("heartbeat", \.heartbeat, .duration(.milliseconds(1)...window.upperBound)),
            .value("verdictDeadline", \.verdictDeadline, .duration(.milliseconds(1)...window.upperBound)),
            .value("verdictCpu", \.verdictCpu, .seconds(0.1...3600)),
            .value("stall", \.stall, .seconds(0.05...3600)),
        ]
    }

    static var restartKeys: [SchemaKey<RestartSettings>] {
        [
            .value("max", \.max, .integer(0...1000)),
            .value("window", \.window, .duration(.milliseconds(1)...window.upperBound)),
            .value("backoff", \.backoff, .duration(window)),
            .value("maxBackoff", \.maxBackoff, .duration(window)),
        ]
    }

    static var contentKeys: [SchemaKey<Scenario>] {
        [
            .optional("templates", \.templates, .templates),
            .value("baseline", \.baseline, .list(.content)),
        ]
    }

    static var updateKeys: [SchemaKey<Scenario.Update>] {
        [
            .value("at", \.at, .duration(window), required: true),
            .value("content", \.content, .content, required: true),
            .value("fault", \.fault, .fault),
            .section("options", \.options, optionKeys),
        ]
    }

    static var optionKeys: [SchemaKey<FaultOptions>] {
        [
            .value("field", \.field, .integer(1...255)),
            .value("depth", \.depth, .integer(1...1_000_000)),
            .value("bits", \.bits, .integer(1...1024)),
            .value("repetition", \.repetition, .integer(1...1_000_000)),
            .value("value", \.value, .text),
        ]
    }

    static var expectKeys: [SchemaKey<Scenario.Expectations>] {
        [
            .optional("outcome", \.outcome, .choice),
            .optional("hostSurvived", \.hostSurvived, .boolean),
            .optional("hostCrashes", \.hostCrashes, .integer(0...1000)),
            .optional("bugcheck", \.bugcheck, .choice),
            .optional("recovered", \.recovered, .boolean),
            .optional("maxRestarts", \.maxRestarts, .integer(0...100_000)),
            .optional("minDetectionRate", \.minDetectionRate, .number(0...1)),
            .optional("maxMissed", \.maxMissed, .integer(0...Int.max)),
            .optional("failureKind", \.failureKind, .choice),
            .optional("signal", \.signal, .signal),
            .optional("syscall", \.syscall, .text),
            .optional("quarantined", \.quarantined, .boolean),
            .optional("permanentlyFailed", \.permanentlyFailed, .boolean),
        ]
    }

    /// Every key path of the format, `host.events.rate` and `agents[].limits.stall` style.
    static var keyPaths: [String] { top.flatMap(\.paths) }

    /// Agent names are unique, a scenario has at least one agent, and every
    /// user-mode agent's profile compiles (with its `violations` handling):
    /// a bad profile is invalid input, refused before anything runs.
    private static func checkAgents(_ agents: [AgentConfiguration], _ list: YAMLValue, _ items: [YAMLValue]) throws(YAMLSourceError) {
        var names = Set<String>()
        for (agent, item) in zip(agents, items) {
            let mapping = try item.mapping(allowed: agentKeys.map(\.name))
            if !names.insert(agent.name).inserted {
                throw try mapping.required("name").error("duplicate agent name '\(agent.name)'")
            }
            guard agent.isolation == .user else { continue }
            do {
                _ = try agent.policy().compile(handling: agent.violations)
            } catch {
                throw (mapping["profile"] ?? item).error("profile \(error)")
            }
        }
        if agents.isEmpty { throw list.error("a scenario needs at least one agent") }
    }
}

extension ValueCodec where Value == Signal {
    /// `SIGSEGV`, `SEGV` or a number.
    static var signal: Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let name = try value.string()
            guard let signal = Signal(name: name) else { throw value.error("'\(name)' is not a signal; write it like SIGSEGV") }
            return signal
        }, write: { signal, _ in scalar(signal.name) })
    }
}

extension ValueCodec where Value == Fault? {
    /// A catalog fault by name, or `none`.
    static var fault: Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let name = try value.string()
            guard name != "none" else { return nil }
            guard let fault = Fault(rawValue: name) else { throw value.error("unknown fault '\(name)'; see `ringfence faults` (or none)") }
            return fault
        }, write: { fault, _ in scalar(fault?.rawValue ?? "none") })
    }
}
