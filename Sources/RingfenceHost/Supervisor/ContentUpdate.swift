import RingfenceContent

/// One channel's content as the supervisor tracks it: the bytes, their
/// SHA-256 (the quarantine key), and which delivery brought them.
public struct ContentUpdate: Hashable, Sendable {
    public let channel: UInt32
    public let bytes: [UInt8]
    public let digest: String
    /// 1-based delivery number, or nil for content the host booted with.
    public let update: Int?

    public init(channel: UInt32, bytes: [UInt8], update: Int?) {
        self.channel = channel
        self.bytes = bytes
        self.digest = ContentDigest.sha256Hex(bytes)
        self.update = update
    }
}
