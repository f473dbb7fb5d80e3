import RingfenceSystem

/// Whether an agent with a batch unanswered is still working on it: the one
/// decision the supervisor takes on real time, because a hang must really be
/// killed (``AgentLimits``).
///
/// - **Spinning:** the agent has spent `verdictCpu` seconds of its own CPU
///   time since it last answered (the batch, and any content it loaded before
///   it). CPU time does not grow while the agent waits for a CPU or is
///   stopped, so neither a loaded machine nor a SIGSTOP is a hang.
/// - **Blocked:** the agent has sat asleep in a system call for `stall` wall
///   seconds, doing next to no work, while nothing of the host's was waiting
///   to reach it. A runnable or stopped agent never counts as blocked.
///
/// Pure: the caller reads the clocks and the scheduler state, so tests drive it
/// with plain numbers.
struct AgentLiveness {
    enum Verdict: Equatable {
        case working
        case spinning
        case blocked
    }

    /// CPU time that still counts as "no work" while blocked (heartbeats and the like).
    static let idleCPU = 0.01

    let cpuBudget: Double
    let stallLimit: Double
    private var baseline: Double
    private var stall: (since: Double, cpu: Double)?

    init(limits: AgentLimits, cpu: Double) {
        cpuBudget = limits.verdictCpu
        stallLimit = limits.stall
        baseline = cpu
    }

    /// The agent answered: the next batch's budget starts here.
    mutating func answered(cpu: Double) {
        baseline = cpu
        stall = nil
    }

    /// One look at the agent while the host waits for it. `cpu` is nil once
    /// the process is gone (its end is the pidfd's to report).
    mutating func check(cpu: Double?, state: SchedulerState, wall: Double, hostWaitingToWrite: Bool) -> Verdict {
        guard let cpu else { return .working }
        if cpu - baseline >= cpuBudget { return .spinning }
        guard state == .sleeping, !hostWaitingToWrite else {
            stall = nil
            return .working
        }
        guard let stall, cpu - stall.cpu < Self.idleCPU else {
            stall = (wall, cpu)
            return .working
        }
        return wall - stall.since >= stallLimit ? .blocked : .working
    }

    /// What a hang's record says: the limit passed, never a measured figure,
    /// which would differ from run to run.
    func detail(_ verdict: Verdict) -> String? {
        switch verdict {
        case .working: nil
        case .spinning: "used its CPU budget of \(cpuBudget) s on one batch"
        case .blocked: "blocked for its stall limit of \(stallLimit) s with a batch unanswered"
        }
    }
}
