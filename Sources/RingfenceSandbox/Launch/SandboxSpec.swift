import Glibc

/// Resource limits for one sandboxed process, in one table (as the osquery
/// watcher keeps them). nil means "not limited".
public struct SandboxLimits: Hashable, Sendable, Codable {
    /// RLIMIT_AS, bytes.
    public var addressSpace: Int?
    /// RLIMIT_CPU soft limit, seconds (SIGXCPU); the hard limit is one more.
    public var cpuSeconds: Int?
    /// RLIMIT_NOFILE.
    public var openFiles: Int?
    /// RLIMIT_NPROC (counts every process of the sandbox's uid; root ignores it).
    public var processes: Int?
    /// Wall-clock deadline, enforced by the supervisor.
    public var wallSeconds: Double?

    public init(addressSpace: Int? = nil, cpuSeconds: Int? = nil, openFiles: Int? = nil, processes: Int? = nil, wallSeconds: Double? = nil) {
        self.addressSpace = addressSpace
        self.cpuSeconds = cpuSeconds
        self.openFiles = openFiles
        self.processes = processes
        self.wallSeconds = wallSeconds
    }

    /// What a built-in agent gets unless a scenario says otherwise.
    public static let agent = SandboxLimits(addressSpace: 256 << 20, cpuSeconds: 10, openFiles: 64, processes: 4, wallSeconds: nil)
}

/// Optional namespaces; each costs start-up time (see BENCHMARKS.md), so none is on by default.
public struct SandboxNamespaces: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    // The raw values are the clone(2) flags (linux/sched.h), which Glibc's module does not export.
    public static let pid = SandboxNamespaces(rawValue: 0x2000_0000)      // CLONE_NEWPID
    public static let network = SandboxNamespaces(rawValue: 0x4000_0000)  // CLONE_NEWNET
    public static let ipc = SandboxNamespaces(rawValue: 0x0800_0000)      // CLONE_NEWIPC
    public static let mount = SandboxNamespaces(rawValue: 0x0002_0000)    // CLONE_NEWNS

    /// Parses `pid,net,ipc,mount`.
    public init?(names: String) {
        var namespaces: SandboxNamespaces = []
        for name in names.split(separator: ",") {
            switch name {
            case "pid": namespaces.insert(.pid)
            case "net", "network": namespaces.insert(.network)
            case "ipc": namespaces.insert(.ipc)
            case "mount", "mnt": namespaces.insert(.mount)
            default: return nil
            }
        }
        self = namespaces
    }
}

/// Who the sandboxed process runs as, when the supervisor runs as root.
public struct SandboxIdentity: Hashable, Sendable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    /// Drop to uid/gid when started as root (ignored otherwise: there is nothing to drop).
    public var dropWhenRoot: Bool

    public init(uid: UInt32 = 65534, gid: UInt32 = 65534, dropWhenRoot: Bool = true) {
        self.uid = uid
        self.gid = gid
        self.dropWhenRoot = dropWhenRoot
    }

    public static let nobody = SandboxIdentity()
}

/// One descriptor the child receives: the parent's `source` becomes the child's `target`.
public struct DescriptorMapping: Hashable, Sendable {
    public var source: Int32
    public var target: Int32

    public init(_ source: Int32, as target: Int32) {
        self.source = source
        self.target = target
    }
}

/// Everything that defines one sandboxed launch, whichever path launches it.
public struct SandboxSpec: Sendable {
    public var policy: PolicyCompiler
    public var handling: ViolationHandling
    public var limits: SandboxLimits
    public var identity: SandboxIdentity
    public var namespaces: SandboxNamespaces
    /// The child's descriptors; every other descriptor is closed.
    public var descriptors: [DescriptorMapping]
    /// Where the child's violation reporter writes (fork-server path only; execve discards the reporter).
    public var reportTarget: Int32?

    public init(policy: PolicyCompiler, handling: ViolationHandling = .preferred, limits: SandboxLimits = .agent,
                identity: SandboxIdentity = .nobody, namespaces: SandboxNamespaces = [], descriptors: [DescriptorMapping] = [],
                reportTarget: Int32? = nil) {
        self.policy = policy
        self.handling = handling
        self.limits = limits
        self.identity = identity
        self.namespaces = namespaces
        self.descriptors = descriptors
        self.reportTarget = reportTarget
    }

    /// The descriptor the kernel will give the notification listener in the
    /// child: the lowest number the fd layout leaves free.
    var listenerNumber: Int32 {
        let taken = Set(descriptors.map(\.target) + (reportTarget.map { [$0] } ?? []))
        return (0...).first { !taken.contains(Int32($0)) }.map(Int32.init) ?? 0
    }
}
