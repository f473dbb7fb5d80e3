// MARK: - RegexEscape

/// What one backslash escape stands for.
///
/// Why a separate result instead of throwing at once: the same escape table
/// serves both outside and inside `[...]`, and the caller knows the offset of
/// the backslash to report.
enum RegexEscape {
    case byte(UInt8)
    case set(RegexByteSet)
    case unsupported(String)
}

// MARK: - Escapes

extension RegexParser {
    /// Parses `\X` at the current position (which must be the backslash).
    mutating func parseEscape() throws(RegexError) -> RegexEscape {
        let start = position
        guard let escaped = byte(at: start + 1) else {
            throw RegexError(offset: start, reason: "trailing backslash")
        }
        advance(by: 2)
        switch escaped {
        case UInt8(ascii: "d"): return .set(.digits)
        case UInt8(ascii: "D"): return .set(RegexByteSet.digits.inverted)
        case UInt8(ascii: "w"): return .set(.word)
        case UInt8(ascii: "W"): return .set(RegexByteSet.word.inverted)
        case UInt8(ascii: "s"): return .set(.whitespace)
        case UInt8(ascii: "S"): return .set(RegexByteSet.whitespace.inverted)
        case UInt8(ascii: "t"): return .byte(0x09)
        case UInt8(ascii: "n"): return .byte(0x0A)
        case UInt8(ascii: "v"): return .byte(0x0B)
        case UInt8(ascii: "f"): return .byte(0x0C)
        case UInt8(ascii: "r"): return .byte(0x0D)
        case UInt8(ascii: "0"): return .byte(0x00)
        case UInt8(ascii: "x"):
            guard let high = byte(at: start + 2).flatMap(RegexASCII.hexValue),
                  let low = byte(at: start + 3).flatMap(RegexASCII.hexValue) else {
                return .unsupported("\\x must be followed by exactly two hex digits")
            }
            advance(by: 2)
            return .byte(high << 4 | low)
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "k"):
            return .unsupported("backreferences are not supported")
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            return .unsupported("word boundaries (\\\(RegexASCII.describe(escaped))) are not supported")
        case UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"), UInt8(ascii: "G"):
            return .unsupported("anchor \\\(RegexASCII.describe(escaped)) is not supported; use ^ and $")
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            return .unsupported("Unicode properties are not supported (matching is byte-oriented)")
        default:
            if RegexASCII.isAlphanumeric(escaped) {
                return .unsupported("unknown escape '\\\(RegexASCII.describe(escaped))'")
            }
            // Escaped punctuation, space or a non-ASCII byte: itself.
            return .byte(escaped)
        }
    }

    // MARK: - Character classes

    /// Parses `[...]` at the current position into a set-table entry.
    ///
    /// A `]` right after `[` or `[^` is literal, as is a `-` at either end or
    /// next to a class escape such as `\d` (PCRE's reading of `[\w-.]`, which
    /// real-world rules use). Case folding happens before negation, so
    /// `(?i)[^a]` excludes both `a` and `A`.
    mutating func parseClass() throws(RegexError) -> RegexNode {
        let open = position
        advance(by: 1)
        var set = RegexByteSet()
        var negated = false
        if peek == UInt8(ascii: "^") {
            negated = true
            advance(by: 1)
        }
        var isFirst = true
        while true {
            guard let current = peek else {
                throw RegexError(offset: open, reason: "missing ']' for the class opened here")
            }
            if current == UInt8(ascii: "]") && !isFirst {
                advance(by: 1)
                break
            }
            isFirst = false
            let itemStart = position
            let low = try parseClassItem()
            guard case .byte(let lowByte) = low,
                  peek == UInt8(ascii: "-"),
                  let afterDash = byte(at: position + 1), afterDash != UInt8(ascii: "]") else {
                add(low, to: &set)
                continue
            }
            advance(by: 1)
            let high = try parseClassItem()
            switch high {
            case .byte(let highByte):
                guard highByte >= lowByte else {
                    throw RegexError(
                        offset: itemStart,
                        reason: "invalid class range \(RegexASCII.describe(lowByte))-\(RegexASCII.describe(highByte))")
                }
                set.insert(lowByte...highByte)
            default:
                set.insert(lowByte)
                set.insert(UInt8(ascii: "-"))
                add(high, to: &set)
            }
        }
        if caseInsensitive { set = set.caseFolded }
        if negated { set = set.inverted }
        return addSet(set)
    }

    private mutating func parseClassItem() throws(RegexError) -> RegexEscape {
        let start = position
        guard let current = peek else {
            throw RegexError(offset: start, reason: "unterminated class")
        }
        guard current == UInt8(ascii: "\\") else {
            advance(by: 1)
            return .byte(current)
        }
        let escape = try parseEscape()
        if case .unsupported(let reason) = escape {
            throw RegexError(offset: start, reason: reason)
        }
        return escape
    }

    private func add(_ item: RegexEscape, to set: inout RegexByteSet) {
        switch item {
        case .byte(let value): set.insert(value)
        case .set(let other): set.formUnion(other)
        case .unsupported: break
        }
    }
}
