import Foundation
import RingfenceSystem
import Yams

/// A strict reader over a YAML document.
///
/// Ringfence's YAML files (rules, template definitions, scenarios) are small and
/// written by people, so the reader is unforgiving in the ways that help them:
/// an unknown key, a wrong type or an out-of-range value is an error naming the
/// file, the key path and the line. It also defends the tool: files over
/// ``maxFileSize``, anchors and aliases (the "billion laughs" bomb) and nesting
/// deeper than ``maxDepth`` are refused before any value is used.
public struct StrictYAML {
    public static let maxFileSize = 1 << 20
    public static let maxDepth = 64

    public let file: String
    public let root: YAMLValue

    /// Reads and parses `path` (as given, for messages).
    public init(contentsOf path: String) throws(YAMLSourceError) {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path, limit: Self.maxFileSize) } catch {
            throw YAMLSourceError(file: path, path: "", line: nil, column: nil, message: "cannot read the file: \(error.reason)")
        }
        try self.init(data: Data(bytes), file: path)
    }

    public init(data: Data, file: String) throws(YAMLSourceError) {
        func fail(_ message: String, line: Int? = nil, column: Int? = nil) -> YAMLSourceError {
            YAMLSourceError(file: file, path: "", line: line, column: column, message: message)
        }
        guard data.count <= Self.maxFileSize else {
            throw fail("file is \(data.count) bytes; the limit is \(Self.maxFileSize)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("file is not UTF-8 text") }
        try Self.checkFlowDepth(text, fail: { fail($0, line: $1) })
        try Self.checkKeys(text, fail: { fail($0, line: $1) })
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.translate(error, file: file)
        } catch {
            throw fail("\(error)")
        }
        guard let node else { throw fail("file is empty") }
        self.file = file
        self.root = YAMLValue(node: node, file: file, path: [])
        try root.checkStructure(depth: 0)
    }

    /// libyaml is iterative but the composer above it recurses per level, so
    /// deeply nested flow collections (`[[[[...`) are refused before parsing.
    /// Block nesting needs one more column of indentation per level, which the
    /// file-size cap already bounds.
    static func checkFlowDepth(_ text: String, fail: (String, Int) -> YAMLSourceError) throws(YAMLSourceError) {
        var depth = 0, line = 1
        var quote: UInt8? = nil
        var comment = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") { line += 1; comment = false; if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { continue } }
            if comment { continue }
            if let open = quote { if byte == open { quote = nil }; continue }
            switch byte {
            case UInt8(ascii: "#"): comment = true
            case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels", line) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
    }

    /// Mapping keys are plain words in Ringfence's files. A complex key (`? `)
    /// or an alias used as a key is refused before parsing: the parser hashes
    /// keys whole, so an alias bomb in a key (`? *lol9`) would take it hours,
    /// before the node cap above could see it.
    static func checkKeys(_ text: String, fail: (String, Int) -> YAMLSourceError) throws(YAMLSourceError) {
        let bytes = Array(text.utf8)
        func byte(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : UInt8(ascii: "\n") }
        let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
        // Where a key may start: a line's start, after a sequence dash, or inside a flow collection.
        let keyStarts: Set<UInt8> = [newline, UInt8(ascii: "-"), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ",")]
        let nameEnds: Set<UInt8> = [space, newline, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                                    UInt8(ascii: "}"), UInt8(ascii: ":")]
        var line = 1, index = 0
        var quote: UInt8?
        var comment = false
        var previous = newline  // the last significant byte outside quotes
        while index < bytes.count {
            let current = bytes[index]
            defer { index += 1 }
            if current == newline {
                line += 1
                comment = false
                if quote == nil { previous = newline }
                continue
            }
            if comment { continue }
            if let open = quote {
                if open == UInt8(ascii: "\"") && current == UInt8(ascii: "\\") { index += 1 } else if current == open { quote = nil; previous = current }
                continue
            }
            switch current {
            case UInt8(ascii: "#") where index == 0 || byte(index - 1) == space || byte(index - 1) == UInt8(ascii: "\t"):
                comment = true
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = current
            case UInt8(ascii: "?") where keyStarts.contains(previous) && (byte(index + 1) == space || byte(index + 1) == newline):
                throw fail("a complex mapping key (?) is not allowed", line)
            case UInt8(ascii: "*") where keyStarts.contains(previous) || previous == UInt8(ascii: "?"):
                var end = index + 1
                while end < bytes.count && !nameEnds.contains(bytes[end]) { end += 1 }
                var next = end
                while next < bytes.count && bytes[next] == space { next += 1 }
                if byte(next) == UInt8(ascii: ":") && (byte(next + 1) == space || byte(next + 1) == newline) {
                    throw fail("an alias used as a mapping key is not allowed", line)
                }
            default:
                break
            }
            if current != space { previous = current }
        }
    }

    static func translate(_ error: YamlError, file: String) -> YAMLSourceError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return YAMLSourceError(file: file, path: "", line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return YAMLSourceError(file: file, path: "", line: context.mark.line, column: context.mark.column,
                                   message: "duplicate key: \(duplicates.joined(separator: ", "))")
        default:
            return YAMLSourceError(file: file, path: "", line: nil, column: nil, message: "invalid YAML: \(error)")
        }
    }
}
