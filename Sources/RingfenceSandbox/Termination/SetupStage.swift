import CSandbox

/// The stages of the child setup, in the order they run (see
/// Sandbox/CSandbox/child_setup.c, where each one is commented).
public enum SetupStage: Int32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case clone = 1
    case parentDeath = 2
    case processGroup = 3
    case signals = 4
    case fileDescriptors = 5
    case resourceLimits = 6
    case namespaces = 7
    case identity = 8
    case noNewPrivileges = 9
    case seccomp = 10
    case listener = 11
    case exec = 12

    public var description: String {
        switch self {
        case .clone: "clone"
        case .parentDeath: "parent-death-signal"
        case .processGroup: "process-group"
        case .signals: "signals"
        case .fileDescriptors: "file-descriptors"
        case .resourceLimits: "rlimits"
        case .namespaces: "namespaces"
        case .identity: "identity"
        case .noNewPrivileges: "no-new-privs"
        case .seccomp: "seccomp"
        case .listener: "listener"
        case .exec: "exec"
        }
    }

    /// One line per stage, for help texts.
    public static let checklist = """
        1. parent-death signal (SIGKILL); no start if the parent is already gone
        2. a process group of its own
        3. every signal handler reset, the mask cleared, violation reporters set
        4. fd layout: the channels at fixed numbers, every other fd closed
        5. rlimits: address space, CPU (SIGXCPU), no core dumps, files, processes
           (namespaces, when asked for, come from clone; mounts made private)
        6. when started as root: drop to uid/gid 65534 (or as asked), no groups
        7. no_new_privs
        8. seccomp, last: the BPF compiled by libseccomp in the parent
        """
}

/// The sandbox could not be set up, so nothing ran (fail closed).
public struct SandboxSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    public let stage: SetupStage
    public let errno: Int32

    public init(stage: SetupStage, errno: Int32) {
        self.stage = stage
        self.errno = errno
    }

    public var description: String { "sandbox setup failed at \(stage): \(ErrnoName.describe(errno))" }
}
