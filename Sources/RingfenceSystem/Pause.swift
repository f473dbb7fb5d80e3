import Glibc

/// Sleeps for `milliseconds`, resuming after signals, with nothing but
/// nanosleep (which every Ringfence seccomp profile allows).
public func pause(milliseconds: Int64) {
    var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int((milliseconds % 1000) * 1_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
