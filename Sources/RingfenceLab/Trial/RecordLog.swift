import Foundation
import Glibc
import RingfenceHost
import SystemPackage

/// The trial's append-only JSON Lines log. Every record gets the next
/// sequence number and goes out in one `write`; ``commit()`` fsyncs. The lab
/// commits before every decision it takes and after every chunk of host
/// records it reads from the pipe (group commit: one fsync for the records
/// that arrived together), so a crash of anything, the lab included, loses
/// nothing the lab has acted on. The schema is in docs/records.md.
public final class RecordLog {
    public let path: String
    private let descriptor: FileDescriptor
    private var sequence = 0
    private var dirty = false
    public private(set) var records: [TrialRecord] = []
    /// The first record that could not be written: the log is incomplete, and the trial cannot stand.
    public private(set) var writeFailure: RecordLogError?
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public init(path: String) throws {
        self.path = path
        descriptor = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate, .append, .closeOnExec],
                                             permissions: [.ownerReadWrite, .groupRead, .otherRead])
    }

    deinit {
        commit()
        try? descriptor.close()
    }

    /// Appends one record; it is on disk once ``commit()`` returns.
    @discardableResult
    public func append(_ event: TrialEvent, at time: SimulatedTime, boot: Int) -> TrialRecord {
        sequence += 1
        let record = TrialRecord(seq: sequence, time: time, boot: boot, event: event)
        records.append(record)
        do {
            var line = try encoder.encode(record.fields)
            line.append(0x0A)
            _ = try line.withUnsafeBytes { try descriptor.writeAll($0) }
            dirty = true
        } catch {
            if writeFailure == nil { writeFailure = RecordLogError(description: "\(path): record \(sequence) could not be written: \(error)") }
        }
        return record
    }

    /// Makes everything appended so far durable.
    public func commit() {
        guard dirty else { return }
        if fsync(descriptor.rawValue) != 0, writeFailure == nil {
            writeFailure = RecordLogError(description: "\(path): fsync failed: \(String(cString: strerror(errno)))")
        }
        dirty = false
    }
}

/// The record log could not be written.
public struct RecordLogError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
