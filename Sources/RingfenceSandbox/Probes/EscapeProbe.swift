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
    case openTruncate
    case openCreate
    case openWrite
    case openat2
    case tgkillSibling
    case tkillSibling
    case rtSigqueueinfoSibling
    case pidfdSendSignalSibling
    case killUnrelated
    case killGroup
    case killEveryone
    case processVMWritevParent
    case kcmp
    case userfaultfd
    case perfEventOpen
    case openByHandleAt
    case setns
    case tiocsti
    case memfdExecveat
    case fanotifyInit
    case iopl
    case modifyLDT
    case vmsplice
    case thread11Of16

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
        case .openTruncate: "open-truncate"
        case .openCreate: "open-create"
        case .openWrite: "open-write"
        case .openat2: "openat2"
        case .tgkillSibling: "tgkill-sibling"
        case .tkillSibling: "tkill-sibling"
        case .rtSigqueueinfoSibling: "rt_sigqueueinfo-sibling"
        case .pidfdSendSignalSibling: "pidfd_send_signal-sibling"
        case .killUnrelated: "kill-unrelated"
        case .killGroup: "kill-group"
        case .killEveryone: "kill-everyone"
        case .processVMWritevParent: "process_vm_writev-parent"
        case .kcmp: "kcmp"
        case .userfaultfd: "userfaultfd"
        case .perfEventOpen: "perf_event_open"
        case .openByHandleAt: "open_by_handle_at"
        case .setns: "setns"
        case .tiocsti: "tiocsti"
        case .memfdExecveat: "memfd-execveat"
        case .fanotifyInit: "fanotify_init"
        case .iopl: "iopl"
        case .modifyLDT: "modify_ldt"
        case .vmsplice: "vmsplice"
        case .thread11Of16: "thread-11-of-16"
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
        case .openTruncate: "open(\"/dev/null\", O_RDONLY|O_TRUNC)"
        case .openCreate: "open(\"/dev/null\", O_RDONLY|O_CREAT)"
        case .openWrite: "open(\"/dev/null\", O_WRONLY|O_APPEND)"
        case .openat2: "openat2(\"/dev/null\", O_RDONLY)"
        case .tgkillSibling: "tgkill(sibling agent, SIGABRT)"
        case .tkillSibling: "tkill(sibling agent, SIGABRT)"
        case .rtSigqueueinfoSibling: "rt_sigqueueinfo(sibling agent, SIGABRT)"
        case .pidfdSendSignalSibling: "pidfd_send_signal(pidfd of sibling agent, SIGABRT)"
        case .killUnrelated: "kill(same-uid process it did not start, 0)"
        case .killGroup: "kill(0, 0): its process group"
        case .killEveryone: "kill(-1, 0): every process it may signal"
        case .processVMWritevParent: "process_vm_writev(supervisor, 0 bytes)"
        case .kcmp: "kcmp(self, supervisor, KCMP_FILE)"
        case .userfaultfd: "userfaultfd()"
        case .perfEventOpen: "perf_event_open(cpu-clock, self)"
        case .openByHandleAt: "open_by_handle_at()"
        case .setns: "setns(fd 0, CLONE_NEWNET)"
        case .tiocsti: "ioctl(0, TIOCSTI)"
        case .memfdExecveat: "memfd_create + execveat"
        case .fanotifyInit: "fanotify_init()"
        case .iopl: "iopl(3)"
        case .modifyLDT: "modify_ldt(read)"
        case .vmsplice: "vmsplice(1)"
        case .thread11Of16: "socket() from thread 11 of 16"
        }
    }

    /// Whom the act aims at.
    public enum Target: Sendable {
        /// The supervisor (the process that launched the probe).
        case supervisor
        /// Another sandboxed child of the same supervisor.
        case sibling
        /// A process of the same uid that the supervisor did not start.
        case unrelated
    }

    public var target: Target {
        switch self {
        case .killSibling, .tgkillSibling, .tkillSibling, .rtSigqueueinfoSibling, .pidfdSendSignalSibling: .sibling
        case .killUnrelated: .unrelated
        default: .supervisor
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
    case vsockSocket
}
