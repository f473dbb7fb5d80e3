/// Writes a ``ChannelDraft`` in the binary channel format (format version 1).
///
/// The layout is documented byte by byte in docs/channel-file-format.md.
public enum ChannelEncoder {
    public static func encode(_ draft: ChannelDraft) -> [UInt8] {
        var body: [UInt8] = []
        for instance in draft.instances { appendInstance(instance, to: &body) }

        var file: [UInt8] = []
        file.reserveCapacity(ChannelHeader.size + body.count + draft.checksum.trailerLength)
        file += ChannelHeader.magic
        file.appendLittleEndian(ChannelHeader.currentVersion)
        file.appendLittleEndian(draft.checksum.rawValue)
        file.appendLittleEndian(draft.channel)
        file.appendLittleEndian(draft.templateType.rawValue)
        file.appendLittleEndian(UInt16(clamping: draft.declaredFieldCount))
        file.appendLittleEndian(UInt32(clamping: draft.instances.count))
        file.appendLittleEndian(UInt32(clamping: body.count))
        file.appendLittleEndian(draft.contentVersion)
        file += body
        file += draft.checksum.trailer(for: file)
        return file
    }

    static func appendInstance(_ instance: InstanceDraft, to body: inout [UInt8]) {
        let start = body.count
        body.appendLittleEndian(UInt32(0))  // length, patched below
        body.appendLittleEndian(instance.id)
        body.append(instance.action.rawValue)
        body.append(0)
        body.appendLittleEndian(UInt16(clamping: instance.criteria.count))
        body.appendLittleEndian(UInt32(clamping: instance.nodes.count))
        for root in instance.criteria { body.appendLittleEndian(root) }
        for node in instance.nodes {
            body.append(node.kind.rawValue)
            body.append(node.flags)
            body.appendLittleEndian(UInt16(0))
            body.appendLittleEndian(node.next)
            if node.kind.hasPayload {
                body.appendLittleEndian(UInt32(clamping: node.payload.count))
                body += node.payload
            } else if node.kind == .wildcard {
                body.appendLittleEndian(UInt32(0))
            } else {
                body.appendLittleEndian(node.child)
            }
        }
        body.patchLittleEndian(UInt32(clamping: body.count - start), at: start)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func patchLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes in
            for (index, byte) in bytes.enumerated() { self[offset + index] = byte }
        }
    }

    func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
