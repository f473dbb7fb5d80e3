/// Splits a byte stream into lines, holding at most 1 MiB of an unfinished
/// one: a peer cannot make it buffer without bound.
public struct LineDecoder: Sendable {
    public static let maxLine = 1 << 20
    private var buffer: [UInt8] = []

    public init() {}

    /// The complete lines in what has arrived so far, without their newlines.
    public mutating func append(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        buffer += bytes
        var lines: [[UInt8]] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: 0x0A) {
            lines.append(Array(buffer[start..<newline]))
            start = newline + 1
        }
        buffer.removeFirst(start)
        if buffer.count > Self.maxLine { buffer.removeAll() }  // no line is that long: drop garbage
        return lines
    }

    /// Whatever is left that did not end in a newline.
    public var remainder: [UInt8] { buffer }
}
