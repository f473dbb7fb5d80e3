/// The messages between the host's supervisor and a user-mode agent.
///
/// Every frame is a 16-byte header (magic, type, payload length, batch or
/// channel number) and a payload. Events do not travel in frames: they sit in
/// a slot of the shared event ring, and the EVENTS frame only says which slot
/// (see ``EventRing``). Both directions are pipes; the host treats everything
/// that comes back as untrusted, bounded input.
public struct AgentFrame: Hashable, Sendable {
    public enum Kind: UInt32, Sendable {
        // Host to agent.
        case configure = 1      // payload: AgentSettingsWire
        case content = 2        // payload: a channel file
        case events = 3         // value: batch number; payload: slot (u32), event count (u32)
        case shutdown = 4
        // Agent to host.
        case verdicts = 101     // value: batch number; payload: slot (u32), events evaluated (u32)
        case heartbeat = 102
        case loaded = 103       // value: channel; payload: instances loaded (u32), disabled (u32)
        case loadFailed = 104   // value: channel; payload: reason (UTF-8)
    }

    public static let magic: UInt32 = 0x5246_4147  // "RFAG"
    public static let headerSize = 16
    /// Frames from an agent are small; anything larger is a protocol error.
    public static let maxAgentPayload = 4096
    /// Frames to an agent carry at most one channel file.
    public static let maxHostPayload = 64 << 20

    public var kind: Kind
    public var value: UInt32
    public var payload: [UInt8]

    public init(_ kind: Kind, value: UInt32 = 0, payload: [UInt8] = []) {
        self.kind = kind
        self.value = value
        self.payload = payload
    }

    /// Header and payload, ready to write.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + payload.count)
        for word in [Self.magic, kind.rawValue, UInt32(payload.count), value] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes + payload
    }

    /// A little-endian UInt32 at `index` (words of the payload), or 0.
    public func word(_ index: Int) -> UInt32 {
        let offset = index * 4
        guard offset + 4 <= payload.count else { return 0 }
        return payload.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    public static func words(_ values: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }
}

/// Why a stream of frames was refused.
public enum AgentProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    case badMagic(UInt32)
    case unknownKind(UInt32)
    case oversized(Int, limit: Int)

    public var description: String {
        switch self {
        case .badMagic(let value): "garbage on the channel (magic 0x\(String(value, radix: 16)))"
        case .unknownKind(let kind): "unknown frame type \(kind)"
        case .oversized(let length, let limit): "oversized frame: \(length) bytes, the limit is \(limit)"
        }
    }
}

/// Splits a byte stream into frames, holding at most one frame's worth of
/// bytes: a peer cannot make it buffer without bound.
public struct FrameDecoder: Sendable {
    public let maxPayload: Int
    private var buffer: [UInt8] = []

    public init(maxPayload: Int) { self.maxPayload = maxPayload }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// The next complete frame, nil if more bytes are needed, or an error.
    public mutating func next() throws(AgentProtocolError) -> AgentFrame? {
        guard buffer.count >= AgentFrame.headerSize else { return nil }
        let header = buffer.withUnsafeBytes { raw in
            (0..<4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        guard header[0] == AgentFrame.magic else { throw .badMagic(header[0]) }
        guard let kind = AgentFrame.Kind(rawValue: header[1]) else { throw .unknownKind(header[1]) }
        let length = Int(header[2])
        guard length <= maxPayload else { throw .oversized(length, limit: maxPayload) }
        guard buffer.count >= AgentFrame.headerSize + length else { return nil }
        let payload = Array(buffer[AgentFrame.headerSize..<(AgentFrame.headerSize + length)])
        buffer.removeFirst(AgentFrame.headerSize + length)
        return AgentFrame(kind, value: header[3], payload: payload)
    }
}
