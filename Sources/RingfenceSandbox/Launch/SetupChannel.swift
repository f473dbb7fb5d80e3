import CSandbox
import Glibc
import RingfenceSystem

/// The parent's end of the child's setup channel: it learns from it whether
/// the setup failed (and where), that a notification listener is ready to be
/// taken, or that the child is ready (fork-server path) or has exec'd (the
/// channel is close-on-exec, so a successful execve reads as end-of-file).
struct SetupChannel {
    enum Event: Equatable {
        case failed(SandboxSetupError)
        case listener(Int32)
        case ready
        case closed
    }

    let fd: Int32

    /// The next record, waiting at most until `deadline` (monotonic seconds).
    func next(deadline: Double) -> Event {
        var record = rf_setup_record()
        var received = 0
        while received < MemoryLayout<rf_setup_record>.size {
            let remaining = deadline - monotonicSeconds()
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard remaining > 0, poll(&poller, 1, Int32(min(remaining * 1000 + 1, 60_000))) > 0 || errno == EINTR else {
                return .failed(SandboxSetupError(stage: .clone, errno: ETIMEDOUT))
            }
            if poller.revents == 0 { continue }
            let count = withUnsafeMutableBytes(of: &record) { raw in
                read(fd, raw.baseAddress! + received, raw.count - received)
            }
            if count == 0 { return .closed }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .closed
            }
            received += count
        }
        guard record.magic == RF_SETUP_MAGIC else { return .failed(SandboxSetupError(stage: .clone, errno: EPROTO)) }
        switch record.stage {
        case Int32(RF_STAGE_READY.rawValue): return .ready
        case Int32(RF_STAGE_LISTENER.rawValue) where record.error == 0: return .listener(record.value)
        default:
            return .failed(SandboxSetupError(stage: SetupStage(rawValue: record.stage) ?? .clone, errno: record.error))
        }
    }
}

/// Monotonic time in seconds.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
