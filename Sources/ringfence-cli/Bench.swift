import ArgumentParser
import Foundation
import RingfenceContent
import Glibc
import RingfenceHost
import RingfenceLab
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

extension Ringfence {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the performance suite and print the figures (build with -c release).",
            subcommands: [Interpreters.self, Parser.self, Sandbox.self, SandboxRunVersusPeers.self, Host.self, Scenarios.self, Soak.self])
    }
}

extension Ringfence.Bench {
    struct Interpreters: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Events per second of each interpreter on the standard 50-instance rule set.")

        @Option(help: "Folder with the content sources.") var content = "Scenarios/content"
        @Option(help: "Events per round.") var events = 200_000
        @Option(help: "Measured rounds.") var rounds = 7

        func run() throws {
            warnIfDebug()
            let channels = try StandardRuleSet.channels(contentDirectory: content)
            let instances = channels.reduce(0) { $0 + $1.instances.count }
            say("interpreters: \(instances) instances in \(channels.count) channels, \(events) events (standard mix), \(rounds) rounds")
            let results = try InterpreterBenchmark(channels: channels, events: events, rounds: rounds).run()
            say(columns(["interpreter", "events/s median", "[min - max]", "detected/malicious", "matched"]))
            for result in results {
                let rate = result.eventsPerSecond
                say(columns([result.kind.rawValue, formatRate(rate.median), "[\(formatRate(rate.min)) - \(formatRate(rate.max))]",
                             "\(result.counts.detected)/\(result.counts.malicious)", "\(result.counts.matched)"]))
            }
            if let unsafe = results.first(where: { $0.kind == .unsafe }), let checked = results.first(where: { $0.kind == .checked }) {
                say(String(format: "checked/unsafe time ratio: %.2fx (target <= 1.5x)",
                           unsafe.eventsPerSecond.median / checked.eventsPerSecond.median))
            }
        }
    }

    struct Parser: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Parse throughput of a ~1 MiB channel file.")

        @Option(help: "Folder with the content sources.") var content = "Scenarios/content"
        @Option(help: "Measured rounds.") var rounds = 31

        func run() throws {
            warnIfDebug()
            let base = try ChannelSource.compile("\(content)/ipc-baseline.yaml")
            say("parser: ~1 MiB channel files built from ipc-baseline.yaml, \(rounds) rounds each")
            say(columns(["trailer", "bytes", "instances", "MB/s median", "[min - max]", "parse time median"]))
            for result in try ParserBenchmark(base: base, rounds: rounds).run() {
                let rate = result.megabytesPerSecond
                say(columns([result.checksum.description, "\(result.bytes)", "\(result.instances)", String(format: "%.0f", rate.median),
                             String(format: "[%.0f - %.0f]", rate.min, rate.max),
                             String(format: "%.2f ms", Double(result.bytes) / rate.median / 1e3)]))
            }
        }
    }
}

extension Ringfence.Bench {
    struct Sandbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sandbox launch latency, crash cycles per second, and /bin/true against bwrap and firejail.")

        @Option(help: "Folder with the seccomp profiles.") var profiles = "Sandbox/profiles"
        @Option(help: "Measured launches per figure.") var rounds = 300
        @Option(help: "Seconds per crash-cycle figure.") var seconds = 2.0

        func run() throws {
            warnIfDebug()
            let probe = ChildProcess.besideCurrentExecutable("ringfence-probe")
            let bench = SandboxBenchmark(policy: try PolicyCompiler.load("\(profiles)/agent.json"),
                                         startup: try PolicyCompiler.load("\(profiles)/exec-startup.json"),
                                         probeExecutable: probe, rounds: rounds)
            func row(_ name: String, _ samples: Samples) -> String {
                columns([name, String(format: "%.3f", samples.median), String(format: "%.3f", samples.percentile(90)),
                         String(format: "[%.3f - %.3f]", samples.min, samples.max)], width: 18)
            }
            say("launch to ready, milliseconds, \(rounds) launches each (agent.json, uid \(getuid()))")
            say(columns(["path", "median", "p90", "[min - max]"], width: 18))
            for handling in [ViolationHandling.notify, .trap] {
                say(row("fork server, \(handling)", try bench.forkServerLaunch(handling)))
            }
            if getuid() == 0 {
                for (name, namespaces) in [("+ net,ipc", SandboxNamespaces([.network, .ipc])), ("+ mount", .mount), ("+ pid", .pid),
                                           ("+ all four", [.pid, .network, .ipc, .mount])] {
                    say(row("fork server \(name)", try bench.forkServerLaunch(.notify, namespaces: namespaces)))
                }
            }
            say(row("exec /bin/true", try bench.execLaunch("/bin/true", [])))
            say(row("exec ringfence-probe", try bench.execLaunch(probe, ["clone3"])))
            say("")
            say("launch, SIGSEGV, detect and classify: cycles per second over \(seconds) s")
            for handling in [ViolationHandling.notify, .trap] {
                for loops in [1, 2] {
                    say("  \(handling), \(loops) loop\(loops == 1 ? "" : "s"): " + String(format: "%.0f", try bench.crashCycles(seconds: seconds, loops: loops, handling: handling)))
                }
            }
            say("")
            say("/bin/true to its exit, milliseconds, interleaved (minijail0 is not packaged for Debian)")
            sayPeerTable(try bench.peers())
        }
    }
}

extension Ringfence.Bench {
    struct Host: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "User mode against kernel mode throughput, and crash-to-recorded and crash-to-serving latency.")

        @Option(help: "Folder with the content sources.") var content = "Scenarios/content"
        @Option(help: "Folder with the seccomp profiles.") var profiles = "Sandbox/profiles"
        @Option(help: "Rounds over the event batches per throughput figure.") var rounds = 10
        @Option(help: "Crashes per latency figure.") var samples = 200

        func run() throws {
            warnIfDebug()
            var agent = AgentConfiguration(name: "bench", profile: "\(profiles)/agent.json")
            agent.isolation = .user
            let bench = HostBenchmark(agent: agent)
            let standard = try StandardRuleSet.channels(contentDirectory: content)
            var generator = TelemetryGenerator(seed: 291)
            let batches = (0..<64).map { _ in generator.batch(1024) }
            let events = batches.count * 1024
            say("throughput: \(events) events in 64 batches of 1024 (standard mix), \(rounds) rounds, unsafe interpreter")
            let kernel = try bench.kernelThroughput(batches, content: standard, rounds: rounds)
            let user = try bench.userThroughput(batches, content: standard.map(\.bytes), rounds: rounds)
            say(String(format: "  standard 50-instance set: kernel mode %@ events/s, user mode %@ events/s: user/kernel %.0f%% (target >= 90%%)",
                       formatRate(kernel), formatRate(user), user / kernel * 100))
            let trivial = try trivialChannel()
            let trivialKernel = try bench.kernelThroughput(batches, content: [trivial], rounds: rounds * 5)
            let trivialUser = try bench.userThroughput(batches, content: [trivial.bytes], rounds: rounds * 5)
            say(String(format: "  trivial set (1 instance): kernel mode %@ events/s, user mode (the IPC path) %@ events/s (target >= 5 M)",
                       formatRate(trivialKernel), formatRate(trivialUser)))

            let good = try ChannelSource.compile("\(content)/ipc-baseline.yaml").encoded()
            let bad = try ChannelSource.compile("\(content)/ipc-update-291.yaml").encoded()
            var ipc = TelemetryGenerator(seed: 19, mix: .ipcOnly)
            let trigger = ipc.batch(4)
            let recorded = Samples(try bench.crashToRecorded(badContent: [bad], trigger: trigger, samples: samples)
                .map { $0 * 1000 })
            say(String(format: "crash to recorded (batch sent to typed failure), %d crashes: p50 %.3f ms, p99 %.3f ms, max %.3f ms (target p99 <= 1 ms)",
                       samples, recorded.median, recorded.percentile(99), recorded.max))
            let serving = Samples(try bench.crashToServing(good: [good], bad: bad, trigger: trigger, samples: samples / 2)
                .map { $0 * 1000 })
            say(String(format: "crash to serving again on rolled-back content, %d crashes: p50 %.3f ms, p99 %.3f ms (target <= 2 ms)",
                       samples / 2, serving.median, serving.percentile(99)))

            say("")
            say("a host's start-up per boot, milliseconds, \(samples / 4) rounds interleaved with the floor")
            sayPeerTable(try HostStartupBenchmark(executable: ChildProcess.currentExecutable, rounds: samples / 4,
                                                  folder: absolute(".ringfence/bench/host-startup")).run())
        }

        /// One network instance that never matches: the IPC path with almost no evaluation.
        private func trivialChannel() throws -> ChannelFile {
            var draft = ChannelDraft(channel: 289, templateType: .network, declaredFieldCount: 12, contentVersion: 1, checksum: .crc32c,
                                     instances: [])
            var instance = InstanceDraft(id: 1, action: .alert, criteria: [Criterion](repeating: .wildcard, count: 12))
            instance.setCriterion(.literal("1", caseInsensitive: false), field: 5)
            draft.instances = [instance]
            return try ChannelFile(parsing: draft.encoded())
        }
    }
}

extension Ringfence.Bench {
    struct Scenarios: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The scenario library, the July 19 matrix and july19-user trials per second, against another build.",
            discussion: """
                With --baseline, every round runs each command with this build and then with the baseline's, and the \
                library run covers only the scenarios the baseline's library has (the reference set). `make bench-baseline` \
                builds the commit before a change for this.
                """)

        @Option(help: "The scenario library.") var library = "Scenarios"
        @Option(help: "Another build's `ringfence` executable, measured in the same rounds.") var baseline: String?
        @Option(help: "The baseline's scenario library (default: the Scenarios folder beside its package).") var baselineLibrary: String?
        @Option(help: "Measured rounds, after one to warm up.") var rounds = 3
        @Option(help: "Scenarios run at once.") var jobs = 2
        @Option(help: "Copies of july19-user in the trials-per-second run.") var copies = 20

        func run() throws {
            warnIfDebug()
            var builds = [ScenarioBenchmark.Build(name: "this build", ringfence: ChildProcess.besideCurrentExecutable("ringfence"),
                                                  library: absolute(library))]
            var reference: [String]?
            if let baseline {
                let path = absolute(baseline)
                let theirLibrary = baselineLibrary.map(absolute) ?? URL(fileURLWithPath: path).deletingLastPathComponent()
                    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios").path
                builds.append(ScenarioBenchmark.Build(name: "baseline", ringfence: path, library: theirLibrary))
                reference = try FileManager.default.contentsOfDirectory(atPath: theirLibrary).filter { $0.hasSuffix(".yaml") }
                    .map { String($0.dropLast(5)) }.sorted()
            }
            let benchmark = ScenarioBenchmark(builds: builds, rounds: rounds, jobs: jobs, copies: copies, scenarios: reference,
                                              work: absolute(".ringfence/bench"))
            let results = try benchmark.run()
            let scope = reference.map { "the \($0.count) scenarios of the baseline's library" } ?? "the whole library"
            say("\(rounds) rounds interleaved, \(jobs) jobs, \(ProcessInfo.processInfo.activeProcessorCount) cores; medians [range]")
            for command in ScenarioBenchmark.Command.allCases {
                let title = switch command {
                case .library: "run: \(scope)"
                case .matrix: "matrix: july19-kernel, 2 isolations x 3 interpreters x 3 validators"
                case .trials: "run: \(copies) july19-user trials"
                }
                say("")
                say(title)
                say(columns(["  build", "wall s", "[min - max]", "cores busy", command == .trials ? "trials/s" : ""], width: 16))
                for (index, build) in builds.enumerated() {
                    let measurement = results[command]![index]
                    let rate = command == .trials ? String(format: "%.1f", Double(copies) / measurement.wall.median) : ""
                    say(columns(["  \(build.name)", String(format: "%.2f", measurement.wall.median),
                                 String(format: "[%.2f - %.2f]", measurement.wall.min, measurement.wall.max),
                                 String(format: "%.0f%%", measurement.coreUse.median * 100), rate], width: 16))
                }
                if builds.count == 2 {
                    say(String(format: "  this build is %.2fx as fast", results[command]![1].wall.median / results[command]![0].wall.median))
                }
            }
        }
    }
}

extension Ringfence.Bench {
    struct SandboxRunVersusPeers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sandbox-run",
            abstract: "`ringfence sandbox run -- /bin/true` against bwrap, firejail and /bin/true alone, interleaved, as whole commands.",
            discussion: "Under the default profile, Sandbox/profiles/agent.json, as a user runs it.")

        @Option(help: "Rounds.") var rounds = 100

        func run() throws {
            warnIfDebug()
            // The front executable beside this one, as a user runs it.
            let samples = try SandboxRunBenchmark(ringfence: ChildProcess.besideCurrentExecutable("ringfence"), rounds: rounds).run()
            say("whole commands to their exit, milliseconds, \(rounds) rounds interleaved (firejail every 4th); minijail0 is not packaged for Debian")
            sayPeerTable(samples)
        }
    }
}

/// Median, p90 and range of each command, with its ratio to bwrap's median
/// (the first bwrap row) when bwrap was measured.
func sayPeerTable(_ peers: [(name: String, samples: Samples)]) {
    let bwrap = peers.first { $0.name.hasPrefix("bwrap") }?.samples.median
    say(columns(["command", "median", "p90", "[min - max]", "vs bwrap"], width: 18))
    for (name, samples) in peers {
        say(columns([name, String(format: "%.3f", samples.median), String(format: "%.3f", samples.percentile(90)),
                     String(format: "[%.3f - %.3f]", samples.min, samples.max), bwrap.map { String(format: "%.2fx", samples.median / $0) } ?? "-"],
                    width: 18))
    }
}

extension Ringfence.Bench {
    struct Soak: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mixed agent failures under one supervisor, and what they leave behind (the reliability suite's soak).",
            discussion: "Exit status 1 when a failure ended as another kind, the fork server died, a zombie or a descriptor was left, or RSS grew over 5%.")

        @Option(help: "Failures to cause.") var failures = 10_000
        @Option(help: "One failure in this many is a CPU-limit one (each costs a second of CPU).") var cpuEvery = 500

        func run() throws {
            guard let profile = ShippedProfiles.path(named: "agent") else { throw UserFacingError.invalidInput("the shipped agent.json profile was not found") }
            let result = try SoakBenchmark(profile: profile, failures: failures, cpuEvery: cpuEvery).run()
            say("soak: \(result.summary)")
            for line in result.wrong { say("  ended otherwise: \(line)") }
            if !result.held { throw ExitCode(1) }
        }
    }
}

/// Left-aligned columns of 16 characters, for the benchmark tables.
func columns(_ cells: [String], width: Int = 16) -> String {
    cells.map { $0.count >= width ? $0 + " " : $0.padding(toLength: width, withPad: " ", startingAt: 0) }.joined()
}

func warnIfDebug() {
    #if DEBUG
    say("warning: this is a debug build; figures are only meaningful from `swift build -c release`")
    #endif
}
