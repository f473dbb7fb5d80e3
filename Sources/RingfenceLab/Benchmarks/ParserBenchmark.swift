import RingfenceContent
import RingfenceSystem

/// Parse throughput of the hardened channel-file parser on a file of about
/// 1 MiB, for each trailer kind (the trailer is verified as part of parsing).
public struct ParserBenchmark {
    public struct Result: Sendable {
        public let checksum: ChannelChecksum
        public let bytes: Int
        public let instances: Int
        public let megabytesPerSecond: Samples
    }

    public let base: ChannelDraft
    public let targetSize: Int
    public let rounds: Int

    public init(base: ChannelDraft, targetSize: Int = 1 << 20, rounds: Int = 31) {
        self.base = base
        self.targetSize = targetSize
        self.rounds = rounds
    }

    /// `base`'s instances repeated (with fresh ids) until the file reaches `targetSize`.
    public func largeFile(checksum: ChannelChecksum) -> [UInt8] {
        var draft = base
        draft.checksum = checksum
        draft.instances = []
        let perInstance = max(1, base.encoded().count / max(1, base.instances.count))
        var id: UInt32 = 1
        while draft.instances.count * perInstance < targetSize {
            for var instance in base.instances {
                instance.id = id
                id += 1
                draft.instances.append(instance)
            }
        }
        return draft.encoded()
    }

    public func run() throws -> [Result] {
        try ChannelChecksum.allCases.map { checksum in
            let bytes = largeFile(checksum: checksum)
            var samples = Samples()
            var instances = 0
            for round in 0...rounds {
                let start = monotonicSeconds()
                let file = try ChannelFile(parsing: bytes)
                let elapsed = monotonicSeconds() - start
                instances = file.instances.count
                if round > 0 { samples.add(Double(bytes.count) / elapsed / 1e6) }
            }
            return Result(checksum: checksum, bytes: bytes.count, instances: instances, megabytesPerSecond: samples)
        }
    }
}
