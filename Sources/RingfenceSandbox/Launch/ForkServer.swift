import CSandbox
import Glibc
import Logging
import RingfenceSystem

/// The fast launch path: a single-threaded fork server (zygote) that clones
/// sandboxed children on request.
///
/// The fork server is this same binary, exec'd fresh (`ringfence sandbox
/// __zygote`), so it is single-threaded from birth whatever the supervisor
/// is, and small, so cloning it is cheap. Each request carries the child's
/// configuration, the BPF (compiled here, in the supervisor), and the child's
/// descriptors. Children are the fork server's; it reaps them and reports each
/// exit, with its resource usage, back here. When the supervisor goes away the
/// fork server kills every child and exits; each child also has the parent-death
/// signal set on the fork server.
public final class ForkServer: ExitSource {
    private let socket: Int32
    private let server: ChildProcess
    /// The fork server's own pid.
    public var pid: pid_t { server.pid }
    private var nextRequest: UInt64 = 1
    private var exits: [pid_t: (status: WaitStatus, usage: ResourceUsage)] = [:]
    private var filters: [FilterKey: SeccompFilter] = [:]
    private var buffer: [UInt8] = []
    private let logger: Logger

    /// Starts the fork server: `executable` run with `arguments` must end in
    /// ``serve(socket:entries:)`` on fd 3. `environment` is added to this
    /// process's own for it (tests preload a failure interposer that way).
    public init(executable: String = ChildProcess.currentExecutable, arguments: [String] = ["sandbox", "__zygote"],
                environment: [String: String] = [:], logger: Logger = Logger(label: "ringfence.sandbox.fork-server")) throws {
        var fds: [Int32] = [-1, -1]
        guard rf_socketpair_seqpacket(&fds) == 0 else { throw SandboxSetupError(stage: .clone, errno: errno) }
        defer { close(fds[1]) }
        do {
            // It dies with this process, even one killed with SIGKILL (ParentDeath).
            server = try ChildProcess.spawn(executable, arguments, environment: environment.merging(ParentDeath.environment) { $1 },
                                            descriptors: [(fds[1], 3)])
        } catch {
            close(fds[0])
            throw SandboxSetupError(stage: .clone, errno: error.errno)
        }
        socket = fds[0]
        self.logger = logger
    }

    deinit {
        close(socket)  // the fork server kills its children and exits
        _ = server.wait()
    }

    /// Launches `entry` (a name the fork server registered) under `spec`.
    /// Returns once the child's setup has finished and the entry is about to run.
    public func launch(_ spec: SandboxSpec, entry: String, arguments: [Int64] = []) throws -> SandboxedProcess {
        let start = monotonicSeconds()
        let filter = try filter(for: spec)
        var handshake = try LaunchHandshake(spec: spec, withReports: true)
        let requestID = nextRequest
        nextRequest += 1
        let pid: pid_t, pidfd: Int32
        do {
            (pid, pidfd) = try send(spec: spec, handshake: handshake, filter: filter, entry: entry, arguments: arguments,
                                    requestID: requestID)
        } catch {
            handshake.closeAll()
            throw error
        }
        handshake.closeChildEnds()
        switch handshake.complete(pidfd: pidfd, execs: false, deadline: start + 10) {
        case .success(let listener):
            logger.debug("launched \(entry) as \(pid) in \(monotonicSeconds() - start) s")
            return SandboxedProcess(pid: pid, pidfd: pidfd, listener: listener, reportFd: handshake.report.read,
                                    handling: spec.handling, limits: spec.limits, exitSource: self,
                                    launchSeconds: monotonicSeconds() - start)
        case .failure(let error):
            _ = rf_pidfd_send_signal(pidfd, SIGKILL)
            _ = exitFacts(for: pid)
            close(pidfd)
            if handshake.report.read >= 0 { close(handshake.report.read) }
            throw error
        }
    }

    private func send(spec: SandboxSpec, handshake: LaunchHandshake, filter: SeccompFilter, entry: String, arguments: [Int64],
                      requestID: UInt64) throws -> (pid_t, Int32) {
        let descriptors = handshake.descriptors(spec)
        let configuration = try ChildConfiguration(spec: spec, descriptors: descriptors, setupFd: -1, syncFd: -1, expectedParent: 0,
                                                   filter: filter)
        let header = ForkServerWire.header(requestID: requestID, entry: entry, arguments: arguments, cloneFlags: spec.namespaces.rawValue,
                                           hasSync: handshake.sync.read >= 0, filterLength: filter.instructionCount,
                                           descriptorCount: descriptors.count)
        var message: [UInt8] = []
        ForkServerWire.append(header, to: &message)
        ForkServerWire.append(configuration.raw, to: &message)
        filter.instructions.withUnsafeBytes { message.append(contentsOf: $0) }
        let fds = [handshake.setup.write] + (handshake.sync.read >= 0 ? [handshake.sync.read] : []) + descriptors.map(\.source)
        let sent = message.withUnsafeBytes { rf_send_with_fds(socket, $0.baseAddress, $0.count, fds, Int32(fds.count)) }
        guard sent == message.count else { throw SandboxSetupError(stage: .clone, errno: sent < 0 ? errno : EPIPE) }
        while true {
            guard let (bytes, received) = ForkServerWire.receive(socket, into: &buffer) else { throw SandboxSetupError(stage: .clone, errno: EPIPE) }
            if record(bytes) { received.forEach { close($0) }; continue }
            guard let reply = ForkServerWire.load(ForkServerWire.Reply.self, from: bytes, at: 0),
                  reply.magic == ForkServerWire.replyMagic, reply.requestID == requestID else {
                received.forEach { close($0) }
                throw SandboxSetupError(stage: .clone, errno: EPROTO)
            }
            guard reply.pid > 0, let pidfd = received.first else {
                received.forEach { close($0) }
                throw SandboxSetupError(stage: .clone, errno: reply.pid < 0 ? -reply.pid : EPROTO)
            }
            return (reply.pid, pidfd)
        }
    }

    /// Stores an exit report; false if `bytes` is not one.
    private func record(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let exit = ForkServerWire.load(ForkServerWire.Exit.self, from: bytes, at: 0), exit.magic == ForkServerWire.exitMagic else {
            return false
        }
        exits[exit.pid] = (WaitStatus(rawStatus: exit.status) ?? .exited(-1),
                           ResourceUsage(userSeconds: Double(exit.userMicroseconds) / 1e6, systemSeconds: Double(exit.systemMicroseconds) / 1e6,
                                         peakResidentBytes: Int(exit.peakResidentKilobytes) * 1024))
        return true
    }

    func exitFacts(for pid: pid_t) -> (status: WaitStatus, usage: ResourceUsage) {
        while exits[pid] == nil {
            guard let (bytes, fds) = ForkServerWire.receive(socket, into: &buffer) else { return (.exited(-1), .zero) }
            fds.forEach { close($0) }
            _ = record(bytes)
        }
        return exits.removeValue(forKey: pid)!
    }

    /// What a compiled filter depends on: the profile's rules themselves (two
    /// profiles from one file name are not the same policy), how violations
    /// are handled, and the descriptors the launcher's own rules name.
    private struct FilterKey: Hashable {
        let profile: SeccompProfile
        let capabilities: Set<String>
        let handling: ViolationHandling
        let listener: Int32?
        let report: Int32?
    }

    private func filter(for spec: SandboxSpec) throws(SandboxPolicyError) -> SeccompFilter {
        let listener = spec.handling == .trap ? nil : spec.listenerNumber
        let key = FilterKey(profile: spec.policy.profile, capabilities: spec.policy.capabilities, handling: spec.handling, listener: listener,
                            report: spec.reportTarget)
        if let cached = filters[key] { return cached }
        let filter = try spec.policy.compile(handling: spec.handling,
                                             allowances: LauncherAllowances(listenerFd: listener, reportFd: spec.reportTarget))
        filters[key] = filter
        return filter
    }
}
