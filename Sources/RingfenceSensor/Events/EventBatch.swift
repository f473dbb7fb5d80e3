import RingfenceContent

/// A batch of encoded telemetry events in one contiguous buffer.
///
/// The same encoding serves in-process evaluation and the IPC path to a
/// user-mode agent, so an interpreter sees identical bytes either way.
public struct EventBatch: Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    public init(reservingCapacity capacity: Int) { bytes.reserveCapacity(capacity) }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Appends one event. Fields are UTF-8 strings in the template's field order.
    public mutating func append<Fields: Collection<String>>(type: TemplateTypeID, malicious: Bool, sequence: UInt64, fields: Fields) {
        precondition(fields.count <= 255, "an event carries at most 255 fields")
        let start = bytes.count
        let slotsEnd = EventView.headerSize + fields.count * MemoryLayout<FieldSlot>.size
        var payload = slotsEnd
        bytes.reserveCapacity(bytes.count + slotsEnd + fields.reduce(0) { $0 + $1.utf8.count } + 8)
        bytes.appendLittleEndianValue(UInt32(0))
        bytes.appendLittleEndianValue(type.rawValue)
        bytes.append(malicious ? 1 : 0)
        bytes.append(UInt8(fields.count))
        bytes.appendLittleEndianValue(sequence)
        for field in fields {
            let length = field.utf8.count
            bytes.appendLittleEndianValue(UInt32(payload))
            bytes.appendLittleEndianValue(UInt32(length))
            payload += length
        }
        for field in fields { bytes.append(contentsOf: field.utf8) }
        while (bytes.count - start) % 8 != 0 { bytes.append(0) }
        let length = UInt32(bytes.count - start)
        withUnsafeBytes(of: length.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[start + index] = byte }
        }
        count += 1
    }

    /// Calls `body` for each event, in order. A batch built by ``append`` is
    /// always well-formed; for bytes from elsewhere use ``EventReader``, which
    /// reports a malformed event instead of stopping quietly as this does.
    public func forEach(_ body: (EventView) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { raw in
            var reader = EventReader(raw)
            while let event = try? reader.next() { try body(event) }
        }
    }
}

/// Walks encoded events in a buffer, checking every length against the buffer
/// so that a malformed batch ends the walk with an error instead of a wild read.
public struct EventReader {
    public enum Failure: Error, Equatable { case malformed(offset: Int) }

    let buffer: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    /// The next event, nil at the end, or an error for a malformed one.
    public mutating func next() throws(Failure) -> EventView? {
        guard let base = buffer.baseAddress, offset < buffer.count else { return nil }
        let remaining = buffer.count - offset
        guard remaining >= EventView.headerSize, offset % 8 == 0 else { throw .malformed(offset: offset) }
        let eventBase = base + offset
        let length = Int(UInt32(littleEndian: eventBase.loadUnaligned(as: UInt32.self)))
        let fieldCount = Int(eventBase.load(fromByteOffset: 7, as: UInt8.self))
        let slotsEnd = EventView.headerSize + fieldCount * MemoryLayout<FieldSlot>.size
        guard length % 8 == 0, length >= slotsEnd, length <= remaining else { throw .malformed(offset: offset) }
        let slots = (eventBase + EventView.headerSize).assumingMemoryBound(to: FieldSlot.self)
        for index in 0..<fieldCount {
            let slot = slots[index]
            guard Int(slot.offset) >= slotsEnd, Int(slot.offset) + Int(slot.length) <= length else { throw .malformed(offset: offset) }
        }
        let event = EventView(
            base: eventBase, length: length,
            type: TemplateTypeID(rawValue: UInt16(littleEndian: eventBase.loadUnaligned(fromByteOffset: 4, as: UInt16.self))),
            malicious: eventBase.load(fromByteOffset: 6, as: UInt8.self) & 1 != 0,
            fieldCount: fieldCount,
            sequence: UInt64(littleEndian: eventBase.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        offset += length
        return event
    }
}

extension [UInt8] {
    mutating func appendLittleEndianValue<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
