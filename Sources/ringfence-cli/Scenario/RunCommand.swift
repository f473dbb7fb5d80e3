import ArgumentParser
import Foundation
import RingfenceLab
import RingfenceSystem

extension Ringfence {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenarios and check their expectations.",
            discussion: """
                SCENARIO is a scenario file, a folder of them, or a replay bundle. Exit status: 0 every expectation \
                held, 1 an expectation failed, 2 invalid input (nothing was run), 3 a sandbox could not be set up.
                """)

        @Argument(help: "Scenario files, folders or replay bundles.") var scenarios: [String]
        @OptionGroup var report: ReportOptions
        @Option(help: "Use this seed instead of each scenario's own.") var seed: UInt64?
        @OptionGroup var input: ScenarioInputOptions
        @Option(help: "Run only shard K of N (e.g. 2/4): a stable subset, for splitting a suite across CI jobs.") var shard: String?
        @Option(help: "Where trials keep their disks and record logs (default: the state folder).") var work = Defaults.work("runs")
        @Option(help: "Where replay bundles of failed scenarios go (default: the state folder).") var bundles = Defaults.work("bundles")
        @Option(help: "Scenarios run at once (at least 1).") var jobs = 2
        @Option(help: "Run only scenarios whose name matches: a shell pattern (july19-*), or a part of the name.") var filter: String?
        @Flag(help: "Collect only: list the scenarios that would run, with their shard, and run nothing.") var list = false
        @Flag(help: "Stop starting scenarios after the first failure.") var failFast = false
        @Option(help: "Stop starting scenarios after N failures.") var maxFailures: Int?

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            if let maxFailures, maxFailures < 1 { throw ValidationError("--max-failures must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                try report.checkOutput()
                var loaded: [Scenario]
                do { loaded = try ScenarioInput.load(scenarios, seed: seed, allowing: input.allow) } catch let invalid as ScenarioInput.Invalid {
                    // Nothing runs; a JUnit report still shows each file that did not read.
                    guard report.format == .junit else { throw invalid.reported() }
                    var result = RunReport(scenarios: invalid.problems.map { ScenarioReport.invalid(file: $0.file, message: $0.message) })
                    result.wall = RunReport.RunWall.now
                    try report.emit(result)
                    throw ExitCode(2)
                }
                let selection = try shard.map { text in
                    guard let selection = Shard(text) else { throw UserFacingError.invalidInput("--shard: '\(text)' is not K/N with 1 <= K <= N") }
                    return selection
                }
                if let filter { loaded = loaded.filter { ScenarioFilter(filter).matches($0.name) } }
                if let selection { loaded = loaded.filter { selection.contains($0.name) } }
                if list {
                    for scenario in loaded {
                        let where_ = selection.map { " (shard \($0))" } ?? ""
                        say("\(scenario.name)\t\(scenario.file)\(where_)")
                    }
                    return
                }
                let runner = ScenarioRunner(workDirectory: absolute(work), jobs: jobs, bundleDirectory: absolute(bundles))
                let limit = failFast ? 1 : maxFailures
                let reports = runner.run(loaded, stoppingAfter: limit)
                if reports.count < loaded.count, let limit {
                    StandardError.complain("stopped after \(limit) failure(s): \(loaded.count - reports.count) scenario(s) not run")
                }
                var result = RunReport(scenarios: reports)
                result.wall = RunReport.RunWall.now
                try report.emit(result)
                // Where the files went (a table is for people; the other formats carry the paths).
                if report.format == .table && report.output == nil {
                    let failed = result.scenarios.contains { $0.bundle != nil }
                    say("trials in \(absolute(work))" + (failed ? "; replay bundles in \(absolute(bundles))" : ""))
                }
                throw runExitCode(result)
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Combine the JSON reports of several shards into one report.")

        @Argument(help: "JSON reports (ringfence run --format json).") var reports: [String]
        @OptionGroup var report: ReportOptions

        func run() throws {
            try reportingErrors {
                try report.checkOutput()
                let parts = try reports.map { path in
                    let data = try readFile(path)
                    do { return try JSONDecoder().decode(RunReport.self, from: Data(data)) } catch {
                        throw UserFacingError.invalidInput("\(path): not a Ringfence JSON report: \(error)")
                    }
                }
                // The same result in two of the reports (a shard file given twice)
                // would double every count: a scenario and seed may come from one report only.
                var seen: [String: Int] = [:]
                for (index, part) in parts.enumerated() {
                    for scenario in part.scenarios {
                        let key = "\(scenario.name)|\(scenario.seed)"
                        if let first = seen[key], first != index {
                            throw UserFacingError.invalidInput("\(reports[index]): scenario \(scenario.name) (seed \(scenario.seed)) is already in \(reports[first]); each result may be merged once")
                        }
                        seen[key] = index
                    }
                }
                let merged = RunReport(scenarios: parts.flatMap(\.scenarios).sorted { $0.name < $1.name })
                try report.emit(merged)
                throw runExitCode(merged)
            }
        }
    }

    struct Matrix: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the cross product of settings on one scenario and show which change prevents which outcome.",
            discussion: "Keys: isolation, interpreter, validator, failMode, recovery. Example: --vary isolation=kernel,user --vary validator=off,buggy,on")

        @Argument(help: "The scenario.") var scenario: String
        @Option(help: "KEY=v1,v2,... (repeatable).") var vary: [String] = []
        @OptionGroup var report: ReportOptions
        @Option(help: "Use this seed instead of the scenario's own.") var seed: UInt64?
        @OptionGroup var input: ScenarioInputOptions
        @Option(help: "Where trials keep their disks and record logs (default: the state folder).") var work = Defaults.work("matrix")
        @Option(help: "Combinations run at once (at least 1).") var jobs = 2

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() throws {
            try reportingErrors {
                try report.checkOutput()
                // One scenario: a folder of them would silently mean its first file.
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: scenario, isDirectory: &isFolder), isFolder.boolValue, ReplayBundle.scenarioPath(in: scenario) == nil {
                    throw UserFacingError.invalidInput("\(scenario): matrix takes one scenario file, not a folder; run it once per scenario")
                }
                guard let base = (try ScenarioInput.loadReporting([scenario], seed: seed, allowing: input.allow)).first else { return }
                let variations = try vary.map { entry -> (key: Scenario.Variable, values: [String]) in
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, !parts[1].isEmpty else { throw UserFacingError.invalidInput("--vary: '\(entry)' is not KEY=v1,v2") }
                    guard let variable = Scenario.Variable(rawValue: String(parts[0])) else {
                        let keys = Scenario.Variable.allCases.map(\.rawValue).joined(separator: ", ")
                        throw UserFacingError.invalidInput("--vary: unknown key '\(parts[0])' (\(keys))")
                    }
                    return (variable, parts[1].split(separator: ",").map(String.init))
                }
                let matrix: RunReport
                do {
                    matrix = try MatrixRunner(base: base, variations: variations)
                        .run(with: ScenarioRunner(workDirectory: absolute(work), jobs: jobs))
                } catch {
                    throw UserFacingError.invalidInput("\(error)")
                }
                try report.emit(matrix)
                if matrix.scenarios.contains(where: \.sandboxSetupFailed) { throw ExitCode(3) }
            }
        }
    }
}
