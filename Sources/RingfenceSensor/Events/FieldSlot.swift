/// Where one input field of an event lives: an offset from the start of the
/// event and a length, both in bytes.
///
/// The sensor hands each interpreter an array of these, one per supplied field.
/// The July 19 fault was a read of slot 21 of a 20-slot array.
@frozen
public struct FieldSlot: Hashable, Sendable {
    public var offset: UInt32
    public var length: UInt32

    @inlinable
    public init(offset: UInt32, length: UInt32) {
        self.offset = offset
        self.length = length
    }
}
