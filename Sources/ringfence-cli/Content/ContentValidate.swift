import ArgumentParser
import RingfenceContent

extension Ringfence.Content {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the cloud-side Content Validator on a channel file.",
            discussion: "Exit status: 0 accepted, 1 rejected (a reason per instance), 2 unreadable input.")

        @Argument(help: "The channel file.") var file: String
        @Option(help: "Template definitions (YAML); the declared field counts are checked against them.")
        var templates: String?
        @Option(help: "on, buggy (the July 2024 logic error) or off.") var mode: ValidatorMode = .on
        @OptionGroup var sensorOptions: SensorOptions

        func run() throws {
            try reportingErrors {
                let definitions: TemplateDefinitions?
                do { definitions = try templates.map(TemplateDefinitions.load) } catch let error as YAMLSourceError {
                    throw UserFacingError.invalidInput(error.description)
                }
                let validator = ContentValidator(mode: mode, sensor: try sensorOptions.sensor(), definitions: definitions)
                let report = validator.validate(try readFile(file))
                if report.accepted {
                    say("\(file): accepted by the \(mode) validator (\(report.instancesChecked) instances checked)")
                    return
                }
                say("\(file): rejected by the \(mode) validator")
                for finding in report.findings { say("  \(finding)") }
                throw ExitCode(1)
            }
        }
    }
}

extension ValidatorMode: ExpressibleByArgument {}
