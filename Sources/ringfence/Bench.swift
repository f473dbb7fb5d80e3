import ArgumentParser
import Foundation
import RingfenceContent
import Glibc
import RingfenceLab
import RingfenceSandbox
import RingfenceSystem

extension Ringfence {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the performance suite and print the figures (build with -c release).",
            subcommands: [Interpreters.self, Parser.self, Sandbox.self])
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
            let probe = URL(fileURLWithPath: ChildProcess.currentExecutable).deletingLastPathComponent().appendingPathComponent("ringfence-probe").path
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
            let peers = try bench.peers()
            let bwrap = peers.first { $0.name.hasPrefix("bwrap --ro-bind / / /bin/true") }?.samples.median
            say(columns(["command", "median", "p90", "[min - max]", "vs bwrap"], width: 18))
            for peer in peers {
                let ratio = bwrap.map { String(format: "%.2fx", peer.samples.median / $0) } ?? "-"
                say(row(peer.name, peer.samples) + ratio)
            }
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
