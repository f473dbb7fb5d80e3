import ArgumentParser
import RingfenceContent
import RingfenceSystem

extension Ringfence.Content {
    struct Mutate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a catalog fault to a channel file (see `ringfence faults`).")

        @Argument(help: "A valid channel file.") var file: String
        @Option(help: "The fault to inject.") var fault: Fault
        @Option(name: .shortAndLong, help: "Where to write the faulty file.") var output: String
        @Option(help: "Seed for seeded faults (truncated, bit-flip, bad-length).") var seed: UInt64 = 291
        @Option(help: "Field (1-based) for field-count-mismatch and wildcard-masked.") var field: Int = 21
        @Option(help: "Nesting depth for deep-nesting.") var depth: Int = 200_000
        @Option(help: "Bits to flip for bit-flip.") var bits: Int = 1

        func run() throws {
            try reportingErrors {
                var options = FaultOptions()
                options.field = field
                options.depth = depth
                options.bits = bits
                let bytes: [UInt8]
                do {
                    bytes = try FaultInjector().apply(fault, to: try readFile(file), options: options, seed: seed)
                } catch let failure as FaultInjector.Failure {
                    throw UserFacingError.invalidInput("\(file): \(failure)")
                }
                do { try AtomicFile.write(bytes, to: output) } catch { throw UserFacingError.invalidInput("\(error)") }
                say("\(output): \(fault) applied (seed \(seed)), \(bytes.count) bytes, sha256 \(ContentDigest.sha256Hex(bytes))")
            }
        }
    }
}

extension Fault: ExpressibleByArgument {}
