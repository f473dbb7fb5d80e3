/// Why the safe parser refused a channel file, and where.
///
/// Every error carries the byte offset of the offending field and a dotted name
/// for it (`instance[3].node[7].payloadLength`), so that a person holding a hex
/// dump can find the problem without reading parser code.
public struct ChannelFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case truncated(needed: Int, available: Int)
        case badMagic([UInt8])
        case unsupportedVersion(UInt16)
        case reservedBitsSet(UInt16)
        case lengthMismatch(declared: Int, actual: Int)
        case checksumMismatch(ChannelChecksum)
        case countExceedsData(count: Int, needed: Int, available: Int)
        case limitExceeded(value: Int, limit: Int)
        case unknownAction(UInt8)
        case unknownNodeKind(UInt8)
        case indexOutOfRange(index: UInt32, count: Int)
        case criterionCountMismatch(declared: Int, found: Int)
        case trailingBytes(Int)
    }

    public let offset: Int
    public let field: String
    public let reason: Reason
    /// The file the bytes came from, when known; filled in by the caller.
    public var file: String?

    public init(offset: Int, field: String, reason: Reason, file: String? = nil) {
        self.offset = offset
        self.field = field
        self.reason = reason
        self.file = file
    }

    public func inFile(_ path: String) -> ChannelFileError {
        var copy = self
        copy.file = path
        return copy
    }

    public var description: String {
        let place = file.map { "\($0): " } ?? ""
        return "\(place)offset \(offset) (\(field)): \(reasonText)"
    }

    public var reasonText: String {
        switch reason {
        case .truncated(let needed, let available):
            "file ends early: \(needed) bytes needed, \(available) available"
        case .badMagic(let bytes):
            "bad magic \(bytes.map { String($0, radix: 16) }.joined(separator: " ")), expected 52 46 43 48 (\"RFCH\")"
        case .unsupportedVersion(let version):
            "unsupported format version \(version), this build reads \(ChannelHeader.currentVersion)"
        case .reservedBitsSet(let bits):
            "reserved flag bits set: 0x\(String(bits, radix: 16))"
        case .lengthMismatch(let declared, let actual):
            "declared length \(declared) does not match the \(actual) bytes present"
        case .checksumMismatch(let kind):
            "\(kind) trailer does not match the content"
        case .countExceedsData(let count, let needed, let available):
            "count \(count) needs \(needed) bytes but only \(available) remain"
        case .limitExceeded(let value, let limit):
            "value \(value) exceeds the limit \(limit)"
        case .unknownAction(let raw):
            "unknown action \(raw)"
        case .unknownNodeKind(let raw):
            "unknown criterion node kind \(raw)"
        case .indexOutOfRange(let index, let count):
            "node index \(index) is out of range (instance has \(count) nodes)"
        case .criterionCountMismatch(let declared, let found):
            "instance has \(found) criteria, header declares \(declared) fields"
        case .trailingBytes(let count):
            "\(count) unexpected bytes after the last field"
        }
    }
}
