import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

@Suite(.timeLimit(.minutes(10))) struct JSONReaderTests {
    static func parse(_ text: String) throws(JSONReader.SyntaxError) -> JSONValue { try JSONReader.parse(Array(text.utf8)) }

    @Test func readsNestedDocumentsAndExactNumbers() throws {
        let value = try Self.parse(#" {"a": [1, -2.5e3, true, null], "b": {"c": "d"}, "max": 18446744073709551615} "#)
        let root = JSONNode(value)
        #expect(try root.required("max").unsigned() == UInt64.max)
        #expect(try root.required("b").required("c").string() == "d")
        #expect(try root.required("a").elements().map(\.value) == [.number("1"), .number("-2.5e3"), .bool(true), .null])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try Self.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n\t"), .string("é😀")]))
    }

    @Test(arguments: [
        (#"{"a": 1,}"#, 1, 9, "unexpected '}', expected a key in quotes"),
        (#"{"a": 1, "a": 2}"#, 1, 10, #"duplicate key "a""#),
        ("[1, 2] // no", 1, 8, "unexpected '/' after the document"),
        ("[01]", 1, 3, "a number may not have a leading zero"),
        ("{\n  \"a\": tru\n}", 2, 8, "unexpected 't', expected a value"),
        ("[\"tab\there\"]", 1, 6, "a control character inside a string (escape it)"),
        ("[\"\\ud800\"]", 1, 9, "a lone high surrogate"),
        ("", 1, 1, "unexpected end of input, expected a value"),
    ])
    func refusesWhatJSONForbidsWithTheLineAndColumn(_ text: String, line: Int, column: Int, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line, "\(text)")
            #expect(error.column == column, "\(text): \(error)")
            #expect(error.message == message)
        }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: JSONReader.maximumDepth + 1) + String(repeating: "]", count: JSONReader.maximumDepth + 1)
        #expect(throws: JSONReader.SyntaxError.self) { try Self.parse(deep) }
        let allowed = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        #expect((try? Self.parse(allowed)) != nil)
    }

    @Test func serializedDocumentsReadBackEqual() throws {
        let value: JSONValue = .object([
            .init(key: "text", value: .string("quote \" backslash \\ newline \n bell \u{7} é")),
            .init(key: "list", value: .array([.number("1"), .bool(false), .null, .object([]), .array([])])),
        ])
        #expect(try JSONReader.parse(Array(value.serialized().utf8)) == value)
    }

    @Test func mismatchesNameTheirPath() throws {
        let root = JSONNode(try Self.parse(#"{"syscalls": [{"names": ["read", 7]}], "n": 4294967296}"#))
        #expect(throws: JSONNode.Mismatch(path: "syscalls[0].names[1]", message: "expected a string, found a number")) {
            try root.required("syscalls").elements()[0].required("names").strings()
        }
        #expect(throws: JSONNode.Mismatch(path: "n", message: "4294967296 is larger than 4294967295")) { try root.required("n").unsigned32() }
        #expect(throws: JSONNode.Mismatch(path: "missing", message: "missing")) { try root.required("missing") }
    }
}
