/// Syscalls the launcher itself makes after the filter is loaded, pinned to
/// the exact descriptors (and, for execve, the exact path pointer) it uses, so
/// that any profile, however tight, lets the setup finish and nothing more.
///
/// After the filter: the child writes READY or an error on the setup fd; it
/// hands over the notification listener (notify and log) either by reading
/// the go-ahead on the sync fd (fork paths) or by sending the listener on the
/// setup fd (exec path), then closes its copy; the violation reporter writes
/// to the report fd; and the exec path calls execve once. `exit_group` is
/// always allowed: a process must always be able to end.
public struct LauncherAllowances: Hashable, Sendable {
    /// Fixed numbers the child setup moves its private descriptors to (see child_setup.c).
    public static let setupFd: Int32 = 1000
    public static let syncFd: Int32 = 1001

    public var listenerFd: Int32?
    public var reportFd: Int32?
    /// The address of the path string the child passes to execve (the exec
    /// path, which also sends the listener on the setup fd instead of waiting
    /// on the sync fd).
    public var execvePath: UInt64?

    public init(listenerFd: Int32? = nil, reportFd: Int32? = nil, execvePath: UInt64? = nil) {
        self.listenerFd = listenerFd
        self.reportFd = reportFd
        self.execvePath = execvePath
    }

    /// (syscall, first-argument value or nil for any) pairs to allow.
    var rules: [(name: String, firstArgument: UInt64?)] {
        var rules: [(String, UInt64?)] = [
            ("exit_group", nil),
            ("write", UInt64(Self.setupFd)),
            ("close", UInt64(Self.setupFd)),
        ]
        if execvePath == nil {
            rules += [("read", UInt64(Self.syncFd)), ("close", UInt64(Self.syncFd))]
        } else if listenerFd != nil {
            rules.append(("sendmsg", UInt64(Self.setupFd)))
        }
        if let listenerFd { rules.append(("close", UInt64(listenerFd))) }
        if let reportFd { rules.append(("write", UInt64(reportFd))) }
        if let execvePath { rules.append(("execve", execvePath)) }
        return rules
    }
}
