import ArgumentParser
import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceLab
import RingfenceSensor
import RingfenceSystem

extension Ringfence {
    struct Host: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a simulated host with one agent through a content update, and record what happens.",
            subcommands: [Run.self])
    }

    /// One boot of a simulated host, started by the lab: never by hand.
    struct HostProcess: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__host", shouldDisplay: false)

        @Option var config: String
        @Option var disk: String

        func run() throws { try Self.boot(config: config, disk: disk) }

        static func boot(config: String, disk: String) throws {
            do {
                let configuration = try JSONDecoder().decode(HostConfiguration.self, from: Data(try FileBytes.read(config)))
                try HostKernel(configuration: configuration, disk: HostDisk(root: disk)).run()
            } catch {
                // The lab reads this line from the boot's log when the host exits 2.
                StandardError.complain("\(config): \(error)")
                throw ExitCode(2)
            }
        }
    }
}

extension Ringfence.Host {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Boot a host, push an update from the cloud, reboot after crashes, and print the outcome.",
            discussion: "The record log (JSON Lines) is written to WORK/records.jsonl; its schema is in docs/records.md.")

        @Option(help: "kernel or user.") var isolation: Isolation = .kernel
        @Option(help: "unsafe, checked or resilient.") var interpreter: InterpreterKind = .unsafe
        @Option(help: "The update: a rules file (YAML) or a channel file.") var update: String?
        @Option(help: "A catalog fault to apply to the update first.") var fault: Fault?
        @Option(help: "Simulated time after boot the update arrives (200ms, 2s, 78m).") var at = SimulatedTime.milliseconds(200)
        @Option(help: "Simulated time the host runs after the update.") var duration = SimulatedTime.seconds(1)
        @Option(help: "Events per simulated second (default: the scenario format's, 20000).") var rate: Int?
        @Option(help: "The cloud's validator: off, on or buggy.") var validator: ValidatorMode = .buggy
        @Option(help: "After a crash: none, safe-mode, remote-fix or known-bad-list.") var recovery: RecoveryAction = .safeMode
        @Option(help: "Most boots.") var maxBoots = 4
        @Option(help: "open or closed: events while a user-mode agent is down.") var failMode: FailMode = .open
        @Option(help: "Seccomp profile for a user-mode agent: a file, or a shipped one by name.") var profile = "agent"
        @Option(help: "Folder with the content sources (default: the shipped ones).") var content = Defaults.content
        @Option(help: "Where the trial's disk and records go (default: the state folder).") var work = Defaults.work("host-run")
        @Option(help: "Seed.") var seed: UInt64 = 291

        func run() throws {
            var trial = July19Trial(contentDirectory: content, profile: absolute(try Defaults.profile(profile)))
            trial.isolation = isolation
            trial.interpreter = interpreter
            trial.updateSource = update
            trial.fault = fault
            trial.updateAt = at
            trial.duration = duration
            trial.eventRate = rate
            trial.validator = validator
            trial.boot.maxBoots = maxBoots
            trial.boot.recovery = recovery
            trial.failMode = failMode
            trial.seed = seed
            let result = try TrialRunner(settings: try trial.settings(name: "\(isolation)-\(interpreter)"), folder: absolute(work)).run()
            for line in TrialSummary(result).lines { say(line) }
        }
    }
}

func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

extension Isolation: ExpressibleByArgument {}
extension SimulatedTime: ExpressibleByArgument {
    /// `200ms`, `2s`, `78m`, or plain seconds.
    public init?(argument: String) {
        guard let time = SimulatedTime(text: argument) ?? Double(argument).map(SimulatedTime.init(seconds:)) else { return nil }
        self = time
    }
}
extension FailMode: ExpressibleByArgument {}
extension RecoveryAction: ExpressibleByArgument {}
