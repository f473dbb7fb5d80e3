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

    /// Prints `reliability: NAME: TEXT`, and appends it to the file named by
    /// RINGFENCE_RELIABILITY_FIGURES (make reliability collects them there).
    static func figure(_ name: String, _ text: String) {
        let line = "reliability: \(name): \(text)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        guard let path = ProcessInfo.processInfo.environment["RINGFENCE_RELIABILITY_FIGURES"] else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// A folder holding a copy of the scenario library's content, for scenarios written at test time.
    static func scenarioFolder(_ label: String) throws -> String {
        let folder = Fixtures.temporaryDirectory(label)
        try FileManager.default.copyItem(atPath: Fixtures.content, toPath: "\(folder)/content")
        return folder
    }

    /// Parses a JSON report file.
    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }
}
