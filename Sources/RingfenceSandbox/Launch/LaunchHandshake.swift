import CSandbox
import Glibc
import RingfenceSystem

/// How the child hands the seccomp notification listener to the supervisor.
enum ListenerHandover {
    /// Fork paths: the child writes the listener's number, waits on the sync
    /// pipe until the supervisor has copied it (pidfd_getfd), then closes its own.
    case pidfdCopy
    /// Exec path: the child sends the listener itself on the setup channel
    /// (SCM_RIGHTS) and closes its own. Nothing waits: the parent is suspended
    /// until the execve (CLONE_VFORK), and the message keeps the listener alive.
    case message
}

/// The descriptors the parent creates for one launch, and the handshake that
/// follows the clone: wait for READY (or exec), take the notification
/// listener when there is one, or turn a setup failure into a typed error.
struct LaunchHandshake {
    /// Setup channel: the child writes, the parent reads. A close-on-exec
    /// SOCK_SEQPACKET pair, so that a record can carry the listener.
    var setup: (read: Int32, write: Int32) = (-1, -1)
    /// Listener go-ahead: the parent writes one byte once it holds the listener.
    var sync: (read: Int32, write: Int32) = (-1, -1)
    /// The reporter's channel (fork-server path).
    var report: (read: Int32, write: Int32) = (-1, -1)

    init(spec: SandboxSpec, withReports: Bool, handover: ListenerHandover = .pidfdCopy) throws(SandboxSetupError) {
        var pair: [Int32] = [-1, -1]
        guard rf_socketpair_seqpacket(&pair) == 0 else { throw SandboxSetupError(stage: .clone, errno: errno) }
        setup = (pair[0], pair[1])
        if spec.handling != .trap && handover == .pidfdCopy {
            do { sync = try Self.pipe() } catch {
                closeAll()
                throw error
            }
        }
        if withReports, spec.reportTarget != nil {
            report = try Self.pipe()
            _ = fcntl(report.read, F_SETFL, O_NONBLOCK)
        }
    }

    /// The child's fd layout: the spec's descriptors and the report pipe.
    func descriptors(_ spec: SandboxSpec) -> [DescriptorMapping] {
        var mappings = spec.descriptors
        if report.write >= 0, let target = spec.reportTarget { mappings.append(DescriptorMapping(report.write, as: target)) }
        return mappings
    }

    /// Closes the parent's copies of the child's ends (after the clone).
    mutating func closeChildEnds() {
        for fd in [setup.write, sync.read, report.write] where fd >= 0 { close(fd) }
        setup.write = -1
        sync.read = -1
        report.write = -1
    }

    /// Follows the setup channel to its end. Returns the listener, if any.
    /// `execs` says whether end-of-file means success (the exec path).
    mutating func complete(pidfd: Int32, execs: Bool, deadline: Double) -> Result<Int32, SandboxSetupError> {
        defer {
            for fd in [setup.read, sync.write] where fd >= 0 { close(fd) }
            setup.read = -1
            sync.write = -1
        }
        var listener: Int32 = -1
        let channel = SetupChannel(fd: setup.read)
        while true {
            switch channel.next(deadline: deadline) {
            case .listenerSent(let received):
                listener = received
            case .listener(let number):
                listener = rf_pidfd_getfd(pidfd, number)
                guard listener >= 0 else { return .failure(SandboxSetupError(stage: .listener, errno: errno)) }
                var go: UInt8 = 1
                guard write(sync.write, &go, 1) == 1 else { close(listener); return .failure(SandboxSetupError(stage: .listener, errno: errno)) }
            case .ready:
                return .success(listener)
            case .closed:
                if execs { return .success(listener) }
                if listener >= 0 { close(listener) }
                return .failure(SandboxSetupError(stage: .clone, errno: ECHILD))
            case .failed(let error):
                if listener >= 0 { close(listener) }
                return .failure(error)
            }
        }
    }

    static func pipe() throws(SandboxSetupError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard rf_pipe_cloexec(&fds) == 0 else { throw SandboxSetupError(stage: .clone, errno: errno) }
        return (fds[0], fds[1])
    }

    /// Closes everything still open (after a failure before the clone).
    mutating func closeAll() {
        closeChildEnds()
        for fd in [setup.read, sync.write, report.read] where fd >= 0 { close(fd) }
        setup.read = -1
        sync.write = -1
        report.read = -1
    }
}
