import Foundation
import Glibc
import RingfenceHost

/// One line of a trial's durable log.
public struct TrialRecord: Codable, Hashable, Sendable {
    public var seq: Int
    /// Milliseconds since the trial started.
    public var time: Double
    public var boot: Int
    public var type: String
    public var agent: String?
    public var detail: String?
    public var signal: String?
    public var syscall: String?
    public var bugcheck: String?
    public var update: Int?
    public var channel: UInt32?
    public var digest: String?
    public var reason: String?
    public var restarts: Int?
    public var atBoot: Bool?
    public var milliseconds: Double?
    public var counts: [AgentCounts]?

    public init(type: String, boot: Int) {
        self.seq = 0
        self.time = 0
        self.boot = boot
        self.type = type
    }

    /// A host's record, as the lab logs it.
    public init(_ host: HostRecord, boot: Int) {
        self.init(type: host.kind.rawValue, boot: boot)
        agent = host.agent
        detail = host.detail
        signal = host.signal
        syscall = host.syscall
        update = host.update
        channel = host.channel
        digest = host.digest
        reason = host.reason
        restarts = host.restarts
        milliseconds = host.milliseconds
        counts = host.counts
    }
}

/// The trial's append-only JSON Lines log: every record gets the next
/// sequence number, goes out in one `write`, and is fsync'd before the lab
/// moves on, so that a crash of anything (the lab included) loses nothing
/// already logged. The schema is in docs/records.md.
public final class RecordLog {
    public let path: String
    private let fd: Int32
    private let started: Double
    private var sequence = 0
    public private(set) var records: [TrialRecord] = []
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public init(path: String, started: Double) throws {
        self.path = path
        self.started = started
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    }

    deinit { close(fd) }

    @discardableResult
    public func append(_ record: TrialRecord, now: Double) -> TrialRecord {
        var record = record
        sequence += 1
        record.seq = sequence
        record.time = ((now - started) * 1000 * 1000).rounded() / 1000
        records.append(record)
        guard var line = try? encoder.encode(record) else { return record }
        line.append(0x0A)
        line.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = write(fd, raw.baseAddress! + written, raw.count - written)
                if result < 0 { if errno == EINTR { continue } else { return } }
                written += result
            }
        }
        fsync(fd)
        return record
    }
}
