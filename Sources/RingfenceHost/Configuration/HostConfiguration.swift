import RingfenceContent
import RingfenceSandbox
import RingfenceSensor

/// Where an agent runs.
public enum Isolation: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// In the host process, like a driver: its crash is the host's.
    case kernel
    /// In a sandboxed child under the host's supervisor.
    case user

    public var description: String { rawValue }
}

/// What happens to events while a user-mode agent is down.
public enum FailMode: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// They pass unscanned and are counted as missed.
    case open
    /// They are blocked and counted, which costs the host availability.
    case closed

    public var description: String { rawValue }
}

/// Erlang-style restart intensity: at most `max` restarts within `window`
/// seconds, with exponential backoff from `backoff` seconds.
public struct RestartSettings: Codable, Hashable, Sendable {
    public var max: Int
    public var window: Double
    public var backoff: Double
    /// Backoff never grows beyond this.
    public var maxBackoff: Double

    public init(max: Int = 5, window: Double = 10, backoff: Double = 0.01, maxBackoff: Double = 1) {
        self.max = max
        self.window = window
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }
}

/// One agent of a simulated host.
public struct AgentConfiguration: Codable, Hashable, Sendable {
    public var name: String
    /// The fork-server entry a user-mode agent runs: the built-in "agent", or a test agent.
    public var entry: String = "agent"
    public var isolation: Isolation
    public var interpreter: InterpreterKind
    /// Fields the sensor supplies, by template type name (default: the built-in sensor).
    public var supplies: [String: Int]
    /// Seccomp profile for a user-mode agent (absolute path).
    public var profile: String
    public var memoryBytes: Int
    public var cpuSeconds: Int
    public var heartbeatSeconds: Double
    public var verdictDeadlineSeconds: Double
    public var restart: RestartSettings
    public var failMode: FailMode
    public var violations: ViolationHandling
    /// An agent that dies this soon after loading an update is rolled back and the update quarantined.
    public var rollbackWindowSeconds: Double

    public init(name: String, isolation: Isolation, interpreter: InterpreterKind, supplies: [String: Int] = [:], profile: String,
                memoryBytes: Int = 256 << 20, cpuSeconds: Int = 60, heartbeatSeconds: Double = 0.1, verdictDeadlineSeconds: Double = 0.25,
                restart: RestartSettings = RestartSettings(), failMode: FailMode = .open, violations: ViolationHandling = .preferred,
                rollbackWindowSeconds: Double = 5) {
        self.name = name
        self.isolation = isolation
        self.interpreter = interpreter
        self.supplies = supplies
        self.profile = profile
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.verdictDeadlineSeconds = verdictDeadlineSeconds
        self.restart = restart
        self.failMode = failMode
        self.violations = violations
        self.rollbackWindowSeconds = rollbackWindowSeconds
    }

    /// The sensor this agent embodies.
    public var sensor: SensorTemplates {
        var counts: [TemplateTypeID: Int] = [:]
        for (name, count) in supplies {
            if let type = SensorTemplates.builtIn.type(named: name) { counts[type.id] = count }
        }
        return SensorTemplates.builtIn.supplying(counts)
    }
}

/// Everything one boot of a simulated host needs, written by the lab as JSON.
public struct HostConfiguration: Codable, Hashable, Sendable {
    public var seed: UInt64
    /// 1-based.
    public var boot: Int
    /// Boot with third-party drivers off: kernel-mode agents are not loaded.
    public var safeMode: Bool
    /// How long this boot runs when nothing goes wrong, seconds.
    public var runSeconds: Double
    public var eventRate: Int
    /// Share of each event type, by template type name.
    public var mix: [String: Double]
    public var malicious: Double
    /// A kernel that does not get back to its loop for this long is a hang (DPC watchdog).
    public var watchdogSeconds: Double
    /// The simulated machine's memory (RLIMIT_AS of the host process).
    public var memoryBytes: Int = 4 << 30
    public var agents: [AgentConfiguration]

    public init(seed: UInt64, boot: Int, safeMode: Bool = false, runSeconds: Double, eventRate: Int = 20_000,
                mix: [String: Double] = ["ipc": 0.4, "process": 0.3, "file": 0.2, "network": 0.1], malicious: Double = 0.01,
                watchdogSeconds: Double = 1, agents: [AgentConfiguration]) {
        self.seed = seed
        self.boot = boot
        self.safeMode = safeMode
        self.runSeconds = runSeconds
        self.eventRate = eventRate
        self.mix = mix
        self.malicious = malicious
        self.watchdogSeconds = watchdogSeconds
        self.agents = agents
    }

    public var eventMix: EventMix {
        var weights: [TemplateTypeID: Double] = [:]
        for (name, weight) in mix {
            if let type = SensorTemplates.builtIn.type(named: name) { weights[type.id] = weight }
        }
        return EventMix(weights: weights, malicious: malicious)
    }
}
