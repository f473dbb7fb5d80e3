/// A strict RFC 8259 JSON reader for seccomp profiles.
///
/// Why not JSONDecoder: `ringfence sandbox run` reads two profiles on every
/// launch, and JSONDecoder's first use in a process instantiates generic
/// metadata for every Codable type and container it touches, about 0.4 ms
/// before it reads a byte, more than the rest of the sandbox setup (measured
/// in BENCHMARKS.md, issue 6). This reader builds a plain tree in about 20 us.
///
/// Strict where a security policy should be: duplicate keys, trailing commas,
/// comments, control characters in strings, invalid UTF-8 and nesting deeper
/// than `maximumDepth` are errors, each reported by line, column and byte offset.
struct JSONReader {
    struct SyntaxError: Error, CustomStringConvertible, Equatable {
        let offset: Int
        let line: Int
        let column: Int
        let message: String
        var description: String { "line \(line), column \(column) (byte \(offset)): \(message)" }
    }

    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// One JSON value, with nothing but whitespace around it.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var reader = JSONReader(bytes)
        // A UTF-8 byte-order mark is tolerated, as most JSON readers do.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.error("unexpected \(reader.found) after the document") }
        return value
    }

    // MARK: - Values

    private mutating func value() throws(SyntaxError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try nested { (reader: inout JSONReader) throws(SyntaxError) in try reader.object() }
        case UInt8(ascii: "["): return try nested { (reader: inout JSONReader) throws(SyntaxError) in try reader.array() }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected \(found), expected a value")
        }
    }

    private mutating func nested(_ body: (inout JSONReader) throws(SyntaxError) -> JSONValue) throws(SyntaxError) -> JSONValue {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(SyntaxError) -> JSONValue {
        index += 1
        var members: [JSONValue.Member] = []
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("unexpected \(found), expected a key in quotes") }
            let keyOffset = index
            let key = try string()
            guard !members.contains(where: { $0.key == key }) else { throw error("duplicate key \"\(key)\"", at: keyOffset) }
            try expect(UInt8(ascii: ":"))
            members.append(JSONValue.Member(key: key, value: try value()))
            skipWhitespace()
            if peek(UInt8(ascii: "}")) { return .object(members) }
            guard peek(UInt8(ascii: ",")) else { throw error("unexpected \(found), expected ',' or '}'") }
        }
    }

    private mutating func array() throws(SyntaxError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            elements.append(try value())
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { return .array(elements) }
            guard peek(UInt8(ascii: ",")) else { throw error("unexpected \(found), expected ',' or ']'") }
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
        let utf8 = Array(word.utf8)
        guard bytes[index...].starts(with: utf8) else { throw error("unexpected \(found), expected a value") }
        index += utf8.count
        return value
    }

    /// The number's text, checked against the JSON grammar; JSONValue converts
    /// it exactly, so 64-bit syscall arguments survive without going through Double.
    private mutating func number() throws(SyntaxError) -> String {
        let start = index
        _ = peek(UInt8(ascii: "-"))
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs a digit here") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("a number may not have a leading zero") }
        } else {
            digits()
        }
        if peek(UInt8(ascii: ".")) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a fraction needs a digit after '.'") }
            digits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("an exponent needs a digit") }
            digits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func string() throws(SyntaxError) -> String {
        let start = index
        index += 1
        // The common case, plain ASCII with no escapes, is sliced straight out.
        let plainStart = index
        while index < bytes.count, bytes[index] >= 0x20, bytes[index] < 0x80, bytes[index] != UInt8(ascii: "\""),
              bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[plainStart..<index - 1], as: UTF8.self)
        }
        var text = Array(bytes[plainStart..<index])
        while true {
            guard index < bytes.count else { throw error("a string that never ends", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: text, as: UTF8.self) else { throw error("a string that is not valid UTF-8", at: start) }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &text)
            case 0..<0x20:
                throw error("a control character inside a string (escape it)")
            default:
                text.append(byte)
                index += 1
            }
        }
    }

    private mutating func escape(into text: inout [UInt8]) throws(SyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of input in an escape") }
        let simple: UInt8? = switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes[index]
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            text.append(simple)
            index += 1
            return
        }
        guard bytes[index] == UInt8(ascii: "u") else { throw error("unknown escape \\\(found)") }
        index += 1
        var scalar = try hexQuad()
        if (0xD800..<0xDC00).contains(scalar) {
            guard bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else { throw error("a lone high surrogate") }
            index += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw error("a high surrogate without its low half") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw error("a lone low surrogate") }
        text += Array(String(Character(unicode)).utf8)
    }

    private mutating func hexQuad() throws(SyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw error("\\u needs four hex digits")
        }
        index += 4
        return value
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func digits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Consumes `byte` if it is next.
    private mutating func peek(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        skipWhitespace()
        guard peek(byte) else { throw error("unexpected \(found), expected '\(Character(Unicode.Scalar(byte)))'") }
    }

    /// The byte at the current offset, as a message shows it.
    private var found: String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func error(_ message: String, at offset: Int? = nil) -> SyntaxError {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for (position, byte) in bytes[..<offset].enumerated() where byte == 0x0A {
            line += 1
            lineStart = position + 1
        }
        return SyntaxError(offset: offset, line: line, column: offset - lineStart + 1, message: message)
    }
}
