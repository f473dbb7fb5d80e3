import Glibc
import RingfenceContent

/// What a matching instance's action does besides the verdict, and the state
/// it can damage.
///
/// - `collect-file` opens the file the matched field names (and closes it):
///   a legitimate thing for a sensor to do, and a direct `openat`, which the
///   user-mode sandbox forbids.
/// - `capture-field` copies the matched field into a 64-byte scratch buffer.
///   The buffer sits at the start of a larger block whose rest is a canary,
///   standing for the kernel state next to it: a copy that does not check the
///   length corrupts the canary (deterministically, and within the block), and
///   the kernel's integrity check finds it.
public final class RuleEffects {
    public static let captureSize = 64
    static let canarySize = 4096
    static let canaryByte: UInt8 = 0xA5

    let block: UnsafeMutablePointer<UInt8>
    /// A copy has run past the buffer. The kernel learns of it only from its
    /// integrity check (``intact``); this flag is what lets the trace stop at
    /// the instance that did it, at the cost of one load per instance.
    public private(set) var overrun = false

    public init() {
        block = .allocate(capacity: Self.captureSize + Self.canarySize)
        block.initialize(repeating: 0, count: Self.captureSize)
        (block + Self.captureSize).initialize(repeating: Self.canaryByte, count: Self.canarySize)
    }

    deinit { block.deallocate() }

    /// The kernel's integrity check: is the state next to the buffer intact?
    /// (One memcmp: it runs after every batch, in debug builds too.)
    public var intact: Bool {
        Self.canary.withUnsafeBufferPointer { memcmp(block + Self.captureSize, $0.baseAddress!, Self.canarySize) == 0 }
    }

    private static let canary = [UInt8](repeating: canaryByte, count: canarySize)

    /// collect-file: open and close the named file (read-only; nothing is created).
    func collectFile(named value: UnsafeBufferPointer<UInt8>) {
        var path = Array(value.prefix(4095))
        path.append(0)
        let fd = path.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC) }
        if fd >= 0 { close(fd) }
    }

    /// capture-field the 2024 way: the whole value, whatever its length.
    func captureUnchecked(_ value: UnsafeBufferPointer<UInt8>) {
        guard let source = value.baseAddress else { return }
        if value.count > Self.captureSize { overrun = true }
        block.update(from: source, count: min(value.count, Self.captureSize + Self.canarySize))
    }

    /// capture-field memory-safely: a bounds-checked copy, which traps on a long value.
    func captureChecked(_ value: UnsafeBufferPointer<UInt8>, into buffer: inout [UInt8]) {
        for (index, byte) in value.enumerated() { buffer[index] = byte }
    }

    /// Performs `action` on `value` for the unsafe and checked interpreters.
    func perform(_ action: RuleAction, _ value: UnsafeBufferPointer<UInt8>, checked: Bool, buffer: inout [UInt8]) {
        switch action {
        case .collectFile: collectFile(named: value)
        case .captureField: checked ? captureChecked(value, into: &buffer) : captureUnchecked(value)
        case .alert, .block: break
        }
    }
}
