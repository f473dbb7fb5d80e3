import RingfenceContent
import RingfenceSandbox
import RingfenceSensor

/// One agent of a simulated host. The defaults here are the scenario
/// format's defaults (docs/scenarios.md): they are written nowhere else.
public struct AgentConfiguration: Codable, Hashable, Sendable {
    public var name: String
    /// The fork-server entry a user-mode agent runs: the built-in "agent", or a hostile test agent.
    public var entry = "agent"
    public var isolation: Isolation = .kernel
    public var interpreter: InterpreterKind = .unsafe
    /// Fields the sensor supplies, by template type name; unnamed types keep the built-in sensor's count.
    public var supplies: [String: Int] = [:]
    /// Seccomp profile of a user-mode agent (an absolute path).
    public var profile: String
    public var limits = AgentLimits()
    public var restart = RestartSettings()
    public var failMode: FailMode = .open
    public var violations: ViolationHandling = .preferred
    /// An agent that fails this soon after loading an update is rolled back and the update quarantined.
    public var rollbackWindow: SimulatedTime = .seconds(5)
    /// What starting the agent process costs before it serves: events meanwhile
    /// are missed (or blocked). At boot it is part of the boot, so it is charged
    /// only on restarts.
    public var startup: SimulatedTime = .milliseconds(20)

    public init(name: String, profile: String) {
        self.name = name
        self.profile = profile
    }

    /// The sensor this agent embodies: the built-in one, with `supplies` applied.
    public var sensor: SensorTemplates {
        var counts: [TemplateTypeID: Int] = [:]
        for (name, count) in supplies {
            if let type = SensorTemplates.builtIn.type(named: name) { counts[type.id] = count }
        }
        return SensorTemplates.builtIn.supplying(counts)
    }
}

extension AgentConfiguration {
    /// The user-mode agent's seccomp policy. `violations: log` is profile
    /// learning, which counts as the opt-in a permissive profile needs.
    public func policy() throws(SandboxPolicyError) -> PolicyCompiler {
        var policy = try PolicyCompiler.load(profile)
        policy.allowsPermissive = violations == .log
        return policy
    }
}
