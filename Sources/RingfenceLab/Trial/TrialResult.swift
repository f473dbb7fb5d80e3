import RingfenceHost

/// What one trial came to, decided from its records by ``TrialAnalysis``.
public struct TrialResult: Sendable {
    public struct AgentReport: Sendable {
        public var configuration: AgentConfiguration
        /// The first ``TrialAnalysis/Tally/maxListed`` failures.
        public var failures: [AgentFailure]
        /// Every failure, listed or not.
        public var failureCount: Int
        /// Event totals over every boot.
        public var counts: AgentCounts
        public var restarts: Int
        public var rollbacks: Int
        /// Digests of the updates its supervisor quarantined.
        public var quarantined: [String]
        public var permanentlyFailed: Bool
    }

    public var name: String
    public var seed: UInt64
    /// The worst that happened. Meaningless when ``problems`` is not empty.
    public var outcome: Outcome
    /// Why the trial cannot be judged at all: then it is an error, never an outcome.
    public var problems: [TrialProblem]
    public var boots: Int
    public var hostCrashes: Int
    public var bootLoopLength: Int
    public var bugcheck: Bugcheck?
    public var recovered: Bool
    public var hostSurvived: Bool
    /// Simulated time the host was down.
    public var downtime: SimulatedTime
    public var recoveries: [RecoveryAction]
    public var rejectedUpdates: [Int]
    public var agents: [AgentReport]
    /// The records the runner kept: every one when asked to (tests), otherwise none.
    public var records: [TrialRecord]
    /// The first ``TrialAnalysis/Tally/maxListed`` milestone records (boots, crashes, failures...).
    public var timeline: [TrialRecord]
    /// Milestones past that cap.
    public var timelineOmitted: Int
    /// Every record the trial wrote to its log.
    public var recordCount: Int
    public var recordsPath: String
    /// How long the trial took on this machine (never part of a result).
    public var wallSeconds: Double

    public var isSound: Bool { problems.isEmpty }
}

/// A reason a trial's outcome cannot stand.
public enum TrialProblem: Hashable, Sendable, CustomStringConvertible {
    /// Nothing ran: no event was generated and the host never crashed.
    case noEvents
    /// An agent answered a batch without scanning all of it.
    case eventsDropped(agent: String, events: Int, scanned: Int)
    /// A host process could not run its boot.
    case hostError(String)

    public var description: String {
        switch self {
        case .noEvents: "no events were generated: nothing ran, so nothing can be judged"
        case .eventsDropped(let agent, let events, let scanned): "agent \(agent) scanned \(scanned) of a batch of \(events) events"
        case .hostError(let reason): "the host could not run: \(reason)"
        }
    }
}
