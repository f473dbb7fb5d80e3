import RingfenceSandbox
import RingfenceSensor

/// The shared event ring between the host and one user-mode agent: a memfd
/// split into slots. The host copies a batch of encoded events into a free
/// slot and sends a small EVENTS frame; the agent evaluates the events in
/// place and writes one verdict byte per event into the slot's verdict area.
/// Batching like this is what lets the IPC path run at millions of events a
/// second (DESIGN.md section 7).
public struct EventRingLayout: Hashable, Sendable {
    public var slots: Int
    public var eventBytes: Int
    public var maxEvents: Int

    public init(slots: Int = 8, eventBytes: Int = 1 << 20, maxEvents: Int = 8192) {
        self.slots = slots
        self.eventBytes = eventBytes
        self.maxEvents = maxEvents
    }

    public var slotSize: Int { eventBytes + maxEvents }
    public var totalSize: Int { slots * slotSize }

    public func eventArea(_ slot: Int) -> Int { slot * slotSize }
    public func verdictArea(_ slot: Int) -> Int { slot * slotSize + eventBytes }

    public static let standard = EventRingLayout()
}

/// Verdict bytes in the ring: what the agent decided for each event.
public enum VerdictByte {
    public static let allow: UInt8 = 0
    public static let alert: UInt8 = 1
    public static let block: UInt8 = 2
}

extension Verdict {
    /// This verdict as the byte an agent writes back for the event.
    public var byte: UInt8 { blocks ? VerdictByte.block : detected ? VerdictByte.alert : VerdictByte.allow }
}
