/// `--shard K/N`: a stable subset of a suite. A scenario belongs to shard
/// `hash(name) mod N + 1`, so its shard does not change when other scenarios
/// are added or removed, and the N shards partition the suite exactly.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses `K/N` with 1 <= K <= N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    public func contains(_ name: String) -> Bool { Int(Self.hash(name) % UInt64(count)) + 1 == index }

    /// FNV-1a: stable across runs and machines, unlike Swift's seeded Hasher.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    public var description: String { "\(index)/\(count)" }
}
