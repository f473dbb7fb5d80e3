import CSandbox
import Glibc
import RingfenceSystem

/// The fork+exec launch path, for agent executables and `ringfence sandbox run`.
///
/// The supervisor clones the child itself; the child runs the setup and calls
/// execve right after the filter is loaded. The filter allows exactly that
/// execve: its path argument is pinned to the address of a buffer this
/// launcher owns and the child inherits, so the program cannot exec anything
/// else afterwards (its own strings live elsewhere). Violations are named
/// through seccomp user notification, because execve discards the in-child
/// reporter.
public final class ExecLauncher: ExitSource {
    /// Holds the path passed to execve; its address is part of the filter.
    private let pathBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(PATH_MAX) + 1)
    private var filters: [String: SeccompFilter] = [:]
    /// Rules added for dynamically linked programs (Sandbox/profiles/exec-startup.json).
    public let startup: PolicyCompiler?
    /// Rules added for statically linked programs (Sandbox/profiles/static-startup.json).
    public let staticStartup: PolicyCompiler?

    /// `startup` is required to launch dynamically linked programs; without it
    /// they are refused (fail closed, not open). Without `staticStartup` a
    /// static program runs under the profile alone.
    public init(startup: PolicyCompiler?, staticStartup: PolicyCompiler? = nil) {
        self.startup = startup
        self.staticStartup = staticStartup
    }

    /// A launcher with the shipped startup add-ons (``ShippedProfiles``):
    /// never from beside a profile the user named, nor from the working
    /// directory, for a folder must not change which policy applies. A file
    /// that is there but invalid is an error.
    public static func withShippedStartupProfiles() throws(SandboxPolicyError) -> ExecLauncher {
        func load(_ name: String) throws(SandboxPolicyError) -> PolicyCompiler? {
            try ShippedProfiles.path(named: name).map { path throws(SandboxPolicyError) in try PolicyCompiler.load(path) }
        }
        return ExecLauncher(startup: try load("exec-startup"), staticStartup: try load("static-startup"))
    }

    deinit { pathBuffer.deallocate() }

    /// Launches `executable` under `spec`. `environment` is its KEY=VALUE
    /// entries (none by default), or nil to pass this process's own through.
    public func launch(_ spec: SandboxSpec, executable: String, arguments: [String],
                       environment: [String]? = []) throws -> SandboxedProcess {
        let start = monotonicSeconds()
        guard executable.utf8.count <= Int(PATH_MAX) else { throw SandboxSetupError(stage: .exec, errno: ENAMETOOLONG) }
        var spec = spec
        spec.reportTarget = nil
        switch ExecutableFile.isDynamicallyLinked(executable) {
        case .some(true):
            guard let startup else {
                throw SandboxPolicyError(file: executable, message: "is dynamically linked, and no exec-startup.json was found to let its loader run")
            }
            spec.policy = spec.policy.adding(startup)
        case .some(false):
            if let staticStartup { spec.policy = spec.policy.adding(staticStartup) }
        case .none:
            throw SandboxSetupError(stage: .exec, errno: access(executable, X_OK) == 0 ? ENOEXEC : errno)
        }
        let filter = try filter(for: spec)
        var handshake = try LaunchHandshake(spec: spec, withReports: false, handover: .message)
        var configuration: ChildConfiguration
        do {
            configuration = try ChildConfiguration(spec: spec, descriptors: handshake.descriptors(spec), setupFd: handshake.setup.write,
                                                   syncFd: -1, handover: .message, expectedParent: getpid(), filter: filter)
        } catch {
            handshake.closeAll()
            throw error
        }
        _ = executable.withCString { strcpy(pathBuffer, $0) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        let pid = configuration.withFilter(filter) { config in
            if let envp { return rf_spawn_sandboxed(config, UInt(spec.namespaces.rawValue), pathBuffer, argv, envp) }
            return rf_spawn_sandboxed(config, UInt(spec.namespaces.rawValue), pathBuffer, argv, environ)
        }
        guard pid > 0 else {
            let saved = errno
            handshake.closeAll()
            throw SandboxSetupError(stage: .clone, errno: saved)
        }
        handshake.closeChildEnds()
        let pidfd = rf_pidfd_open(pid)
        let listener = handshake.complete(pidfd: pidfd, execs: true, deadline: start + 10)
        switch listener {
        case .success(let listener):
            return SandboxedProcess(pid: pid, pidfd: pidfd, listener: listener, reportFd: -1, handling: spec.handling,
                                    limits: spec.limits, exitSource: self, launchSeconds: monotonicSeconds() - start)
        case .failure(let error):
            _ = rf_pidfd_send_signal(pidfd, SIGKILL)
            _ = exitFacts(for: pid)
            close(pidfd)
            throw error
        }
    }

    /// The compiled filter for this spec, cached: the pinned execve address
    /// never changes for this launcher, so one compilation serves every launch.
    private func filter(for spec: SandboxSpec) throws(SandboxPolicyError) -> SeccompFilter {
        let listener = spec.handling == .trap ? nil : spec.listenerNumber
        let key = "\(spec.policy.source)|\(spec.handling)|\(listener ?? -1)"
        if let cached = filters[key] { return cached }
        let allowances = LauncherAllowances(listenerFd: listener, execvePath: UInt64(UInt(bitPattern: pathBuffer)))
        let filter = try spec.policy.compile(handling: spec.handling, allowances: allowances)
        filters[key] = filter
        return filter
    }

    func exitFacts(for pid: pid_t) -> (status: WaitStatus, usage: ResourceUsage) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        return (WaitStatus(rawStatus: status) ?? .exited(-1), ResourceUsage(usage))
    }
}

extension ResourceUsage {
    init(_ usage: rusage) {
        self.init(userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                  systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
                  peakResidentBytes: usage.ru_maxrss * 1024)
    }
}
