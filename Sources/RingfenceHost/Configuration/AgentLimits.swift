/// Everything that bounds one user-mode agent, in one table (as the osquery
/// watcher keeps them), with the clock each limit is measured on.
///
/// - **Kernel-enforced** (rlimits): `memory` and `cpu`. Hitting one is
///   `memory-limit` or `cpu-limit`, decided from the kernel's facts first.
/// - **Real liveness**: `verdictCpu` is CPU time, the agent's own, spent on one
///   batch (with any content it loaded just before); a machine's load does not
///   change it. `stall` is wall time, the backstop for an agent that blocks
///   without spinning (asleep, its CPU time frozen, a batch unanswered). A
///   stopped agent (SIGSTOP) or one waiting for a CPU accrues neither.
/// - **Simulated**: `heartbeat` and `verdictDeadline` are what detecting a hang
///   costs on the simulated clock: the supervisor notices a hung agent after
///   three missed heartbeats or a missed verdict deadline, whichever is first.
public struct AgentLimits: Codable, Hashable, Sendable {
    /// RLIMIT_AS of the agent process, bytes.
    public var memory = 256 << 20
    /// RLIMIT_CPU of the agent process over its whole life, seconds.
    public var cpu = 60
    public var heartbeat: SimulatedTime = .milliseconds(100)
    public var verdictDeadline: SimulatedTime = .milliseconds(250)
    /// CPU seconds per batch before the agent is declared hung.
    public var verdictCpu = 2.0
    /// Wall seconds blocked with a batch unanswered before the agent is declared hung.
    public var stall = 2.0

    public init() {}

    /// Simulated time from a hang's start to its detection.
    public var hangDetection: SimulatedTime { Swift.min(heartbeat * 3, verdictDeadline) }
}
