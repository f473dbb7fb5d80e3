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
///
/// The file holds every record; memory does not. Each record goes into the
/// trial's running ``TrialAnalysis/Tally``, and the log keeps only what the
/// lab still asks about: the deliveries and bugchecks of the latest boot,
/// and its last time. So the lab's memory stays flat however long a trial
/// runs and however often its agents restart. A caller that wants every
/// record in memory (tests do) asks for them with `retainsRecords`.
public final class RecordLog {
    public let path: String
    private let descriptor: FileDescriptor
    private var sequence = 0
    private var dirty = false
    /// Every record, when `retainsRecords`; otherwise empty.
    public private(set) var records: [TrialRecord] = []
    public let retainsRecords: Bool
    public private(set) var tally: TrialAnalysis.Tally
    /// The latest boot's deliveries and bugchecks, and the time of its last record.
    private var latestBoot = 0
    private var latestBootRecords: [TrialRecord] = []
    private var latestBootTime: SimulatedTime?
    /// The first record that could not be written: the log is incomplete, and the trial cannot stand.
    public private(set) var writeFailure: RecordLogError?
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public init(path: String, settings: TrialSettings, retainsRecords: Bool = false) throws {
        self.path = path
        self.retainsRecords = retainsRecords
        tally = TrialAnalysis.Tally(settings: settings)
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
        tally.add(record)
        if retainsRecords { records.append(record) }
        if boot != latestBoot {
            latestBoot = boot
            latestBootRecords = []
        }
        latestBootTime = time
        switch event {
        case .host(.updateDelivered), .host(.bugcheck): latestBootRecords.append(record)
        default: break
        }
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

    /// The deliveries and bugchecks of `boot`, if it is the latest boot (no
    /// other is asked about); nil for an earlier boot.
    public func recordsOf(boot: Int) -> [TrialRecord]? { boot == latestBoot ? latestBootRecords : nil }

    /// The time of the latest record of `boot`, if it is the latest boot.
    public func lastTime(of boot: Int) -> SimulatedTime? { boot == latestBoot ? latestBootTime : nil }

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
