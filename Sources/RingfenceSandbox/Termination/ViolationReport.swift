import CSandbox
import Glibc
import RingfenceSystem

/// A record written by the child's in-sandbox reporter (violation_reporter.c)
/// when it traps a filtered syscall (SIGSYS) or aborts (SIGABRT).
///
/// It is a claim, not a fact: a hostile agent can write anything to its own
/// report fd. ``Termination/decide(_:)`` believes a report only when the
/// kernel says the child died by the same signal.
public struct ViolationReport: Hashable, Sendable {
    public let signal: Signal
    public let syscall: Int32
    public let architecture: UInt32
    public let savedErrno: Int32
    public let arguments: [UInt64]

    static let size = MemoryLayout<rf_violation_report>.size

    /// Decodes every complete record in `bytes`; anything malformed is dropped.
    static func decode(_ bytes: [UInt8]) -> [ViolationReport] {
        var reports: [ViolationReport] = []
        var offset = 0
        while bytes.count - offset >= size {
            let record = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: rf_violation_report.self) }
            offset += size
            guard record.magic == RF_REPORT_MAGIC else { continue }
            let arguments = withUnsafeBytes(of: record.args) { Array($0.bindMemory(to: UInt64.self)) }
            reports.append(ViolationReport(signal: Signal(rawValue: record.signal), syscall: record.syscall,
                                           architecture: record.arch, savedErrno: record.saved_errno, arguments: arguments))
        }
        return reports
    }
}
