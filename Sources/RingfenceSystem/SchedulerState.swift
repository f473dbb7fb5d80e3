import Glibc

/// What the scheduler says a process is doing (`/proc/PID/stat`, field 3).
public enum SchedulerState: Sendable, Equatable {
    /// Running, or waiting for a CPU.
    case runnable
    /// Asleep in a system call, waiting for something.
    case sleeping
    /// In uninterruptible sleep (usually disk or page-in).
    case diskWait
    /// Stopped by a signal (SIGSTOP) or a tracer.
    case stopped
    /// Exited and not yet reaped, or gone.
    case dead

    /// Reads the state of `pid`; `.dead` if it cannot be read.
    public init(pid: pid_t) {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { self = .dead; return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        // "pid (comm) S ...": the state follows the last ')', since comm may hold anything.
        guard count > 0, let parenthesis = buffer[..<count].lastIndex(of: UInt8(ascii: ")")), parenthesis + 2 < count else {
            self = .dead
            return
        }
        switch buffer[parenthesis + 2] {
        case UInt8(ascii: "R"): self = .runnable
        case UInt8(ascii: "S"), UInt8(ascii: "I"): self = .sleeping
        case UInt8(ascii: "D"): self = .diskWait
        case UInt8(ascii: "T"), UInt8(ascii: "t"): self = .stopped
        default: self = .dead
        }
    }
}
