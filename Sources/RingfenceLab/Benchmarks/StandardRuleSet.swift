import RingfenceContent

/// The standard 50-instance rule set the benchmarks and scenarios share: the
/// four baseline channels under `Scenarios/content` (IPC 15, process 12, file
/// 12, network 11), compiled from source.
public enum StandardRuleSet {
    public static let sources = ["ipc-baseline.yaml", "process-baseline.yaml", "file-baseline.yaml", "network-baseline.yaml"]

    public static func channels(contentDirectory: String) throws -> [ChannelFile] {
        try sources.map { name in
            let draft = try ChannelSource.compile("\(contentDirectory)/\(name)")
            return try ChannelFile(parsing: draft.encoded())
        }
    }
}
