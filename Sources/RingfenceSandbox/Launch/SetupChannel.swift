import CSandbox
import Glibc
import RingfenceSystem

/// The parent's end of the child's setup channel (a SOCK_SEQPACKET socket,
/// one record per message): it learns from it whether the setup failed (and
/// where), that a notification listener is ready to be taken or has been
/// sent, or that the child is ready (fork-server path) or has exec'd (the
/// channel is close-on-exec, so a successful execve reads as end-of-file).
struct SetupChannel {
    enum Event: Equatable {
        case failed(SandboxSetupError)
        /// The listener's number in the child, to copy with pidfd_getfd.
        case listener(Int32)
        /// The listener itself, received with the record (now the parent's fd).
        case listenerSent(Int32)
        case ready
        case closed
    }

    let fd: Int32

    /// The next record, waiting at most until `deadline` (monotonic seconds).
    func next(deadline: Double) -> Event {
        var record = rf_setup_record()
        var descriptors = [Int32](repeating: -1, count: Int(RF_MAX_FDS))
        var count = Int32(RF_MAX_FDS)
        while true {
            let remaining = deadline - monotonicSeconds()
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard remaining > 0, poll(&poller, 1, Int32(min(remaining * 1000 + 1, 60_000))) > 0 || errno == EINTR else {
                return .failed(SandboxSetupError(stage: .clone, errno: ETIMEDOUT))
            }
            if poller.revents == 0 { continue }
            count = Int32(RF_MAX_FDS)
            let length = withUnsafeMutableBytes(of: &record) { raw in
                rf_receive_with_fds(fd, raw.baseAddress, raw.count, &descriptors, &count)
            }
            if length < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if length <= 0 { return .closed }
            guard length == MemoryLayout<rf_setup_record>.size, record.magic == RF_SETUP_MAGIC else {
                descriptors.prefix(Int(count)).forEach { _ = close($0) }
                return .failed(SandboxSetupError(stage: .clone, errno: EPROTO))
            }
            break
        }
        let received = Array(descriptors.prefix(Int(count)))
        let isListener = record.stage == Int32(RF_STAGE_LISTENER.rawValue) && record.error == 0
        // Only a listener record may carry a descriptor, and only one.
        if !(isListener && received.count == 1) { received.forEach { _ = close($0) } }
        switch record.stage {
        case Int32(RF_STAGE_READY.rawValue): return .ready
        case _ where isListener: return received.count == 1 ? .listenerSent(received[0]) : .listener(record.value)
        default:
            return .failed(SandboxSetupError(stage: SetupStage(rawValue: record.stage) ?? .clone, errno: record.error))
        }
    }
}
