import ArgumentParser
import RingfenceContent
import RingfenceSystem

extension Ringfence.Content {
    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compile a channel's YAML source into a binary channel file.")

        @Argument(help: "The rules file (YAML).") var source: String
        @Option(name: .shortAndLong, help: "The channel file to write.") var output: String

        func run() throws {
            try reportingErrors {
                let draft: ChannelDraft
                do { draft = try ChannelSource.compile(source) } catch { throw UserFacingError.invalidInput("\(error)") }
                let bytes = draft.encoded()
                do { try AtomicFile.write(bytes, to: output) } catch { throw UserFacingError.invalidInput("\(error)") }
                say("\(output): channel \(draft.channel), \(draft.instances.count) instances, "
                    + "\(draft.declaredFieldCount) declared fields, \(bytes.count) bytes, \(draft.checksum) trailer, "
                    + "sha256 \(ContentDigest.sha256Hex(bytes))")
            }
        }
    }
}
