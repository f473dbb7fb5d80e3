import RingfenceContent

/// A read-only view of one encoded telemetry event inside an ``EventBatch``.
///
/// Layout of an event (little-endian, each event 8-byte aligned):
///
///     0  length of the event in bytes, a multiple of 8 (u32)
///     4  template type id (u16)
///     6  flags: bit 0 = ground truth "malicious" (u8)
///     7  field count (u8)
///     8  sequence number (u64)
///    16  field slots: count x (offset from event start u32, length u32)
///     .. field bytes, zero-padded to 8
public struct EventView {
    public static let headerSize = 16
    /// Where the flags byte sits (bit 0: malicious).
    public static let maliciousOffset = 6

    public let base: UnsafeRawPointer
    public let length: Int
    public let type: TemplateTypeID
    public let malicious: Bool
    public let fieldCount: Int
    public let sequence: UInt64

    /// The field slots of this event, exactly `fieldCount` of them.
    @inlinable
    public var slots: UnsafePointer<FieldSlot> {
        (base + Self.headerSize).assumingMemoryBound(to: FieldSlot.self)
    }

    /// The bytes a slot names. The slot must come from this event.
    @inlinable
    public func bytes(_ slot: FieldSlot) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (base + Int(slot.offset)).assumingMemoryBound(to: UInt8.self), count: Int(slot.length))
    }

    /// Field `index` as text; bounds-checked, for tools and tests.
    public func text(_ index: Int) -> String? {
        guard index >= 0, index < fieldCount else { return nil }
        return String(decoding: bytes(slots[index]), as: UTF8.self)
    }
}
