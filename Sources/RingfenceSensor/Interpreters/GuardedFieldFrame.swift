import Glibc
import RingfenceContent

/// Two pages of memory: the event's field slots are copied to the *end* of the
/// first, and the second is PROT_NONE.
///
/// This makes the July 19 read deterministic. Reading slot 21 of a 20-slot
/// array lands on the first byte of the guard page and faults (SIGSEGV) every
/// single time, instead of silently reading whatever happens to follow the
/// array, which is what an out-of-bounds read on a heap usually does.
final class GuardedFieldFrame {
    let region: UnsafeMutableRawPointer
    let pageSize: Int

    init() {
        pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let mapping = mmap(nil, pageSize * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapping != MAP_FAILED else {
            fatalError("GuardedFieldFrame: mmap failed: errno \(errno)")
        }
        guard mprotect(mapping + pageSize, pageSize, PROT_NONE) == 0 else {
            fatalError("GuardedFieldFrame: mprotect failed: errno \(errno)")
        }
        region = mapping
    }

    deinit { munmap(region, pageSize * 2) }

    /// Copies the event's slots so that the last one ends at the guard page,
    /// and returns the start of the copy.
    @inline(__always)
    func place(_ event: EventView) -> UnsafePointer<FieldSlot> {
        let bytes = event.fieldCount * MemoryLayout<FieldSlot>.stride
        let start = region + pageSize - bytes
        start.copyMemory(from: event.slots, byteCount: bytes)
        return UnsafePointer(start.assumingMemoryBound(to: FieldSlot.self))
    }
}
