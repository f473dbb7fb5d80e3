import Foundation
import Glibc

/// Sends host records to the lab: one JSON object per line, one write per
/// record, so that a record is either whole in the pipe or absent when the
/// host dies.
final class RecordSink {
    let fd: Int32
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(fd: Int32) { self.fd = fd }

    func send(_ record: HostRecord) {
        guard fd >= 0, var line = try? encoder.encode(record) else { return }
        line.append(0x0A)
        line.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = write(fd, raw.baseAddress! + written, raw.count - written)
                if result < 0 { if errno == EINTR { continue } else { return } }
                written += result
            }
        }
    }
}
