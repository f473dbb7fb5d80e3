import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// Hostile input, kept as files (BadInput/cases.tsv lists each case, the
/// command that reads it, the status it must end in and a fragment of its
/// one-line error), plus special files made at run time. Every case must be
/// refused quickly with exactly one `ringfence: ...` line: no crash, no hang,
/// no dump.
@Suite(.timeLimit(.minutes(10))) struct BadInputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInput").path

    struct Case: CustomStringConvertible, Sendable {
        let kind: String
        let path: String
        let status: Int32
        let fragment: String
        var description: String { path }
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOfFile: "\(folder)/cases.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, !line.hasPrefix("#"), let status = Int32(fields[2]) else { return nil }
            return Case(kind: fields[0], path: fields[1], status: status, fragment: fields[3])
        }
    }()

    /// The command that reads a case of `kind`.
    static func command(_ kind: String, _ path: String, work: String) -> [String] {
        switch kind {
        case "scenario": ["run", path, "--work", work]
        case "channel": ["content", "inspect", path]
        default: ["sandbox", "run", "--profile", path, "--", "/bin/true"]
        }
    }

    /// Runs `arguments`, killing it after `limit` seconds: a hang is a failure (SIGKILL, not exit 2), not a stuck suite.
    static func run(_ arguments: [String], limit: Double = 20) throws -> (output: ChildProcess.Output, seconds: Double) {
        let started = monotonicSeconds()
        let output = try ChildProcess.run("/usr/bin/timeout", ["-s", "KILL", String(limit), RingfenceBinary.path] + arguments,
                                          environment: ["SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1"])
        return (output, monotonicSeconds() - started)
    }

    static func check(_ arguments: [String], status: Int32, fragment: String, label: String) throws -> Double {
        let (output, seconds) = try run(arguments)
        let lines = output.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(output.status == .exited(status), "\(label): \(output.status): \(output.stderr.prefix(300))")
        #expect(lines.count == 1, "\(label): \(lines.count) stderr lines: \(output.stderr.prefix(300))")
        #expect(lines.first?.hasPrefix("ringfence: ") == true, "\(label): \(output.stderr.prefix(300))")
        #expect(output.stderr.contains(fragment), "\(label): wanted '\(fragment)' in \(output.stderr.prefix(300))")
        // No timing assertion (a loaded machine is slow): a hang is caught by
        // the 20 s kill above, and the slowest case is reported as a figure.
        return seconds
    }

    @Test func theCorpusHasEveryKind() {
        let kinds = Dictionary(grouping: Self.cases, by: \.kind).mapValues(\.count)
        #expect(Self.cases.count >= 300, "\(kinds)")
        #expect((kinds["scenario"] ?? 0) >= 100 && (kinds["channel"] ?? 0) >= 50 && (kinds["profile"] ?? 0) >= 50, "\(kinds)")
    }

    @Test func everyCaseIsRefusedWithOneLine() throws {
        let work = Fixtures.temporaryDirectory("bad-input")
        var slowest = (seconds: 0.0, path: "")
        // A short run checks a sample; the full suite every case.
        let step = ProcessInfo.processInfo.environment["RINGFENCE_RELIABILITY"] == "full" ? 1 : 7
        let checked = Self.cases.enumerated().filter { $0.offset % step == 0 }.map(\.element)
        for item in checked {
            let seconds = try Self.check(Self.command(item.kind, "\(Self.folder)/\(item.path)", work: work), status: item.status,
                                         fragment: item.fragment, label: item.path)
            if seconds > slowest.seconds { slowest = (seconds, item.path) }
        }
        let line = String(format: "%d cases (%d checked), 0 crashes, 0 hangs; slowest %.2f s (%@)",
                          Self.cases.count, checked.count, slowest.seconds, slowest.path)
        ReliabilityFigures.record("bad input", line)
    }

    /// Files that cannot be kept in a repository: made here, each refused
    /// before a byte is read (a FIFO would block a reader forever, a 4 GiB
    /// sparse file would take minutes to read).
    @Test(arguments: ["fifo", "dev-zero", "directory", "sparse-4g", "symlink-out"])
    func specialFilesAreRefusedBeforeAnyRead(_ kind: String) throws {
        let folder = try Fixtures.folderWithContent("special")
        let special = "\(folder)/special"
        switch kind {
        case "fifo": #expect(mkfifo(special, 0o644) == 0)
        case "dev-zero": #expect(symlink("/dev/zero", special) == 0)
        case "directory": #expect(mkdir(special, 0o755) == 0)
        case "sparse-4g":
            let fd = open(special, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            #expect(ftruncate(fd, 4 << 30) == 0)
            close(fd)
        default: #expect(symlink("/etc/passwd", special) == 0)
        }
        let why: String = switch kind {
        case "fifo": "not a regular file (a FIFO)"
        case "dev-zero": "not a regular file (a character device)"
        case "directory": "not a regular file (a directory)"
        case "sparse-4g": "larger than the limit"
        default: "not"
        }
        // As a channel file, as a profile, and as a scenario's baseline.
        if kind != "symlink-out" {
            _ = try Self.check(["content", "inspect", special], status: 2, fragment: why, label: "\(kind) content")
            _ = try Self.check(["sandbox", "run", "--profile", special, "--", "/bin/true"], status: 252,
                               fragment: kind == "sparse-4g" ? "larger than the limit" : why, label: "\(kind) profile")
        }
        let scenario = "\(folder)/scenario.yaml"
        try """
            name: special
            agents: [{ name: sensor, isolation: kernel }]
            content: { templates: content/templates.yaml, baseline: [special] }

            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let expected = kind == "symlink-out" ? "outside the folders it may read (it resolves to /etc/passwd)"
            : kind == "sparse-4g" ? "larger than the limit" : kind == "dev-zero" ? "not a regular file" : why
        _ = try Self.check(["run", scenario, "--work", "\(folder)/work"], status: 2, fragment: expected, label: "\(kind) scenario")
    }
}
