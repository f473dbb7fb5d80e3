import Glibc

/// Monotonic time in seconds (CLOCK_MONOTONIC), for deadlines and intervals:
/// it never jumps when the wall clock is set.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
