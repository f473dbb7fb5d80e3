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
    /// first status written is the one reported).
    ///
    /// 1. Setup failed: nothing ran.
    /// 2. The kernel notified a forbidden syscall and the supervisor killed the child.
    /// 3. The supervisor killed it at its deadline, or 4. for its own reasons.
    /// 5. Death by SIGSYS: a policy violation. The reporter's claim names the
    ///    syscall only if it says SIGSYS too; without one, the filter killed the
    ///    process outright (a foreign architecture or an x32 number).
    /// 6. SIGXCPU, or SIGKILL after using the CPU limit: the CPU limit.
    /// 7. An abort or a segfault after failing to allocate (the reporter saw
    ///    ENOMEM, or the peak RSS reached three quarters of the address-space
    ///    limit): the memory limit.
    /// 8. Any other signal: a crash. 9. Otherwise the exit code.
    public static func decide(_ facts: TerminationFacts, cpuLimitSeconds: Double? = nil) -> Termination {
        if let failure = facts.setupFailure { return .setupFailed(failure.stage, errno: failure.errno) }
        if let violation = facts.notifiedViolation { return .policyViolation(violation) }
        if facts.deadlineExpired { return .timedOut }
        if facts.killedBySupervisor { return .killedBySupervisor }
        guard let status = facts.status else { return .killedBySupervisor }
        guard case .signaled(let signal, _) = status else { return .exited(status.exitCode ?? -1) }

        let claim = facts.reports.last { $0.signal == signal }
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
        case .kill where cpuLimitSeconds.map { (facts.usage?.userSeconds ?? 0) + (facts.usage?.systemSeconds ?? 0) >= $0 } == true:
            return .cpuLimit
        case .abort, .segmentationFault, .bus, .kill:
            if claim?.savedErrno == ENOMEM { return .memoryLimit }
            if let limit = facts.addressSpaceLimit, let peak = facts.usage?.peakResidentBytes, peak * 4 >= limit * 3 {
                return .memoryLimit
            }
            return .crashed(signal)
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
