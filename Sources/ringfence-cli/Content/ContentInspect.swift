import ArgumentParser
import Foundation
import RingfenceContent

extension Ringfence.Content {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what a channel file contains.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Argument(help: "The channel file.") var file: String
        @Option(help: "text or json.") var format: Format = .text
        @OptionGroup var sensorOptions: SensorOptions

        func run() throws {
            try reportingErrors {
                let inspection = ChannelInspection(try readChannel(file), file: file, sensor: try sensorOptions.sensor())
                switch format {
                case .text:
                    say(inspection.text)
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    say(String(decoding: try encoder.encode(inspection), as: UTF8.self))
                }
            }
        }
    }
}
