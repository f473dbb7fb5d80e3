// MARK: - RegexParser

/// Recursive-descent parser from pattern bytes to a `RegexNode` tree.
///
/// Why byte-oriented: rules match raw UTF-8 telemetry, so the pattern is read
/// as UTF-8 bytes too; a non-ASCII character becomes a run of literal bytes
/// and matches the same bytes in the subject. Every error names the byte
/// offset it was found at, because the content validator reports it to a
/// rule author who has to find the spot.
struct RegexParser {
    /// Deepest group nesting accepted.
    ///
    /// Why a fixed limit: parsing, analysis and compilation recurse over the
    /// tree, and a hostile `((((...` must fail with an error, not overflow
    /// the native stack of whatever thread validates content.
    static let maxGroupDepth = 128

    private let bytes: [UInt8]
    private let limits: RegexLimits
    private var index = 0
    private var depth = 0

    /// True when requested by the caller or by a leading `(?i)`.
    private(set) var caseInsensitive: Bool
    /// Class table: `RegexNode.set(i)` refers to `sets[i]`.
    private(set) var sets: [RegexByteSet] = []
    /// Number of unbounded quantifiers, each owning one empty-loop register.
    private(set) var loopSlotCount = 0

    init(pattern: String, caseInsensitive: Bool, limits: RegexLimits) {
        self.bytes = Array(pattern.utf8)
        self.caseInsensitive = caseInsensitive
        self.limits = limits
    }

    mutating func parse() throws(RegexError) -> RegexNode {
        if bytes.starts(with: "(?i)".utf8) {
            caseInsensitive = true
            index = 4
        }
        let root = try parseAlternation()
        if index < bytes.count {
            // parseAlternation stops only at the end or at a ')' it does not own.
            throw RegexError(offset: index, reason: "unbalanced ')'")
        }
        return root
    }

    // MARK: - Alternation and concatenation

    private mutating func parseAlternation() throws(RegexError) -> RegexNode {
        let start = index
        var branches = [try parseConcatenation()]
        while peek == UInt8(ascii: "|") {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches, offset: start)
    }

    private mutating func parseConcatenation() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let byte = peek, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            let atomStart = index
            let atom = try parseAtom()
            items.append(try parseQuantifier(on: atom, at: atomStart))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    // MARK: - Atoms

    private mutating func parseAtom() throws(RegexError) -> RegexNode {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw RegexError(offset: index, reason: "quantifier '\(RegexASCII.describe(byte))' has nothing to repeat")
        case UInt8(ascii: "{") where isCountedRepetition(at: index):
            throw RegexError(offset: index, reason: "counted repetition has nothing to repeat")
        case UInt8(ascii: "("):
            return try parseGroup()
        case UInt8(ascii: "["):
            return try parseClass()
        case UInt8(ascii: "."):
            index += 1
            return .anyExceptNewline
        case UInt8(ascii: "^"):
            index += 1
            return .assertStart
        case UInt8(ascii: "$"):
            index += 1
            return .assertEnd
        case UInt8(ascii: "\\"):
            let start = index
            switch try parseEscape() {
            case .byte(let value): return literal(value)
            case .set(let set): return addSet(set)
            case .unsupported(let reason): throw RegexError(offset: start, reason: reason)
            }
        default:
            index += 1
            return literal(byte)
        }
    }

    private mutating func parseGroup() throws(RegexError) -> RegexNode {
        let open = index
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxGroupDepth {
            throw RegexError(offset: open, reason: "groups nested more than \(Self.maxGroupDepth) deep")
        }
        index += 1
        if peek == UInt8(ascii: "?") {
            let kind = byte(at: index + 1) ?? 0
            switch kind {
            case UInt8(ascii: ":"):
                index += 2
            case UInt8(ascii: "="), UInt8(ascii: "!"):
                throw RegexError(offset: open, reason: "lookahead is not supported")
            case UInt8(ascii: "<") where byte(at: index + 2) == UInt8(ascii: "=") || byte(at: index + 2) == UInt8(ascii: "!"):
                throw RegexError(offset: open, reason: "lookbehind is not supported")
            case UInt8(ascii: "<"), UInt8(ascii: "P"), UInt8(ascii: "'"):
                throw RegexError(offset: open, reason: "named groups are not supported; use (?: )")
            case UInt8(ascii: "i"):
                throw RegexError(offset: open, reason: "inline (?i) is only supported at the very start of the pattern")
            default:
                throw RegexError(offset: open, reason: "unsupported group syntax '(?'")
            }
        }
        let body = try parseAlternation()
        guard peek == UInt8(ascii: ")") else {
            throw RegexError(offset: open, reason: "missing ')' for the group opened here")
        }
        index += 1
        return .group(body, offset: open)
    }

    // MARK: - Quantifiers

    private mutating func parseQuantifier(on atom: RegexNode, at atomStart: Int) throws(RegexError) -> RegexNode {
        guard let byte = peek else { return atom }
        let quantifierStart = index
        var min = 0
        var max: Int? = nil
        switch byte {
        case UInt8(ascii: "*"):
            index += 1
        case UInt8(ascii: "+"):
            min = 1
            index += 1
        case UInt8(ascii: "?"):
            max = 1
            index += 1
        case UInt8(ascii: "{") where isCountedRepetition(at: index):
            (min, max) = try parseCountedRepetition()
        default:
            return atom
        }
        switch atom {
        case .assertStart, .assertEnd:
            throw RegexError(offset: quantifierStart, reason: "an anchor cannot be repeated")
        default:
            break
        }
        var greedy = true
        if peek == UInt8(ascii: "?") {
            greedy = false
            index += 1
        } else if peek == UInt8(ascii: "+") {
            throw RegexError(offset: index, reason: "possessive quantifiers are not supported")
        }
        if let next = peek,
           next == UInt8(ascii: "*") || next == UInt8(ascii: "+") || next == UInt8(ascii: "?")
            || (next == UInt8(ascii: "{") && isCountedRepetition(at: index)) {
            throw RegexError(offset: index, reason: "quantifier follows a quantifier; group the operand first")
        }
        var slot = -1
        if max == nil {
            slot = loopSlotCount
            loopSlotCount += 1
        }
        let quantifier = RegexQuantifier(min: min, max: max, greedy: greedy, loopSlot: slot)
        return .quantified(atom, quantifier, offset: atomStart)
    }

    /// A `{` starts a counted repetition only when a digit (or `,digit`)
    /// follows; otherwise it is a literal, as in a GUID such as `{4D36E967-...}`.
    private func isCountedRepetition(at position: Int) -> Bool {
        guard byte(at: position) == UInt8(ascii: "{"), let next = byte(at: position + 1) else { return false }
        if RegexASCII.isDigit(next) { return true }
        return next == UInt8(ascii: ",") && byte(at: position + 2).map(RegexASCII.isDigit) == true
    }

    private mutating func parseCountedRepetition() throws(RegexError) -> (Int, Int?) {
        let open = index
        index += 1
        if peek == UInt8(ascii: ",") {
            throw RegexError(offset: open, reason: "counted repetition {,n} needs a lower bound")
        }
        let min = parseNumber()
        var max: Int? = min
        if peek == UInt8(ascii: ",") {
            index += 1
            if let byte = peek, RegexASCII.isDigit(byte) {
                max = parseNumber()
            } else {
                max = nil
            }
        }
        guard peek == UInt8(ascii: "}") else {
            throw RegexError(offset: open, reason: "malformed or unterminated counted repetition")
        }
        index += 1
        if let max, max < min {
            throw RegexError(offset: open, reason: "repetition range {\(min),\(max)} has its minimum above its maximum")
        }
        let largest = max ?? min
        if largest > limits.maxCountedRepetition {
            throw RegexError(offset: open, reason: "repetition count \(largest) exceeds the limit of \(limits.maxCountedRepetition)")
        }
        return (min, max)
    }

    /// Reads decimal digits; saturates at `Int.max` so a huge count fails the
    /// limit check instead of trapping on overflow.
    private mutating func parseNumber() -> Int {
        var value = 0
        while let byte = peek, RegexASCII.isDigit(byte) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : sum
            index += 1
        }
        return value
    }

    // MARK: - Helpers shared with the class parser

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func byte(at position: Int) -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func advance(by count: Int) {
        index += count
    }

    var position: Int { index }

    /// A literal byte, as two cases when case-insensitive and a letter.
    private func literal(_ byte: UInt8) -> RegexNode {
        guard caseInsensitive, RegexASCII.isLetter(byte) else { return .byte(byte) }
        return .eitherByte(byte | 0x20, byte & ~0x20)
    }

    mutating func addSet(_ set: RegexByteSet) -> RegexNode {
        sets.append(set)
        return .set(sets.count - 1)
    }
}
