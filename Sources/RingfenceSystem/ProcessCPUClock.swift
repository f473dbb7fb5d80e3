import Glibc

/// Another process's CPU time (user and system, all its threads), read
/// through its CPU-time clock (`clock_getcpuclockid`). Unlike wall time it
/// does not grow while the process waits for a CPU on a loaded machine, or
/// while it is stopped, so budgets on it mean the same on any machine.
public struct ProcessCPUClock: Sendable {
    public let pid: pid_t
    private let clock: clockid_t

    /// nil when the process is gone or its clock cannot be had.
    public init?(pid: pid_t) {
        var clock = clockid_t()
        guard clock_getcpuclockid(pid, &clock) == 0 else { return nil }
        self.pid = pid
        self.clock = clock
    }

    /// CPU seconds so far; nil once the process is gone.
    public var seconds: Double? {
        var now = timespec()
        guard clock_gettime(clock, &now) == 0 else { return nil }
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
