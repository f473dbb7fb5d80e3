import Foundation
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// DESIGN section 4's contract, row by row: usage errors and invalid input
/// exit 2 with one `ringfence: ...` line (an unwritable output before
/// anything runs); `sandbox run` keeps its own codes; `--version` works on
/// every command.
@Suite(.timeLimit(.minutes(10))) struct ExitCodeTests {
    struct Row: Sendable, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let fragment: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let validated = "\(Fixtures.root)/Scenarios/july19-validated.yaml"
    static let rows: [Row] = [
        Row(arguments: ["runn"], status: 2, fragment: "unexpected argument 'runn'; did you mean 'run'?"),
        Row(arguments: ["contnet", "inspect"], status: 2, fragment: "did you mean 'content'?"),
        Row(arguments: ["run", "--no-such-flag", validated], status: 2, fragment: "--no-such-flag"),
        Row(arguments: ["run", "--jobs", "0", validated], status: 2, fragment: "--jobs must be at least 1"),
        Row(arguments: ["matrix", "--jobs", "0", validated], status: 2, fragment: "--jobs must be at least 1"),
        Row(arguments: ["run", validated, "--output", "/proc/ringfence-nope/report.json"], status: 2,
            fragment: "/proc/ringfence-nope/report.json: cannot write the report: cannot make /proc/ringfence-nope"),
        Row(arguments: ["run", validated, "--output", "/tmp"], status: 2, fragment: "/tmp: cannot write the report: it is a folder"),
        Row(arguments: ["host", "run", "--content", Fixtures.content, "--update", "/nonexistent/update.yaml"], status: 2, fragment: "/nonexistent/update.yaml: cannot read the file"),
        Row(arguments: ["sandbox", "run", "./no-such-program"], status: 252, fragment: "cannot run ./no-such-program: ENOENT"),
        Row(arguments: ["matrix", "\(Fixtures.root)/Scenarios", "--vary", "isolation=kernel,user"], status: 2,
            fragment: "matrix takes one scenario file, not a folder"),
    ]

    @Test(arguments: rows)
    func eachRowOfTheContract(_ row: Row) throws {
        let work = Fixtures.temporaryDirectory("exit-codes")
        let output = try ChildProcess.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", work, RingfenceBinary.path] + row.arguments,
                                          environment: ["SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1"])
        #expect(output.status == .exited(row.status), "\(row): \(output.stderr)")
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("ringfence: "), "\(row): \(output.stderr)")
        #expect(output.stderr.contains(row.fragment), "\(row): \(output.stderr)")
        // Nothing ran: no trial folder was made where the command was started.
        #expect(!FileManager.default.fileExists(atPath: "\(work)/.ringfence"), "\(row) ran")
    }

    /// `--color always` colours a table even into a pipe; `never` and the
    /// default (auto, not a terminal) do not.
    @Test func colorIsChosenWithAFlag() throws {
        let scenario = "\(Fixtures.root)/Scenarios/july19-validated.yaml"
        let work = Fixtures.temporaryDirectory("color")
        let always = try RingfenceBinary.run(["run", scenario, "--color", "always", "--work", "\(work)/a"])
        #expect(always.status == .exited(0))
        #expect(always.stdout.contains("\u{1B}["), "no escape sequence")
        for choice in [["--color", "never"], []] {
            let plain = try RingfenceBinary.run(["run", scenario, "--work", "\(work)/b"] + choice)
            #expect(!plain.stdout.contains("\u{1B}["), "\(choice)")
        }
        let wrong = try RingfenceBinary.run(["run", scenario, "--color", "sometimes"])
        #expect(wrong.status == .exited(2))
    }

    @Test(arguments: [["--version"], ["run", "--version"], ["sandbox", "run", "--version"], ["content", "inspect", "--version"]])
    func versionWorksOnEveryCommand(_ arguments: [String]) throws {
        let output = try RingfenceBinary.run(arguments)
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(output.stdout.hasPrefix("ringfence \(RingfenceVersionText.number) (Swift "), "\(output.stdout)")
        #expect(output.stdout.contains(", libseccomp 2."), "\(output.stdout)")
    }
}

/// The version the binaries were built with, as the tests expect it.
enum RingfenceVersionText {
    static let number = "0.12.0-dev"
}
