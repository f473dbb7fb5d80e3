import Glibc

/// A child process started with `posix_spawn`, for running Ringfence's own
/// helper processes (a simulated host, a demo step) and observing how they end.
///
/// Hand-written rather than taken from swift-subprocess because the lab needs
/// synchronous control, its own fd plumbing and `wait4` resource usage, and
/// must not start threads in processes that later fork.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    public struct SpawnError: Error, CustomStringConvertible {
        public let executable: String
        public let errno: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
    }

    /// Starts `executable` with `arguments` (not including argv[0]). `environment`
    /// entries are added to (and override) the current environment.
    /// `stdout`/`stderr` redirect the child's output to the given fds when set;
    /// `descriptors` passes further fds, (parent fd, child fd) pairs.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                             stdout: Int32? = nil, stderr: Int32? = nil,
                             descriptors: [(Int32, Int32)] = []) throws(SpawnError) -> ChildProcess {
        var merged: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { merged[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            pointer += 1
        }
        for (key, value) in environment { merged[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, STDOUT_FILENO) }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, STDERR_FILENO) }
        for (parent, child) in descriptors { posix_spawn_file_actions_adddup2(&actions, parent, child) }

        // The child starts with no blocked signals and every disposition at its
        // default, whatever thread of ours spawned it (test runners and thread
        // pools block signals the host's watchdog relies on).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(executable: executable, errno: result) }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end, and returns with its status the CPU time
    /// it used, its own and that of the children it reaped, in seconds.
    public func waitWithCPUTime() -> (status: WaitStatus, cpuSeconds: Double) {
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let result = wait4(pid, &status, 0, &usage)
            if result == pid, let decoded = WaitStatus(rawStatus: status) {
                func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
                return (decoded, seconds(usage.ru_utime) + seconds(usage.ru_stime))
            }
            if result == -1 && errno != EINTR { return (.exited(-1), 0) }
        }
    }

    /// Waits for the child to end (retrying on EINTR).
    public func wait() -> WaitStatus {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid, let decoded = WaitStatus(rawStatus: status) { return decoded }
            if result == -1 && errno != EINTR { return .exited(-1) }
        }
    }

    /// The path of the running executable, for re-running ourselves.
    public static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return length > 0 ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    /// The path of the executable `name` in this executable's folder: the
    /// package's products are built, and installed, side by side.
    public static func besideCurrentExecutable(_ name: String) -> String {
        let executable = currentExecutable
        guard let slash = executable.lastIndex(of: "/") else { return name }
        return String(executable[...slash]) + name
    }
}

// MARK: - Running to completion with captured output

extension ChildProcess {
    /// What a finished child printed, and how it ended.
    public struct Output: Sendable {
        public let status: WaitStatus
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` to completion, capturing both output streams. Both
    /// pipes are drained together with poll(2), so a child that fills one
    /// while the parent reads the other cannot deadlock.
    /// `descriptors` passes further fds, as for ``spawn``.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           descriptors: [(Int32, Int32)] = []) throws(SpawnError) -> Output {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnError(executable: executable, errno: errno) }
        // Close-on-exec, so that other children spawned meanwhile do not hold the pipes open.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let child: ChildProcess
        do {
            child = try spawn(executable, arguments, environment: environment, stdout: outPipe[1], stderr: errPipe[1], descriptors: descriptors)
        } catch {
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { close($0) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        var captured: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open > 0 {
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { break }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    captured[index] += buffer[0..<count]
                } else if count == 0 || errno != EINTR {
                    close(fds[index].fd)
                    fds[index].fd = -1
                    open -= 1
                }
            }
        }
        return Output(status: child.wait(), stdout: String(decoding: captured[0], as: UTF8.self),
                      stderr: String(decoding: captured[1], as: UTF8.self))
    }
}
