import Foundation
import Glibc
import RingfenceTestSupport

/// The reliability suite's two sizes and its figures. `make test` runs the
/// short subset; `make reliability` sets RINGFENCE_RELIABILITY=full and runs
/// every figure at the size docs/reliability.md reports.
enum Reliability {
    static let isFull = ProcessInfo.processInfo.environment["RINGFENCE_RELIABILITY"] == "full"

    /// `short` in `make test`, `full` in `make reliability`.
    static func count(short: Int, full: Int) -> Int { isFull ? full : short }

    /// See ``ReliabilityFigures``.
    static func figure(_ name: String, _ text: String) { ReliabilityFigures.record(name, text) }

    /// Parses a JSON report file.
    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }
}
