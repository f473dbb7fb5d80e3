import ArgumentParser
import Foundation
import RingfenceLab
import RingfenceSystem

extension Ringfence {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A narrated classroom run of the July 19 replay.",
            discussion: """
                july19: the same update in a kernel-mode and a user-mode sensor, side by side.
                content: the channel-file fault end to end, each interpreter in a process of its own.
                """)

        enum Name: String, ExpressibleByArgument, CaseIterable { case july19, content }

        @Argument(help: "Which demo: july19 or content.") var name: Name = .july19
        @Option(help: "Folder with the July 19 content sources (default: the shipped ones).") var content = Defaults.content
        @Option(help: "Seccomp profile for the user-mode agent: a file, or a shipped one by name.") var profile = "agent"
        @Option(help: "Folder for the files the demo writes (default: the state folder).") var work = Defaults.work("demo")

        func run() throws {
            try reportingErrors {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                say("Channel File 291, July 19, 2024: the IPC template type declares 21 input fields; the sensor supplies 20.")
                if name == .july19 {
                    say("The cloud's buggy validator passes the update; the sensor's interpreter reads field 21 without a bounds check.")
                    let replay = July19Replay(contentDirectory: content, profile: absolute(try Defaults.profile(profile)), workDirectory: absolute(work),
                                              executable: ChildProcess.currentExecutable)
                    let (kernel, user) = try replay.run(print: say)
                    let asExpected = kernel.outcome == .bootLoop && user.outcome == .isolated && user.hostSurvived
                    say("")
                    say(asExpected ? "Kernel mode: the host boot-looped until safe mode. User mode: only the agent died; the host never went down."
                                   : "The replay did not end as expected.")
                    if !asExpected { throw ExitCode(1) }
                    return
                }
                let replay = ContentReplay(contentDirectory: content, workDirectory: work)
                let asExpected = try replay.run(print: say)
                say("")
                say(asExpected ? "Every step ended as the 2024 incident did." : "Some steps did not end as expected.")
                if !asExpected { throw ExitCode(1) }
            }
        }
    }
}
