import RingfenceHost
import RingfenceSensor

/// What one trial came to, built from its record log.
public struct TrialResult: Sendable {
    public struct AgentReport: Sendable {
        public var configuration: AgentConfiguration
        public var failures: [AgentFailure]
        public var counts: AgentCounts
    }

    public var name: String
    public var seed: UInt64
    public var outcome: Outcome
    public var boots: Int
    public var hostCrashes: Int
    public var bootLoopLength: Int
    public var bugcheck: Bugcheck?
    public var recovered: Bool
    public var hostSurvived: Bool
    public var downtimeSeconds: Double
    public var recoveries: [String]
    public var rejectedUpdates: [Int]
    public var agents: [AgentReport]
    public var records: [TrialRecord]
    public var recordsPath: String
    public var wallSeconds: Double
}
