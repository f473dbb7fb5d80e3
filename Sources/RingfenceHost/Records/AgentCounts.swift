/// One agent's event totals, as the host keeps them on the simulated clock.
///
/// Accounting holds exactly: fail open, `processed + missed = generated`;
/// fail closed, `processed + blocked = generated`. Events are missed or
/// blocked only while the agent is down in simulated time, which includes the
/// batch it died on.
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
    /// Simulated time the host ran without this agent scanning.
    public var unprotected: SimulatedTime = .zero

    public init(name: String) { self.name = name }

    /// A batch the agent scanned.
    public mutating func scanned(events: Int, malicious: Int, detected: Int) {
        generated += events
        processed += events
        self.malicious += malicious
        self.detected += detected
    }

    /// A batch the agent did not scan: it was down, or it died on it.
    public mutating func unscanned(events: Int, malicious: Int, failMode: FailMode) {
        generated += events
        self.malicious += malicious
        switch failMode {
        case .open: missed += events
        case .closed: blocked += events
        }
    }

    /// Another boot's totals added to these.
    public mutating func add(_ other: AgentCounts) {
        generated += other.generated
        processed += other.processed
        missed += other.missed
        blocked += other.blocked
        malicious += other.malicious
        detected += other.detected
        unprotected += other.unprotected
    }

    enum CodingKeys: String, CodingKey { case name, generated, processed, missed, blocked, malicious, detected, unprotectedSeconds }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        generated = try container.decode(Int.self, forKey: .generated)
        processed = try container.decode(Int.self, forKey: .processed)
        missed = try container.decode(Int.self, forKey: .missed)
        blocked = try container.decode(Int.self, forKey: .blocked)
        malicious = try container.decode(Int.self, forKey: .malicious)
        detected = try container.decode(Int.self, forKey: .detected)
        unprotected = SimulatedTime(seconds: try container.decode(Double.self, forKey: .unprotectedSeconds))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(generated, forKey: .generated)
        try container.encode(processed, forKey: .processed)
        try container.encode(missed, forKey: .missed)
        try container.encode(blocked, forKey: .blocked)
        try container.encode(malicious, forKey: .malicious)
        try container.encode(detected, forKey: .detected)
        try container.encode(unprotected.seconds, forKey: .unprotectedSeconds)
    }
}
