import CSandbox
import Glibc
import RingfenceSystem

/// Code the fork server can run in a sandboxed child, by name. It receives the
/// request's two arguments and returns the child's exit status. It starts
/// after the filter is loaded, with only the descriptors of the launch spec.
public typealias SandboxEntry = @Sendable (_ arguments: (Int64, Int64)) -> Int32

extension ForkServer {
    /// The fork server's main loop: `ringfence sandbox __zygote` calls it with
    /// the socket on fd 3. Single-threaded by construction; never returns.
    ///
    /// It polls the socket for launch requests and each child's pidfd for its
    /// exit. A request goes to the warm spare (a child cloned in advance,
    /// waiting for exactly this), or, for one that asks for namespaces, to a
    /// fresh clone; it is answered with the child's pid and a pidfd, and a new
    /// spare is cloned after the answer, off the launch's critical path. An
    /// exit is reported with the wait status and rusage. End of stream means
    /// the supervisor is gone: every child is killed and reaped, and the fork
    /// server exits.
    public static func serve(socket: Int32, entries: [String: SandboxEntry]) -> Never {
        signal(SIGPIPE, SIG_IGN)
        var children: [Int32: pid_t] = [:]  // pidfd -> pid
        var buffer: [UInt8] = []
        var spare = makeSpare(entries: entries)
        while true {
            var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
                + children.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for entry in fds.dropFirst() where entry.revents != 0 {
                guard let pid = children.removeValue(forKey: entry.fd) else { continue }
                reportExit(of: pid, socket: socket)
                close(entry.fd)
            }
            guard fds[0].revents != 0 else { continue }
            guard let (bytes, received) = ForkServerWire.receive(socket, into: &buffer) else { break }
            let header = ForkServerWire.load(rf_launch_header.self, from: bytes, at: 0)
            var pid: pid_t = 0
            if let current = spare, header?.clone_flags == 0, entries[header.map(ForkServerWire.entryName) ?? ""] != nil {
                spare = nil
                let sent = bytes.withUnsafeBytes { rf_send_with_fds(current.channel, $0.baseAddress, $0.count, received, Int32(received.count)) }
                close(current.channel)
                if sent == bytes.count {
                    pid = current.pid
                } else {
                    // The spare is gone (killed from outside, say): reap it and clone afresh.
                    kill(current.pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(current.pid, &status, 0)
                }
            }
            if pid == 0 { pid = launch(bytes, received, entries: entries) }
            received.forEach { close($0) }
            let pidfd = pid > 0 ? rf_pidfd_open(pid) : -1
            if pid > 0 && pidfd < 0 { pid = -errno }
            var reply = ForkServerWire.Reply()
            reply.pid = pid
            reply.requestID = header?.request_id ?? 0
            var message: [UInt8] = []
            ForkServerWire.append(reply, to: &message)
            let replyFds = pidfd >= 0 ? [pidfd] : []
            _ = message.withUnsafeBytes { rf_send_with_fds(socket, $0.baseAddress, $0.count, replyFds, Int32(replyFds.count)) }
            if pidfd >= 0 { children[pidfd] = pid }
            if spare == nil { spare = makeSpare(entries: entries) }
        }
        // The supervisor is gone: nothing of ours may outlive it.
        if let spare {
            close(spare.channel)
            var status: Int32 = 0
            waitpid(spare.pid, &status, 0)
        }
        for (pidfd, pid) in children {
            _ = rf_pidfd_send_signal(pidfd, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        _exit(0)
    }

    /// Clones a warm spare. In the spare this never returns: once its request
    /// has arrived and its setup is done, it runs the entry and exits.
    private static func makeSpare(entries: [String: SandboxEntry]) -> (pid: pid_t, channel: Int32)? {
        var channel: Int32 = -1
        var header: UnsafePointer<rf_launch_header>?
        let pid = rf_fork_spare(&channel, &header)
        if pid == 0, let header { run(header.pointee, entries: entries) }
        return pid > 0 ? (pid, channel) : nil
    }

    /// In a sandboxed child whose setup has finished: report READY and run the entry.
    private static func run(_ header: rf_launch_header, entries: [String: SandboxEntry]) -> Never {
        guard let entry = entries[ForkServerWire.entryName(header)] else {
            rf_report_failure(Int32(RF_STAGE_EXEC.rawValue), ENOENT)
            _exit(127)
        }
        rf_report_ready(nil)
        _exit(entry((header.arguments.0, header.arguments.1)))
    }

    /// Clones one child for a request directly (namespaces, or no spare).
    /// Returns the pid, or -errno.
    private static func launch(_ bytes: ArraySlice<UInt8>, _ fds: [Int32], entries: [String: SandboxEntry]) -> pid_t {
        let configOffset = MemoryLayout<rf_launch_header>.size
        let filterOffset = configOffset + MemoryLayout<rf_child_config>.size
        guard let header = ForkServerWire.load(rf_launch_header.self, from: bytes, at: 0), header.magic == RF_LAUNCH_MAGIC,
              var config = ForkServerWire.load(rf_child_config.self, from: bytes, at: configOffset),
              bytes.count == filterOffset + Int(header.filter_length) * 8,
              fds.count == 1 + Int(header.has_sync) + Int(header.descriptor_count),
              Int(header.descriptor_count) == Int(config.fd_count),
              entries[ForkServerWire.entryName(header)] != nil else {
            return -EPROTO
        }
        let instructions: [UInt64] = (0..<Int(header.filter_length)).map {
            ForkServerWire.load(UInt64.self, from: bytes, at: filterOffset + $0 * 8)!
        }
        config.setup_fd = fds[0]
        config.sync_fd = header.has_sync == 1 ? fds[1] : -1
        // In a new PID namespace the child sees no parent (getppid() is 0).
        config.expected_parent = header.clone_flags & SandboxNamespaces.pid.rawValue != 0 ? 0 : getpid()
        let sources = fds.dropFirst(1 + Int(header.has_sync))
        withUnsafeMutableBytes(of: &config.fd_sources) { raw in
            for (index, fd) in sources.enumerated() { raw.storeBytes(of: fd, toByteOffset: index * 4, as: Int32.self) }
        }
        let pid: pid_t = instructions.withUnsafeBufferPointer { program in
            config.filter = UnsafeRawPointer(program.baseAddress)?.assumingMemoryBound(to: sock_filter.self)
            config.filter_length = UInt16(clamping: program.count)
            return withUnsafePointer(to: &config) { pointer in
                let pid = rf_fork_sandboxed(pointer, UInt(header.clone_flags))
                if pid == 0 { run(header, entries: entries) }
                return pid
            }
        }
        return pid > 0 ? pid : -errno
    }

    private static func reportExit(of pid: pid_t, socket: Int32) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        var exit = ForkServerWire.Exit()
        exit.pid = pid
        exit.status = status
        exit.userMicroseconds = Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
        exit.systemMicroseconds = Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
        exit.peakResidentKilobytes = Int64(usage.ru_maxrss)
        var message: [UInt8] = []
        ForkServerWire.append(exit, to: &message)
        _ = message.withUnsafeBytes { rf_send_with_fds(socket, $0.baseAddress, $0.count, nil, 0) }
    }
}
