/// A syscall the profile forbids, as the supervisor learned of it.
public struct SyscallViolation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How the supervisor knows: from the kernel (a seccomp user notification)
    /// or from the child's reporter, a claim checked against the SIGSYS death.
    public enum Source: String, Hashable, Sendable, Codable { case kernelNotification, trapReport, signalOnly }

    /// `ptrace`, or nil when the filter killed the process outright (a foreign
    /// architecture or an x32 syscall number) and nothing names the call.
    public let syscall: String?
    public let number: Int32?
    public let architecture: String?
    public let arguments: [UInt64]
    public let source: Source

    public init(syscall: String?, number: Int32?, architecture: String?, arguments: [UInt64], source: Source) {
        self.syscall = syscall
        self.number = number
        self.architecture = architecture
        self.arguments = arguments
        self.source = source
    }

    /// `ptrace (nr 101, x86_64)`.
    public var description: String {
        guard let number else {
            return "an unnamed syscall: SIGSYS from the filter (a foreign architecture, an x32 number, or a trap after execve, which has no reporter)"
        }
        return "\(syscall ?? "unknown") (nr \(number), \(architecture ?? "?"))"
    }
}
