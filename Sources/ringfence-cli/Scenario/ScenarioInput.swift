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
    static func load(_ paths: [String], seed: UInt64?) throws -> [Scenario] {
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
        var errors: [String] = []
        var scenarios: [Scenario] = []
        for file in files {
            do {
                var scenario = try ScenarioDecoder.load(file)
                if let seed { scenario.seed = seed }
                scenarios.append(scenario)
            } catch {
                errors.append(error.description)
            }
        }
        var seen: [String: String] = [:]
        for scenario in scenarios {
            if let other = seen[scenario.name] { errors.append("\(scenario.file): name '\(scenario.name)' is also used by \(other)") }
            seen[scenario.name] = scenario.file
        }
        guard errors.isEmpty else { throw UserFacingError.invalidInput(errors.joined(separator: "\nringfence: ")) }
        return scenarios
    }
}

/// `--format` and `--output`, shared by run, merge and matrix.
struct ReportOptions: ParsableArguments {
    @Option(help: "table, json, junit, markdown or html.") var format: ReportFormat = .table
    @Option(name: .shortAndLong, help: "Write the report here (atomically) instead of standard output.") var output: String?

    func emit(_ report: RunReport) throws {
        let color = output == nil && format == .table && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let text = try format.render(report, color: color)
        if let output {
            let folder = (output as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try AtomicFile.write(text, to: output)
        } else {
            print(text, terminator: "")
            fflush(nil)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// DESIGN.md's exit codes: 0 every expectation held, 1 one failed, 3 a sandbox
/// could not be set up (2, invalid input, is thrown before anything runs).
func runExitCode(_ report: RunReport) -> ExitCode {
    if report.scenarios.contains(where: \.sandboxSetupFailed) { return ExitCode(3) }
    return report.passed ? .success : ExitCode(1)
}
