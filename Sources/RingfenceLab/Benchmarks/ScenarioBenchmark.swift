import Foundation
import RingfenceSystem

/// Whole `ringfence` commands over the scenario library, timed side by side
/// with another build of Ringfence (the build before a change, say), round by
/// round, so that the machine's drift falls on both alike:
///
/// - `run` over the library: wall time, and how much of the machine's cores it
///   kept busy (its CPU time, children included, over wall time and cores);
/// - `matrix` over July 19 (2 isolations x 3 interpreters x 3 validators);
/// - complete `july19-user` trials per second, from one `run` of many copies.
///
/// Each build runs its own scenario library, so a scenario format that has
/// changed between the two does not stand in the way.
public struct ScenarioBenchmark {
    public struct Build: Sendable {
        public var name: String
        /// Its `ringfence` executable.
        public var ringfence: String
        /// Its `Scenarios` folder.
        public var library: String

        public init(name: String, ringfence: String, library: String) {
            self.name = name
            self.ringfence = ringfence
            self.library = library
        }
    }

    /// One timed command.
    public struct Measurement: Sendable {
        public var wall: Samples = Samples()
        /// CPU seconds over wall seconds, over the cores: 1 is every core busy throughout.
        public var coreUse: Samples = Samples()
    }

    public var builds: [Build]
    public var rounds: Int
    public var jobs: Int
    public var copies: Int
    /// The reference set: the library as it stood before later issues added to it.
    public var scenarios: [String]?
    let work: String

    public init(builds: [Build], rounds: Int, jobs: Int = 2, copies: Int = 20, scenarios: [String]? = nil, work: String) {
        self.builds = builds
        self.rounds = rounds
        self.jobs = jobs
        self.copies = copies
        self.scenarios = scenarios
        self.work = work
    }

    public enum Command: String, CaseIterable, Sendable {
        case library, matrix, trials
    }

    /// Samples by command, then by build, in the builds' order.
    public func run() throws -> [Command: [Measurement]] {
        var results: [Command: [Measurement]] = [:]
        for command in Command.allCases { results[command] = builds.map { _ in Measurement() } }
        let trialFolders = try builds.map(prepareTrials)
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        for round in 0...rounds {
            for command in Command.allCases {
                for (index, build) in builds.enumerated() {
                    let arguments = self.arguments(command, build: build, trials: trialFolders[index], round: round)
                    let start = monotonicSeconds()
                    let child = try ChildProcess.spawn(build.ringfence, arguments, environment: ["SWIFT_BACKTRACE": "enable=no"],
                                                       stdout: Self.devNull, stderr: Self.devNull)
                    let (status, cpu) = child.waitWithCPUTime()
                    let wall = monotonicSeconds() - start
                    guard status == .exited(0) else { throw BenchmarkRunFailure(command: "\(build.name): ringfence \(arguments.joined(separator: " "))") }
                    guard round > 0 else { continue }  // round 0 warms caches
                    results[command]![index].wall.add(wall)
                    results[command]![index].coreUse.add(cpu / wall / cores)
                }
            }
        }
        return results
    }

    private static let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)

    private func arguments(_ command: Command, build: Build, trials: String, round: Int) -> [String] {
        let folder = "\(work)/\(build.name)-\(command.rawValue)-\(round)"
        switch command {
        case .library:
            let inputs = scenarios.map { $0.map { "\(build.library)/\($0).yaml" } } ?? [build.library]
            return ["run"] + inputs + ["--jobs", "\(jobs)", "--work", folder, "--bundles", "\(folder)-bundles"]
        case .matrix:
            return ["matrix", "\(build.library)/july19-kernel.yaml", "--vary", "isolation=kernel,user", "--vary",
                    "interpreter=unsafe,checked,resilient", "--vary", "validator=off,buggy,on", "--jobs", "\(jobs)", "--work", folder]
        case .trials:
            return ["run", trials, "--jobs", "\(jobs)", "--work", folder, "--bundles", "\(folder)-bundles"]
        }
    }

    /// A folder of `copies` copies of the build's own july19-user, each under a name of its own.
    private func prepareTrials(_ build: Build) throws -> String {
        let folder = "\(work)/\(build.name)-july19-user"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let original = try String(contentsOfFile: "\(build.library)/july19-user.yaml", encoding: .utf8)
        for copy in 1...copies {
            let text = original.replacingOccurrences(of: "name: july19-user", with: "name: july19-user-\(copy)")
                .replacingOccurrences(of: "content/", with: "\(build.library)/content/")
                .replacingOccurrences(of: "    isolation: user\n", with: "    isolation: user\n    profile: \(build.library)/../Sandbox/profiles/agent.json\n")
            try text.write(toFile: "\(folder)/july19-user-\(copy).yaml", atomically: true, encoding: .utf8)
        }
        return folder
    }
}

/// A command under measurement did not exit 0: its figures would mean nothing.
public struct BenchmarkRunFailure: Error, CustomStringConvertible {
    public let command: String
    public var description: String { "\(command) did not exit 0" }
}
