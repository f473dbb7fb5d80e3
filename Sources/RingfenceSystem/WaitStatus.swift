import Glibc

/// How a child process ended, as the kernel reports it to `waitpid`: the raw
/// fact from which every higher-level verdict is derived.
public enum WaitStatus: Hashable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Signal, coreDumped: Bool)

    /// Decodes a `waitpid` status word; nil for stopped or continued children.
    public init?(rawStatus status: Int32) {
        let low = status & 0x7F
        if low == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else if low != 0x7F {
            self = .signaled(Signal(rawValue: low), coreDumped: status & 0x80 != 0)
        } else {
            return nil
        }
    }

    public var signal: Signal? { if case .signaled(let signal, _) = self { signal } else { nil } }
    public var exitCode: Int32? { if case .exited(let code) = self { code } else { nil } }

    /// The shell's convention: the exit code, or 128 + signal number.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal, _): 128 + signal.rawValue
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal, _): "killed by \(signal.name)"
        }
    }
}
