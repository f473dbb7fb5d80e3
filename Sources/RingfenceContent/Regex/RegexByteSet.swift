// MARK: - RegexByteSet

/// A set of bytes stored as a 256-bit bitmap.
///
/// Why a bitmap: the matcher tests a class on every step of its inner loop, so
/// membership must be a shift and a mask, never a search. Four words keep the
/// set a plain value (no heap), cheap to keep in the program's set table.
struct RegexByteSet: Sendable, Equatable {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    init() {}

    init(_ bytes: ClosedRange<UInt8>) {
        insert(bytes)
    }

    init(_ bytes: [UInt8]) {
        for byte in bytes { insert(byte) }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        // Selects rather than a switch: LLVM lowers a four-way switch to a
        // jump table, which costs more than the test itself.
        let low = byte < 64 ? w0 : w1
        let high = byte < 192 ? w2 : w3
        let word = byte < 128 ? low : high
        return (word &>> UInt64(byte & 63)) & 1 != 0
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) &<< UInt64(byte & 63)
        switch byte &>> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    mutating func insert(_ bytes: ClosedRange<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    mutating func formUnion(_ other: RegexByteSet) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }

    func union(_ other: RegexByteSet) -> RegexByteSet {
        var result = self
        result.formUnion(other)
        return result
    }

    var inverted: RegexByteSet {
        var result = RegexByteSet()
        result.w0 = ~w0
        result.w1 = ~w1
        result.w2 = ~w2
        result.w3 = ~w3
        return result
    }

    func intersects(_ other: RegexByteSet) -> Bool {
        (w0 & other.w0) | (w1 & other.w1) | (w2 & other.w2) | (w3 & other.w3) != 0
    }

    var count: Int {
        w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount
    }

    var isEmpty: Bool { count == 0 }

    /// The only member, when there is exactly one.
    var singleMember: UInt8? {
        guard count == 1 else { return nil }
        for byte in UInt8.min...UInt8.max where contains(byte) { return byte }
        return nil
    }

    /// The set closed under ASCII case folding.
    ///
    /// Why fold the set rather than the subject: folding once at compile time
    /// keeps case-insensitive matching exactly as fast as the sensitive kind.
    var caseFolded: RegexByteSet {
        var result = self
        for lower in UInt8(ascii: "a")...UInt8(ascii: "z") {
            let upper = lower - 32
            if contains(lower) || contains(upper) {
                result.insert(lower)
                result.insert(upper)
            }
        }
        return result
    }

    // MARK: - Predefined classes (ASCII semantics)

    /// `\d`
    static let digits = RegexByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))

    /// `\w`: letters, digits and underscore.
    static let word: RegexByteSet = {
        var set = RegexByteSet.digits
        set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        set.insert(UInt8(ascii: "_"))
        return set
    }()

    /// `\s`: space, tab, newline, vertical tab, form feed, carriage return.
    static let whitespace: RegexByteSet = {
        var set = RegexByteSet(0x09...0x0D)
        set.insert(UInt8(ascii: " "))
        return set
    }()

    /// `.`: every byte except `\n`.
    static let anyExceptNewline = RegexByteSet([0x0A]).inverted
}

// MARK: - RegexASCII

/// Byte-level ASCII predicates used by the parser.
///
/// Why not `Character`: the pattern is handled as its UTF-8 bytes, and the
/// engine promises ASCII semantics, so Unicode-aware properties would be wrong.
enum RegexASCII {
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Renders a pattern byte for an error message.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return String(Character(Unicode.Scalar(byte)))
        }
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}
