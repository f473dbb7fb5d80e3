import Foundation
import Glibc
import SystemPackage

/// Where a host's records go: the lab, over a pipe, in a real boot; memory,
/// in tests of the host's logic.
public protocol RecordSink: AnyObject {
    func send(_ record: HostRecord)
}

/// Sends records to the lab: one JSON object per line, one write per record,
/// so that a record is either whole in the pipe or absent when the host dies.
final class PipeRecordSink: RecordSink {
    let descriptor: FileDescriptor
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(fd: Int32) {
        descriptor = FileDescriptor(rawValue: fd)
        // The host's children (its fork server, and through it the agents) must not hold the lab's pipe open:
        // the lab reads the host's end of the boot as the pipe's end.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    func send(_ record: HostRecord) {
        guard var line = try? encoder.encode(record.fields) else { return }
        line.append(0x0A)
        // A lab that has gone away is not the host's problem: the record is lost with it.
        _ = try? line.withUnsafeBytes { try descriptor.writeAll($0) }
    }
}
