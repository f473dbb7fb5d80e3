import Crypto

/// The optional integrity trailer of a channel file.
///
/// It covers every byte before it (header and body). CRC-32C catches corruption
/// in storage or transit cheaply; SHA-256 also resists deliberate tampering.
/// Neither proves the *content* is correct: the July 19 file was intact.
public enum ChannelChecksum: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case crc32c = 1
    case sha256 = 2

    /// Bytes the trailer occupies at the end of the file.
    public var trailerLength: Int {
        switch self {
        case .none: 0
        case .crc32c: 4
        case .sha256: 32
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .crc32c: "crc32c"
        case .sha256: "sha256"
        }
    }

    public init?(name: String) {
        guard let kind = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = kind
    }

    /// The trailer for `bytes` (which must not include a trailer).
    public func trailer<Bytes: Collection<UInt8>>(for bytes: Bytes) -> [UInt8] where Bytes: ContiguousBytesContainer {
        switch self {
        case .none:
            return []
        case .crc32c:
            let value = bytes.withContiguousBytes { CRC32C.checksum($0) }
            return [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                    UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)]
        case .sha256:
            return bytes.withContiguousBytes { Array(SHA256.hash(data: $0)) }
        }
    }
}

/// Byte containers whose storage can be read as one contiguous buffer.
public protocol ContiguousBytesContainer {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytesContainer where Element == UInt8 {
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}

extension ArraySlice: ContiguousBytesContainer where Element == UInt8 {
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}
