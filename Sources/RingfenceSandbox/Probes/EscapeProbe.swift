import CSandbox

/// The escape corpus: one forbidden act per probe (see Sandbox/CSandbox/escape_probes.c).
public enum EscapeProbe: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case openShadow = 1
    case socket
    case execve
    case ptraceParent
    case killParent
    case killSibling
    case cloneNamespaces
    case clone3
    case ioUring
    case bpf
    case unshare
    case mount
    case personality
    case keyctl
    case i386Syscall
    case x32Syscall
    case forkBomb
    case memoryBomb
    case fdExhaustion
    case cpuSpin

    /// The name `ringfence-probe` takes.
    public var description: String {
        switch self {
        case .openShadow: "open-shadow"
        case .socket: "socket"
        case .execve: "execve"
        case .ptraceParent: "ptrace-parent"
        case .killParent: "kill-parent"
        case .killSibling: "kill-sibling"
        case .cloneNamespaces: "clone-namespaces"
        case .clone3: "clone3"
        case .ioUring: "io-uring"
        case .bpf: "bpf"
        case .unshare: "unshare"
        case .mount: "mount"
        case .personality: "personality"
        case .keyctl: "keyctl"
        case .i386Syscall: "i386-syscall"
        case .x32Syscall: "x32-syscall"
        case .forkBomb: "fork-bomb"
        case .memoryBomb: "memory-bomb"
        case .fdExhaustion: "fd-exhaustion"
        case .cpuSpin: "cpu-spin"
        }
    }

    /// What the act tries.
    public var act: String {
        switch self {
        case .openShadow: "open(\"/etc/shadow\", O_RDONLY)"
        case .socket: "socket(AF_INET, SOCK_STREAM)"
        case .execve: "execve(\"/bin/sh\")"
        case .ptraceParent: "ptrace(PTRACE_ATTACH, supervisor)"
        case .killParent: "kill(supervisor, 0)"
        case .killSibling: "kill(sibling agent, 0)"
        case .cloneNamespaces: "clone(CLONE_NEWUSER|CLONE_NEWNS)"
        case .clone3: "clone3()"
        case .ioUring: "io_uring_setup()"
        case .bpf: "bpf(BPF_MAP_CREATE)"
        case .unshare: "unshare(CLONE_NEWUSER)"
        case .mount: "mount(tmpfs, /tmp)"
        case .personality: "personality(ADDR_NO_RANDOMIZE)"
        case .keyctl: "keyctl(JOIN_SESSION_KEYRING)"
        case .i386Syscall: "int 0x80 (i386 getpid)"
        case .x32Syscall: "x32 getpid (nr | 0x40000000)"
        case .forkBomb: "fork() x 64"
        case .memoryBomb: "malloc+touch up to 4 GiB"
        case .fdExhaustion: "dup(0) until failure"
        case .cpuSpin: "busy loop"
        }
    }

    public init?(name: String) {
        guard let probe = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = probe
    }
}

/// Single calls whose answer depends on the profile, for testing real-world
/// profiles (podman's default among them).
public enum PolicyCheck: Int32, CaseIterable, Sendable {
    case netlinkAuditSocket = 101
    case kexecLoad
    case addKey
    case getpid
    case openReadOnly
}
