import Glibc
import Logging
import RingfenceSystem

/// A simulated host process: one boot, wired to the real world.
///
/// The lab starts it with the boot's configuration and a pipe for records
/// (fd 4). It gives itself the simulated machine's memory as its address-space
/// limit, maps its crash dump, starts agents through the sandbox, and runs the
/// ``BootSession``. A kernel-mode fault ends the process by its signal, which
/// the lab reads as a blue screen.
public struct HostKernel {
    public static let recordDescriptor: Int32 = 4

    let configuration: HostConfiguration
    let disk: HostDisk
    let logger: Logger

    public init(configuration: HostConfiguration, disk: HostDisk, logger: Logger = Logger(label: "ringfence.host")) {
        self.configuration = configuration
        self.disk = disk
        self.logger = logger
    }

    /// Runs the boot to its end; throws for a boot that could not run at all.
    public func run() throws {
        // A driver has no crash reporter: its fault must end the host by the raw signal.
        CrashSignals.restoreDefaultActions()
        signal(SIGPIPE, SIG_IGN)
        do { try disk.prepare() } catch { throw BootError(description: "cannot prepare the disk at \(disk.root): \(error)") }
        let dump = try CrashDump(path: disk.crashDumpFile, boot: configuration.boot, agents: configuration.agents.count)
        dump.clock = configuration.bootAt
        // The simulated machine has finite memory: a kernel-mode memory bomb
        // exhausts it (MEMORY_MANAGEMENT) rather than the machine the lab runs
        // on. Only the soft limit: the fork server inherits it, and each agent
        // sets its own, which it could not raise past a lowered hard limit.
        var memory = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory)
        memory.rlim_cur = min(rlim_t(configuration.host.memory), memory.rlim_max)
        guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory) == 0 else {
            throw BootError(description: "cannot limit the host's memory to \(configuration.host.memory) bytes: \(String(cString: strerror(errno)))")
        }
        let session = BootSession(configuration: configuration, disk: disk, records: PipeRecordSink(fd: Self.recordDescriptor),
                                  launcher: SandboxAgentLauncher(logger: logger), dump: dump,
                                  watchdog: Watchdog(seconds: configuration.host.watchdog))
        try session.run()
    }
}
