/// The fixed 32-byte header at the start of every channel file.
///
/// Layout (little-endian; see docs/channel-file-format.md):
///
///     0  magic "RFCH"          16  instance count (u32)
///     4  format version (u16)  20  body length (u32)
///     6  flags (u16)           24  content version (u64)
///     8  channel number (u32)
///    12  template type id (u16)
///    14  declared field count (u16)
public struct ChannelHeader: Hashable, Sendable {
    public static let magic: [UInt8] = Array("RFCH".utf8)
    public static let size = 32
    public static let currentVersion: UInt16 = 1
    /// Flag bits 0-1 name the trailer; every other bit is reserved and must be 0.
    static let checksumMask: UInt16 = 0x0003

    public var formatVersion: UInt16
    public var checksum: ChannelChecksum
    /// The channel number, e.g. 291 for named-pipe (IPC) content.
    public var channel: UInt32
    public var templateType: TemplateTypeID
    /// How many criteria each instance carries: the template definitions' count,
    /// not necessarily what the sensor supplies.
    public var declaredFieldCount: UInt16
    public var instanceCount: UInt32
    public var bodyLength: UInt32
    /// Monotonic content version, so an agent can tell newer content from older.
    public var contentVersion: UInt64

    public init(formatVersion: UInt16 = ChannelHeader.currentVersion, checksum: ChannelChecksum, channel: UInt32,
                templateType: TemplateTypeID, declaredFieldCount: UInt16, instanceCount: UInt32,
                bodyLength: UInt32, contentVersion: UInt64) {
        self.formatVersion = formatVersion
        self.checksum = checksum
        self.channel = channel
        self.templateType = templateType
        self.declaredFieldCount = declaredFieldCount
        self.instanceCount = instanceCount
        self.bodyLength = bodyLength
        self.contentVersion = contentVersion
    }

    /// The file name the sensor uses on disk: `C-00000291-00000001-00000002.chan`
    /// (channel, template type, content version, zero-padded decimal), after the
    /// real `C-00000291*.sys`.
    public var fileName: String {
        "C-\(Self.padded(UInt64(channel)))-\(Self.padded(UInt64(templateType.rawValue)))-\(Self.padded(contentVersion)).chan"
    }

    public static func padded(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
