import CSandbox
import Glibc
import RingfenceSystem

/// Messages between the supervisor and its fork server, over a SOCK_SEQPACKET
/// socket (one message per send, descriptors as SCM_RIGHTS). Both ends are the
/// same binary, so the C configuration travels as raw bytes; the fork server
/// replaces the descriptor numbers and the filter pointer with its own.
enum ForkServerWire {
    static let replyMagic: UInt32 = 0x5246_5250   // "RFRP"
    static let exitMagic: UInt32 = 0x5246_4558    // "RFEX"
    static let maxMessage = Int(RF_REQUEST_CAPACITY)

    struct Reply {
        var magic: UInt32 = replyMagic
        var pid: Int32 = 0  // or -errno
        var requestID: UInt64 = 0
    }

    struct Exit {
        var magic: UInt32 = exitMagic
        var pid: Int32 = 0
        var status: Int32 = 0
        var reserved: Int32 = 0
        var userMicroseconds: Int64 = 0
        var systemMicroseconds: Int64 = 0
        var peakResidentKilobytes: Int64 = 0
    }

    /// A launch request header (the C struct, shared with the warm spares).
    static func header(requestID: UInt64, entry: String, arguments: [Int64], cloneFlags: UInt64, hasSync: Bool,
                       filterLength: Int, descriptorCount: Int) -> rf_launch_header {
        var header = rf_launch_header()
        header.magic = RF_LAUNCH_MAGIC
        header.has_sync = hasSync ? 1 : 0
        header.request_id = requestID
        header.clone_flags = cloneFlags
        header.arguments = (arguments.first ?? 0, arguments.dropFirst().first ?? 0)
        withUnsafeMutableBytes(of: &header.entry) { raw in
            for (index, byte) in entry.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        header.filter_length = UInt32(filterLength)
        header.descriptor_count = UInt32(descriptorCount)
        return header
    }

    static func entryName(_ header: rf_launch_header) -> String {
        withUnsafeBytes(of: header.entry) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Appends the raw bytes of a value.
    static func append<T>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Reads a value at `offset`, or nil if the message is too short.
    static func load<T>(_ type: T.Type, from bytes: ArraySlice<UInt8>, at offset: Int) -> T? {
        guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    /// Receives one message and its descriptors into `buffer` (reused between
    /// calls, so receiving allocates nothing). nil at end of stream.
    static func receive(_ socket: Int32, into buffer: inout [UInt8]) -> (bytes: ArraySlice<UInt8>, fds: [Int32])? {
        if buffer.count < maxMessage { buffer = [UInt8](repeating: 0, count: maxMessage) }
        var fds = [Int32](repeating: -1, count: Int(RF_MAX_FDS))
        var count = Int32(RF_MAX_FDS)
        let received = buffer.withUnsafeMutableBytes { rf_receive_with_fds(socket, $0.baseAddress, $0.count, &fds, &count) }
        guard received > 0 else { return nil }
        return (buffer[0..<received], Array(fds[0..<Int(count)]))
    }
}
