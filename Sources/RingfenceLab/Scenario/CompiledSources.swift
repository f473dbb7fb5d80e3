import Foundation
import RingfenceContent
import RingfenceSystem

/// Channel files as a run of scenarios reads them: rules files (YAML)
/// compiled once for the run, for a library's scenarios share their baseline
/// sources and compiling YAML is the lab's biggest cost per trial; channel
/// files read as they are. One instance lives as long as one `run` or
/// `matrix`: a rules file edited between two runs is compiled again, its
/// `templates:` and `extends:` files with it.
public final class CompiledSources: @unchecked Sendable {
    private let lock = NSLock()
    private var compiled: [String: [UInt8]] = [:]

    public init() {}

    /// A channel file's bytes: compiled from a rules file, or read as is.
    public func channelBytes(_ path: String) throws -> [UInt8] {
        guard Self.isRulesFile(path) else {
            do { return try FileBytes.read(path, limit: ChannelLimits.standard.maxFileSize) } catch {
                throw ScenarioError(message: "\(path): cannot read the file: \(error.reason)")
            }
        }
        if let bytes = lock.withLock({ compiled[path] }) { return bytes }
        let bytes = try ChannelSource.compile(path).encoded()
        lock.withLock { compiled[path] = bytes }
        return bytes
    }

    /// Rules are written in YAML; anything else is a channel file.
    public static func isRulesFile(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }
}
