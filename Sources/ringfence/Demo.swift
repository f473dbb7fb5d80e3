import ArgumentParser
import Foundation
import RingfenceLab

extension Ringfence {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A narrated classroom run of the July 19 replay.",
            discussion: "content: the channel-file fault end to end, each interpreter in a process of its own.")

        enum Name: String, ExpressibleByArgument, CaseIterable { case content }

        @Argument(help: "Which demo: content.") var name: Name = .content
        @Option(help: "Folder with the July 19 content sources.") var content = "Scenarios/content"
        @Option(help: "Folder for the files the demo writes.") var work = ".build/demo"

        func run() throws {
            try reportingErrors {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                say("Channel File 291, July 19, 2024: the IPC template type declares 21 input fields; the sensor supplies 20.")
                let replay = ContentReplay(contentDirectory: content, workDirectory: work)
                let asExpected = try replay.run(print: say)
                say("")
                say(asExpected ? "Every step ended as the 2024 incident did." : "Some steps did not end as expected.")
                if !asExpected { throw ExitCode(1) }
            }
        }
    }
}
