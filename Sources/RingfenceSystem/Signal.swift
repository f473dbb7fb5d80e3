import Glibc

/// A POSIX signal number with its conventional name.
public struct Signal: RawRepresentable, Hashable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let hangup = Signal(rawValue: SIGHUP)
    public static let interrupt = Signal(rawValue: SIGINT)
    public static let illegalInstruction = Signal(rawValue: SIGILL)
    public static let trap = Signal(rawValue: SIGTRAP)
    public static let abort = Signal(rawValue: SIGABRT)
    public static let bus = Signal(rawValue: SIGBUS)
    public static let floatingPointException = Signal(rawValue: SIGFPE)
    public static let kill = Signal(rawValue: SIGKILL)
    public static let segmentationFault = Signal(rawValue: SIGSEGV)
    public static let pipe = Signal(rawValue: SIGPIPE)
    public static let alarm = Signal(rawValue: SIGALRM)
    /// ITIMER_PROF expired: a process used up the CPU time it was given (the host's watchdog).
    public static let profilingTimer = Signal(rawValue: SIGPROF)
    public static let terminate = Signal(rawValue: SIGTERM)
    public static let cpuLimitExceeded = Signal(rawValue: SIGXCPU)
    public static let fileSizeLimitExceeded = Signal(rawValue: SIGXFSZ)
    public static let badSystemCall = Signal(rawValue: SIGSYS)

    static let names: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
        SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGXCPU: "SIGXCPU",
        SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS", SIGPROF: "SIGPROF", SIGVTALRM: "SIGVTALRM",
    ]

    /// `SIGSEGV`, or `SIG42` for a number without a conventional name.
    public var name: String { Self.names[rawValue] ?? "SIG\(rawValue)" }
    public var description: String { name }

    /// Parses `SIGSEGV`, `SEGV` or `11`.
    public init?(name: String) {
        if let number = Int32(name) { self.init(rawValue: number); return }
        let wanted = name.hasPrefix("SIG") ? name : "SIG" + name
        guard let entry = Self.names.first(where: { $0.value == wanted }) else { return nil }
        self.init(rawValue: entry.key)
    }

    /// Swift runtime traps end in this signal: SIGILL (ud2) on x86_64, SIGTRAP (brk) on arm64.
    public static var swiftTrap: Signal {
        #if arch(arm64)
        return .trap
        #else
        return .illegalInstruction
        #endif
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let signal = Signal(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown signal \(text)"))
        }
        self = signal
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
