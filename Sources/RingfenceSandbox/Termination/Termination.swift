import Glibc
import RingfenceSystem

/// How a sandboxed child ended, decided in one place from kernel facts and the
/// supervisor's deadlines.
public enum Termination: Hashable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case crashed(Signal)
    case policyViolation(SyscallViolation)
    case timedOut
    case memoryLimit
    case cpuLimit
    case killedBySupervisor
    case setupFailed(SetupStage, errno: Int32)

    /// The rules, in order; the first that applies wins (as in sandbox2, the
    /// first status written is the one reported). Kernel facts come before
    /// the supervisor's own budgets: a child that died of its own signal, or of
    /// a limit the kernel enforced, did so whatever deadline was running.
    ///
    /// 1. Setup failed: nothing ran.
    /// 2. The kernel notified a forbidden syscall and the supervisor killed the child.
    /// 3. It exited: its exit code.
    /// 4. It died of a signal other than SIGKILL (nobody but the kernel or the
    ///    child itself sends those here): SIGSYS is a policy violation, whose
    ///    reporter's claim names the syscall only if it says SIGSYS too (without
    ///    one, the filter killed the process outright: a foreign architecture or
    ///    an x32 number); SIGXCPU is the CPU limit; an abort or a segfault after
    ///    failing to allocate (the reporter saw ENOMEM, or the peak RSS reached
    ///    three quarters of the address-space limit) is the memory limit; any
    ///    other signal is a crash.
    /// 5. SIGKILL after using up the CPU limit: the kernel's hard CPU limit.
    /// 6. SIGKILL the supervisor sent: at a deadline (a hang), or for its own reasons.
    /// 7. Any other SIGKILL: the memory limit if the peak RSS says so, else a crash.
    public static func decide(_ facts: TerminationFacts, cpuLimitSeconds: Double? = nil) -> Termination {
        if let failure = facts.setupFailure { return .setupFailed(failure.stage, errno: failure.errno) }
        if let violation = facts.notifiedViolation { return .policyViolation(violation) }
        guard let status = facts.status else { return facts.deadlineExpired ? .timedOut : .killedBySupervisor }
        guard case .signaled(let signal, _) = status else { return .exited(status.exitCode ?? -1) }

        let claim = facts.reports.last { $0.signal == signal }
        let nearMemoryLimit = facts.addressSpaceLimit.map { limit in (facts.usage?.peakResidentBytes ?? 0) * 4 >= limit * 3 } ?? false
        switch signal {
        case .badSystemCall:
            guard let claim else {
                return .policyViolation(SyscallViolation(syscall: nil, number: nil, architecture: nil, arguments: [], source: .signalOnly))
            }
            return .policyViolation(SyscallViolation(
                syscall: SyscallTable.name(of: claim.syscall, architecture: claim.architecture), number: claim.syscall,
                architecture: SyscallTable.architectureName(claim.architecture), arguments: claim.arguments, source: .trapReport))
        case .cpuLimitExceeded:
            return .cpuLimit
        case .kill:
            let used = (facts.usage?.userSeconds ?? 0) + (facts.usage?.systemSeconds ?? 0)
            if let limit = cpuLimitSeconds, used >= limit { return .cpuLimit }
            if facts.deadlineExpired { return .timedOut }
            if facts.killedBySupervisor { return .killedBySupervisor }
            return nearMemoryLimit ? .memoryLimit : .crashed(signal)
        case .abort, .segmentationFault, .bus:
            return claim?.savedErrno == ENOMEM || nearMemoryLimit ? .memoryLimit : .crashed(signal)
        default:
            return .crashed(signal)
        }
    }

    /// The agent-failure kind of DESIGN.md section 3.
    public var kind: String {
        switch self {
        case .exited: "exit"
        case .crashed: "crash"
        case .policyViolation: "policy-violation"
        case .timedOut: "hang"
        case .memoryLimit: "memory-limit"
        case .cpuLimit: "cpu-limit"
        case .killedBySupervisor: "killed-by-supervisor"
        case .setupFailed: "setup-failed"
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited(\(code))"
        case .crashed(let signal): "crashed(\(signal))"
        case .policyViolation(let violation): "policy-violation: \(violation)"
        case .timedOut: "timed out"
        case .memoryLimit: "memory limit"
        case .cpuLimit: "CPU limit"
        case .killedBySupervisor: "killed by the supervisor"
        case .setupFailed(let stage, let errno): "setup failed at \(stage): \(ErrnoName.describe(errno))"
        }
    }
}
