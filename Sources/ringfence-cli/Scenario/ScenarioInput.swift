import ArgumentParser
import Foundation
import RingfenceContent
import RingfenceLab
import RingfenceSystem

/// Finds and decodes the scenarios named on the command line: scenario files,
/// folders (every `*.yaml` directly inside), or replay bundles. Everything is
/// decoded before anything runs, so that a bad file stops the run with exit 2
/// and no process is started.
enum ScenarioInput {
    static func load(_ paths: [String], seed: UInt64?, allowing allowed: [String] = []) throws -> [Scenario] {
        var files: [String] = []
        for path in paths {
            if let bundle = ReplayBundle.scenarioPath(in: path) {
                files.append(bundle)
                continue
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UserFacingError.invalidInput("\(path): no such file or folder")
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }.sorted()
                if names.isEmpty { throw UserFacingError.invalidInput("\(path): no scenario files (*.yaml) in the folder") }
                files += names.map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        var problems: [Invalid.Problem] = []
        var scenarios: [Scenario] = []
        for file in files {
            do {
                var scenario = try ScenarioDecoder.load(file, allowing: allowed)
                if let seed { scenario.seed = seed }
                scenarios.append(scenario)
            } catch {
                problems.append(Invalid.Problem(file: file, message: error.description))
            }
        }
        var seen: [String: String] = [:]
        for scenario in scenarios {
            if let other = seen[scenario.name] {
                problems.append(Invalid.Problem(file: scenario.file, message: "\(scenario.file): name '\(scenario.name)' is also used by \(other)"))
            }
            seen[scenario.name] = scenario.file
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return scenarios
    }

    /// `load`, with invalid files reported as one line each (exit 2).
    static func loadReporting(_ paths: [String], seed: UInt64?, allowing allowed: [String] = []) throws -> [Scenario] {
        do { return try load(paths, seed: seed, allowing: allowed) } catch let invalid as Invalid { throw invalid.reported() }
    }

    /// Scenario files that do not read: nothing runs (exit 2). Each problem
    /// is one line on stderr; a JUnit report also shows each as an error.
    struct Invalid: Error {
        struct Problem {
            let file: String
            /// The whole one-line message, naming the file, line and key.
            let message: String
        }

        let problems: [Problem]

        /// Prints every problem but the last, and returns the last as the error to exit with.
        func reported() -> UserFacingError {
            for problem in problems.dropLast() { StandardError.complain(problem.message) }
            return UserFacingError.invalidInput(problems.last?.message ?? "invalid input")
        }
    }
}

/// Which files scenarios may read besides their own folder tree and the shipped profiles.
struct ScenarioInputOptions: ParsableArguments {
    @Option(name: .customLong("allow"), help: ArgumentHelp("Let scenarios read files in this folder too (repeatable).", valueName: "DIR"))
    var allow: [String] = []
}

/// `--format` and `--output`, shared by run, merge and matrix.
struct ReportOptions: ParsableArguments {
    @Option(help: "table, json, junit, markdown or html.") var format: ReportFormat = .table
    @Option(name: .shortAndLong, help: "Write the report here (atomically) instead of standard output.") var output: String?
    @Option(help: "auto (a table on a terminal, unless NO_COLOR is set), always or never.") var color: ColorChoice = .auto

    /// `--color`, as ls and git spell it.
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    /// Whether the table is coloured: always and never are obeyed; auto
    /// colours a table going to a terminal when NO_COLOR is not set.
    var colored: Bool {
        switch color {
        case .always: format == .table
        case .never: false
        case .auto: output == nil && format == .table && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }

    /// DESIGN section 4: an output that cannot be written is invalid input,
    /// refused before anything runs. Its folder is made now (the run would
    /// make it anyway) and a file is really created and removed there, the
    /// way the report will be written: `access(2)` answers yes to root
    /// where a write would still fail (a read-only mount, /proc).
    func checkOutput() throws {
        guard let output else { return }
        func refuse(_ why: String) -> UserFacingError { .invalidInput("\(output): cannot write the report: \(why)") }
        var status = stat()
        if stat(output, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR { throw refuse("it is a folder") }
        let folder = (output as NSString).deletingLastPathComponent
        var made = ""
        for part in folder.split(separator: "/", omittingEmptySubsequences: false) {
            made += made.isEmpty && part.isEmpty ? "/" : (made.isEmpty || made == "/" ? "" : "/") + part
            if made.isEmpty || made == "/" { continue }
            if mkdir(made, 0o755) != 0 && errno != EEXIST { throw refuse("cannot make \(made): \(String(cString: strerror(errno)))") }
        }
        let probe = "\(output).tmp-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw refuse(String(cString: strerror(errno))) }
        close(fd)
        unlink(probe)
    }

    func emit(_ report: RunReport) throws {
        let text = try format.render(report, color: colored)
        if let output {
            let folder = (output as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            // Out of disk, say: invalid output, exit 2, one line (DESIGN section 4).
            do { try AtomicFile.write(text, to: output) } catch { throw UserFacingError.invalidInput(error.description) }
        } else {
            print(text, terminator: "")
            fflush(nil)
        }
        // A report in a file, or in a machine format, does not reach the
        // person at the terminal: each scenario that failed also gets one line
        // on stderr, naming its file and what went wrong.
        if output != nil || format != .table {
            for scenario in report.scenarios where !scenario.passed || scenario.sandboxSetupFailed {
                StandardError.complain(Self.failureLine(scenario))
            }
        }
    }

    /// `FILE: scenario NAME: WHY` on one line.
    static func failureLine(_ scenario: ScenarioReport) -> String {
        let setup = scenario.agents.lazy.flatMap(\.failures).first { $0.kind == "sandbox-setup" }.map { $0.detail ?? "sandbox setup failed" }
        let why = scenario.error ?? setup ?? scenario.expectations.first { !$0.passed }.map { "\($0.check): \($0.message ?? "failed")" } ?? "failed"
        let line = "\(scenario.file): scenario \(scenario.name): \(why)"
        return String(line.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(500))
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// DESIGN.md's exit codes: 0 every expectation held, 1 one failed, 3 a sandbox
/// could not be set up (2, invalid input, is thrown before anything runs).
func runExitCode(_ report: RunReport) -> ExitCode {
    if report.scenarios.contains(where: \.sandboxSetupFailed) { return ExitCode(3) }
    return report.passed ? .success : ExitCode(1)
}
