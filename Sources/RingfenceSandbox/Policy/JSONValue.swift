/// A JSON document as JSONReader reads it.
enum JSONValue: Equatable, Sendable {
    /// Members in document order; keys are unique (the reader refuses duplicates).
    /// A list rather than a dictionary: profile objects have a handful of keys,
    /// and a list costs no hashing.
    case object([Member])
    case array([JSONValue])
    case string(String)
    /// The number's text as written, so that conversion is exact.
    case number(String)
    case bool(Bool)
    case null

    struct Member: Equatable, Sendable {
        let key: String
        let value: JSONValue
    }

    /// Pretty-printed JSON, two spaces per level, members in their order.
    func serialized(indent: Int = 0) -> String {
        let inner = String(repeating: "  ", count: indent + 1)
        let outer = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let lines = members.map { "\(inner)\(Self.quoted($0.key)): \($0.value.serialized(indent: indent + 1))" }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(outer)}"
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            return "[\n" + elements.map { inner + $0.serialized(indent: indent + 1) }.joined(separator: ",\n") + "\n\(outer)]"
        case .string(let text): return Self.quoted(text)
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// What a type-mismatch message calls it.
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// A value together with where it sits in the document (`syscalls[3].args[0].op`),
/// so that every mismatch names its path, as the profile errors promise. The
/// path is built only when a message needs it.
struct JSONNode {
    struct Mismatch: Error, CustomStringConvertible, Equatable {
        let path: String
        let message: String
        var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    indirect enum Location {
        case root
        case member(Location, String)
        case element(Location, Int)

        var path: String {
            switch self {
            case .root: ""
            case .member(.root, let key): key
            case .member(let parent, let key): "\(parent.path).\(key)"
            case .element(let parent, let index): "\(parent.path)[\(index)]"
            }
        }
    }

    let value: JSONValue
    let location: Location

    init(_ value: JSONValue, at location: Location = .root) {
        self.value = value
        self.location = location
    }

    var path: String { location.path }

    /// The member `key`; absent and `null` both read as nil (as optional Codable fields do).
    func optional(_ key: String) throws(Mismatch) -> JSONNode? {
        guard case .object(let members) = value else { throw mismatch("expected an object, found \(value.kind)") }
        guard let member = members.first(where: { $0.key == key })?.value, member != .null else { return nil }
        return JSONNode(member, at: .member(location, key))
    }

    func required(_ key: String) throws(Mismatch) -> JSONNode {
        guard let member = try optional(key) else { throw Mismatch(path: Location.member(location, key).path, message: "missing") }
        return member
    }

    func elements() throws(Mismatch) -> [JSONNode] {
        guard case .array(let elements) = value else { throw mismatch("expected an array, found \(value.kind)") }
        return elements.enumerated().map { JSONNode($0.element, at: .element(location, $0.offset)) }
    }

    func string() throws(Mismatch) -> String {
        guard case .string(let text) = value else { throw mismatch("expected a string, found \(value.kind)") }
        return text
    }

    func strings() throws(Mismatch) -> [String] {
        guard case .array(let elements) = value else { throw mismatch("expected an array, found \(value.kind)") }
        return try elements.enumerated().map { (offset, element) throws(Mismatch) in
            guard case .string(let text) = element else {
                throw Mismatch(path: Location.element(location, offset).path, message: "expected a string, found \(element.kind)")
            }
            return text
        }
    }

    /// A whole number in 0...UInt64.max, written without fraction or exponent.
    func unsigned() throws(Mismatch) -> UInt64 {
        guard case .number(let text) = value else { throw mismatch("expected a whole number, found \(value.kind)") }
        guard let number = UInt64(text) else { throw mismatch("\(text) is not a whole number from 0 to \(UInt64.max)") }
        return number
    }

    func unsigned32() throws(Mismatch) -> UInt32 {
        let number = try unsigned()
        guard let narrow = UInt32(exactly: number) else { throw mismatch("\(number) is larger than \(UInt32.max)") }
        return narrow
    }

    func mismatch(_ message: String) -> Mismatch { Mismatch(path: path, message: message) }
}
