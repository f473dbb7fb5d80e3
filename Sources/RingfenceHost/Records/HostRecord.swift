/// What a host tells the lab, one JSON line per record, as it happens. The
/// lab numbers each record and appends it to the trial's durable log, so that
/// whatever a host said before it crashed is kept.
public struct HostRecord: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case booted = "boot"
        case channelLoaded = "channel-loaded"
        case updateInstalled = "update-installed"
        case updateRefused = "update-refused"
        case agentStarted = "agent-started"
        case agentFailure = "agent-failure"
        case agentRestart = "agent-restart"
        case rollback
        case quarantine
        case agentPermanentlyFailed = "agent-permanently-failed"
        case counts
        case shutdown
        /// The kernel stops itself: it found its own state corrupted.
        case bugcheck
    }

    public var kind: Kind
    /// Seconds since the host process started.
    public var uptime: Double
    public var agent: String?
    /// Failure kind (DESIGN.md section 3), boot mode, or other short word.
    public var detail: String?
    public var signal: String?
    public var syscall: String?
    /// The update (1-based, in delivery order) a failure or action concerns.
    public var update: Int?
    public var channel: UInt32?
    public var digest: String?
    public var reason: String?
    public var restarts: Int?
    public var milliseconds: Double?
    public var counts: [AgentCounts]?

    public init(_ kind: Kind, uptime: Double, agent: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.uptime = uptime
        self.agent = agent
        self.detail = detail
    }
}

/// An agent's running totals, as the host reports them.
public struct AgentCounts: Codable, Hashable, Sendable {
    public var name: String
    /// Events offered to the agent.
    public var generated = 0
    public var processed = 0
    /// Passed unscanned while the agent was down (fail open).
    public var missed = 0
    /// Blocked unscanned while the agent was down (fail closed).
    public var blocked = 0
    public var malicious = 0
    public var detected = 0
    public var restarts = 0
    public var rollbacks = 0
    public var quarantined: [String] = []
    public var permanentlyFailed = false
    /// Seconds the host ran without this agent scanning (down, restarting or failed).
    public var unprotectedSeconds = 0.0

    public init(name: String) { self.name = name }
}
