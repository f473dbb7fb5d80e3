/// How a sandbox deals with a syscall its profile does not allow.
public enum ViolationHandling: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// SECCOMP_RET_TRAP: the child's C reporter writes the syscall to the report
    /// fd, then the child dies by SIGSYS. Fast and needs no supervisor loop, but
    /// the report is a claim made inside the sandbox (checked against
    /// WTERMSIG), and execve discards the reporter.
    case trap
    /// SECCOMP_RET_USER_NOTIF: the kernel hands the syscall to the supervisor,
    /// which records it, fails it and kills the child. Tamper-proof, and it
    /// survives execve. The default wherever the kernel supports it.
    case notify
    /// Permissive: every syscall outside the profile is handed to the
    /// supervisor, recorded by name, and allowed to continue.
    case log

    public var description: String { rawValue }

    /// `notify` where the kernel supports user notification, else `trap`.
    public static var preferred: ViolationHandling { SyscallTable.userNotificationAvailable ? .notify : .trap }
}

/// The raw seccomp return values libseccomp uses (its SCMP_ACT_* macros take
/// arguments and do not import into Swift).
enum SeccompAction {
    static let killProcess: UInt32 = 0x8000_0000
    static let killThread: UInt32 = 0x0000_0000
    static let trap: UInt32 = 0x0003_0000
    static let notify: UInt32 = 0x7FC0_0000
    static let log: UInt32 = 0x7FFC_0000
    static let allow: UInt32 = 0x7FFF_0000
    static func errno(_ value: UInt32) -> UInt32 { 0x0005_0000 | (value & 0xFFFF) }
}
