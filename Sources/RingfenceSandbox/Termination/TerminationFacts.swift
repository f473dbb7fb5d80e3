import RingfenceSystem

/// Everything the supervisor knows about how a sandboxed child ended, gathered
/// from the kernel (wait status, rusage, seccomp notifications), its own
/// clock, and the child's reporter (claims).
public struct TerminationFacts: Sendable {
    public var status: WaitStatus?
    public var usage: ResourceUsage?
    public var setupFailure: SandboxSetupError?
    /// The first syscall the kernel notified the supervisor of (notify handling).
    public var notifiedViolation: SyscallViolation?
    /// Reports the child wrote about itself.
    public var reports: [ViolationReport] = []
    public var deadlineExpired = false
    public var killedBySupervisor = false
    /// The address-space limit the child ran under, to recognise allocation failures.
    public var addressSpaceLimit: Int?

    public init() {}
}
