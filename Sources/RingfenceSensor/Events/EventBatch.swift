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

    /// `count` events already encoded by ``append(type:malicious:sequence:fields:)``
    /// (a piece of another batch, cut at event boundaries).
    package init(encoded bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Appends one event. Fields are UTF-8 strings in the template's field order.
    public mutating func append<Fields: Collection<String>>(type: TemplateTypeID, malicious: Bool, sequence: UInt64, fields: Fields) {
        precondition(fields.count <= 255, "an event carries at most 255 fields")
        let start = bytes.count
        let slotsEnd = EventView.headerSize + fields.count * MemoryLayout<FieldSlot>.size
        let length = fields.reduce(slotsEnd) { $0 + $1.utf8.count }
        let padded = (length + 7) & ~7
        // Zeroed to its padded length at once, then written in place: one append per event, not one per field and slot
        // (from a zeroed buffer, which is a memcpy in debug builds too).
        var zeroed = 0
        while zeroed < padded {
            let chunk = min(padded - zeroed, Self.zeros.count)
            bytes.append(contentsOf: Self.zeros[..<chunk])
            zeroed += chunk
        }
        bytes.withUnsafeMutableBytes { raw in
            let event = raw.baseAddress! + start
            event.storeBytes(of: UInt32(padded).littleEndian, as: UInt32.self)
            event.storeBytes(of: type.rawValue.littleEndian, toByteOffset: 4, as: UInt16.self)
            event.storeBytes(of: malicious ? 1 : 0, toByteOffset: EventView.maliciousOffset, as: UInt8.self)
            event.storeBytes(of: UInt8(fields.count), toByteOffset: 7, as: UInt8.self)
            event.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
            var payload = slotsEnd
            for (index, field) in fields.enumerated() {
                var field = field
                let count = field.withUTF8 { utf8 in
                    if let source = utf8.baseAddress { (event + payload).copyMemory(from: source, byteCount: utf8.count) }
                    return utf8.count
                }
                let slot = EventView.headerSize + index * MemoryLayout<FieldSlot>.size
                event.storeBytes(of: UInt32(payload).littleEndian, toByteOffset: slot, as: UInt32.self)
                event.storeBytes(of: UInt32(count).littleEndian, toByteOffset: slot + 4, as: UInt32.self)
                payload += count
            }
        }
        count += 1
    }

    private static let zeros = [UInt8](repeating: 0, count: 1 << 14)

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
