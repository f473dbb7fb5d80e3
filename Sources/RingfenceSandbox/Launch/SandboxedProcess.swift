import CSandbox
import CSeccomp
import Glibc
import RingfenceSystem

/// Where a sandboxed child's exit status comes from: `wait4` when the
/// supervisor is its parent (exec path), the fork server's report otherwise.
protocol ExitSource: AnyObject {
    /// Blocks until the exit of `pid` is known; called once its pidfd is readable.
    func exitFacts(for pid: pid_t) -> (status: WaitStatus, usage: ResourceUsage)
}

/// A running sandboxed child, and the supervisor's watch over it.
///
/// The watch is a small state machine driven by two descriptors: the child's
/// pidfd (readable when it has exited) and, with notify or log handling, the
/// seccomp notification listener. ``wait(until:)`` runs it to the end; a
/// supervisor with many children polls ``watchedDescriptors`` itself and calls
/// ``service(_:)``.
public final class SandboxedProcess {
    public let pid: pid_t
    public let pidfd: Int32
    public let handling: ViolationHandling
    /// Seconds from the launch request to the child being ready (or exec'd).
    public let launchSeconds: Double
    public private(set) var termination: Termination?
    /// Log handling: every syscall outside the profile, by name, with its count.
    public private(set) var loggedSyscalls: [String: Int] = [:]

    private var listener: Int32
    private let reportFd: Int32
    private let exitSource: ExitSource
    private let cpuLimit: Double?
    private var facts = TerminationFacts()
    private var request: UnsafeMutablePointer<seccomp_notif>?
    private var response: UnsafeMutablePointer<seccomp_notif_resp>?

    init(pid: pid_t, pidfd: Int32, listener: Int32, reportFd: Int32, handling: ViolationHandling, limits: SandboxLimits,
         exitSource: ExitSource, launchSeconds: Double) {
        self.pid = pid
        self.pidfd = pidfd
        self.listener = listener
        self.reportFd = reportFd
        self.handling = handling
        self.exitSource = exitSource
        self.launchSeconds = launchSeconds
        self.cpuLimit = limits.cpuSeconds.map(Double.init)
        facts.addressSpaceLimit = limits.addressSpace
        if listener >= 0 { seccomp_notify_alloc(&request, &response) }
    }

    deinit {
        if termination == nil {
            _ = rf_pidfd_send_signal(pidfd, SIGKILL)
            facts.killedBySupervisor = true
            finish()
        }
        if listener >= 0 { close(listener) }
        if reportFd >= 0 { close(reportFd) }
        close(pidfd)
        if request != nil { seccomp_notify_free(request, response) }
    }

    // MARK: - Watching

    /// The descriptors to poll for this child (POLLIN on each).
    public var watchedDescriptors: [Int32] { termination != nil ? [] : (listener >= 0 ? [pidfd, listener] : [pidfd]) }

    /// Handles readiness (`events` are poll's revents) of one of ``watchedDescriptors``.
    public func service(_ fd: Int32, events: Int16) {
        guard termination == nil else { return }
        if fd == listener {
            if events & Int16(POLLIN) != 0 {
                receiveNotification()
            } else if events & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // Every process using the filter is gone; a receive now would block for ever.
                close(listener)
                listener = -1
            }
        } else if fd == pidfd {
            finish()
        }
    }

    /// Whether the child is still alive: not ended, and its pidfd not yet readable.
    public var isRunning: Bool {
        guard termination == nil else { return false }
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Kills the child. `deadline` marks it as a missed deadline (timedOut),
    /// otherwise as the supervisor's own decision.
    public func kill(deadline: Bool) {
        guard termination == nil else { return }
        if deadline { facts.deadlineExpired = true } else { facts.killedBySupervisor = true }
        // The whole process group (setup step 2) first, so that no process the
        // child started outlives it. The group's id is the child's pid, which
        // is not reused while the child is unreaped (exec path: this side
        // reaps it) or before the pid space wraps (the fork server reaps).
        _ = Glibc.kill(-pid, SIGKILL)
        _ = rf_pidfd_send_signal(pidfd, SIGKILL)
    }

    /// Runs the watch until the child has ended and returns how it ended.
    /// `deadline` (monotonic seconds) kills it as timed out when passed.
    @discardableResult
    public func wait(until deadline: Double? = nil) -> Termination {
        while termination == nil {
            var fds = watchedDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let timeout = deadline.map { Int32(max(0, min(($0 - monotonicSeconds()) * 1000, 60_000)).rounded(.up)) } ?? -1
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready == 0, let deadline, monotonicSeconds() >= deadline, !facts.deadlineExpired {
                kill(deadline: true)
                continue
            }
            for entry in fds where entry.revents != 0 { service(entry.fd, events: entry.revents) }
        }
        return termination!
    }

    // MARK: - Notifications

    private func receiveNotification() {
        guard let request, let response else { return }
        // The kernel refuses a receive buffer that is not zeroed.
        memset(request, 0, Int(Self.notificationSize))
        // ENOENT: the caller died before we looked (a SIGKILL we sent, say). Nothing to answer.
        guard seccomp_notify_receive(listener, request) == 0 else { return }
        let data = request.pointee.data
        let name = SyscallTable.name(of: data.nr, architecture: data.arch) ?? "syscall \(data.nr)"
        response.pointee.id = request.pointee.id
        response.pointee.val = 0
        if handling == .log {
            loggedSyscalls[name, default: 0] += 1
            response.pointee.error = 0
            response.pointee.flags = UInt32(SECCOMP_USER_NOTIF_FLAG_CONTINUE)
        } else {
            if facts.notifiedViolation == nil {
                let arguments = withUnsafeBytes(of: data.args) { Array($0.bindMemory(to: UInt64.self)) }
                facts.notifiedViolation = SyscallViolation(syscall: name, number: data.nr,
                                                           architecture: SyscallTable.architectureName(data.arch),
                                                           arguments: arguments, source: .kernelNotification)
            }
            // Kill first, so the forbidden call can never be retried; then fail it.
            _ = rf_pidfd_send_signal(pidfd, SIGKILL)
            response.pointee.error = -EPERM
            response.pointee.flags = 0
        }
        _ = seccomp_notify_respond(listener, response)
    }

    static let notificationSize = rf_seccomp_notification_size()

    // MARK: - The end

    private func finish() {
        let (status, usage) = exitSource.exitFacts(for: pid)
        facts.status = status
        facts.usage = usage
        facts.reports = drainReports()
        termination = Termination.decide(facts, cpuLimitSeconds: cpuLimit)
    }

    /// What the child's reporter wrote, if anything (non-blocking; the child is gone).
    private func drainReports() -> [ViolationReport] {
        guard reportFd >= 0 else { return [] }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { read(reportFd, $0.baseAddress, $0.count) }
            if count > 0 { bytes += buffer[0..<count] } else if count < 0 && errno == EINTR { continue } else { break }
        }
        return ViolationReport.decode(bytes)
    }

    /// The kernel's resource usage for the finished child.
    public var usage: ResourceUsage? { facts.usage }

    /// How the process ended, as the kernel reported it (nil while it runs).
    public var waitStatus: WaitStatus? { facts.status }
}

/// SECCOMP_USER_NOTIF_FLAG_CONTINUE (linux/seccomp.h).
let SECCOMP_USER_NOTIF_FLAG_CONTINUE: UInt32 = 1
