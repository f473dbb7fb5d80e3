import ArgumentParser
import Foundation
import RingfenceContent
import RingfenceSystem

extension Ringfence {
    struct Content: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile, inspect, validate, mutate and evaluate channel files.",
            subcommands: [Compile.self, Inspect.self, Validate.self, Mutate.self, Eval.self]
        )
    }
}

/// Reads a whole file, or fails with a message naming it.
func readFile(_ path: String) throws -> [UInt8] {
    do { return try FileBytes.read(path, limit: ChannelLimits.standard.maxFileSize) } catch {
        throw UserFacingError.invalidInput("\(path): cannot read the file: \(error.reason)")
    }
}

/// Parses a channel file, or fails with the file, field and offset.
func readChannel(_ path: String) throws -> ChannelFile {
    do {
        return try ChannelFile(parsing: try readFile(path))
    } catch let error as ChannelFileError {
        throw UserFacingError.invalidInput(error.inFile(path).description)
    }
}

/// `--supplies ipc=21,process=14`: a sensor build that supplies other field counts.
struct SensorOptions: ParsableArguments {
    @Option(name: .customLong("supplies"), help: "Fields the sensor supplies per template type, e.g. ipc=21 (default: the built-in sensor, ipc=20).")
    var supplies: String?

    func sensor() throws -> SensorTemplates {
        guard let supplies else { return .builtIn }
        var counts: [TemplateTypeID: Int] = [:]
        for entry in supplies.split(separator: ",") {
            let parts = entry.split(separator: "=")
            guard parts.count == 2, let type = SensorTemplates.builtIn.type(named: String(parts[0])),
                  let count = Int(parts[1]), (1...255).contains(count) else {
                throw UserFacingError.invalidInput("--supplies: '\(entry)' is not TYPE=COUNT with a known type and 1...255")
            }
            counts[type.id] = count
        }
        return SensorTemplates.builtIn.supplying(counts)
    }
}
