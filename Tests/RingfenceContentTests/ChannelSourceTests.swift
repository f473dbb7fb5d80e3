import Foundation
import RingfenceTestSupport
import Testing
@testable import RingfenceContent

/// The YAML sources are read strictly: every mistake names the file, the key
/// path and the line.
@Suite(.timeLimit(.minutes(10))) struct ChannelSourceTests {
    func source(_ body: String) -> String {
        let folder = Fixtures.temporaryDirectory("source")
        try? FileManager.default.copyItem(atPath: Fixtures.templates, toPath: "\(folder)/templates.yaml")
        _ = FileManager.default.createFile(atPath: "\(folder)/rules.yaml", contents: Data(body.utf8))
        return "\(folder)/rules.yaml"
    }

    func compileError(_ body: String) -> YAMLSourceError? {
        do { _ = try ChannelSource.compile(source(body)); return nil } catch { return error }
    }

    static let header = "channel: 291\ntemplate: ipc\ntemplates: templates.yaml\n"

    @Test func criterionForms() throws {
        let draft = try ChannelSource.compile(source(Self.header + """
            instances:
              - id: 1
                match:
                  pipe_name: { any: [ 'a', { regex: '^b', ignoreCase: true }, { not: c } ] }
                  client_image: { equals: X, ignoreCase: true }
                  field21: "*"
            """))
        let file = try ChannelFile(parsing: draft.encoded())
        let instance = try #require(file.instances.first)
        #expect(instance.constrainedFields == [0, 3])
        let text = CriterionText(file: file, instance: instance)
        #expect(text.render(field: 0) == "any('a', regex '^b' ignoreCase, not('c'))")
        #expect(text.render(field: 3) == "'X' ignoreCase")
    }

    /// Children shared between parents make a valid graph whose paths grow
    /// as 64⁶: rendering it stops at its node budget instead of running for
    /// hours (issue 11: `content inspect` of a 4.8 KB file never finished).
    @Test func aSharedGraphRendersWithinItsBudget() throws {
        let width = 64, levels = 6
        func index(_ level: Int, _ position: Int) -> UInt32 { UInt32(level * width + position) }
        var nodes: [NodeDraft] = []
        for level in 0...levels {
            for position in 0..<width {
                let next = position < width - 1 ? index(level, position + 1) : CriterionNode.none
                nodes.append(level < levels
                    ? NodeDraft(kind: .all, flags: 0, next: next, child: index(level + 1, 0), payload: [])
                    : NodeDraft(kind: .literal, flags: 0, next: next, child: CriterionNode.none, payload: Array("x".utf8)))
            }
        }
        let wildcard = UInt32(nodes.count)
        nodes.append(NodeDraft(kind: .wildcard, flags: 0, next: CriterionNode.none, child: CriterionNode.none, payload: []))
        let instance = InstanceDraft(id: 1, action: .alert, criteria: [0] + Array(repeating: wildcard, count: 20), nodes: nodes)
        let draft = ChannelDraft(channel: 291, templateType: .ipc, declaredFieldCount: 21, contentVersion: 1, checksum: .crc32c, instances: [instance])
        let file = try ChannelFile(parsing: draft.encoded())
        let started = ContinuousClock.now
        let text = CriterionText(file: file, instance: try #require(file.instances.first)).render(field: 0)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(text.hasPrefix("all(all(all("))
        #expect(text.hasSuffix("…)"))
    }

    @Test func unknownKeyNamesPathAndLine() throws {
        let error = try #require(compileError(Self.header + "instances:\n  - id: 1\n    mach: {}\n"))
        #expect(error.path == "instances[0].mach")
        #expect(error.line == 6)
        #expect(error.message.hasPrefix("unknown key 'mach'"))
        #expect(error.description.hasSuffix("rules.yaml:6:5: instances[0].mach: \(error.message)"))
    }

    @Test func unknownFieldIsNamed() throws {
        let error = try #require(compileError(Self.header + "instances:\n  - id: 1\n    match: { pipe: x }\n"))
        #expect(error.path == "instances[0].match.pipe")
        #expect(error.message.contains("unknown field 'pipe'"))
    }

    @Test func fieldBeyondTheDeclaredCountIsRefused() throws {
        let error = try #require(compileError(Self.header + "instances:\n  - id: 1\n    match: { field22: x }\n"))
        #expect(error.message.contains("21 declared fields"))
    }

    @Test func wrongTypesAndRangesAreNamed() throws {
        #expect(compileError("channel: many\ntemplate: ipc\ntemplates: templates.yaml\n")?.message == "expected a whole number")
        #expect(compileError("channel: 0\ntemplate: ipc\ntemplates: templates.yaml\n")?.message.contains("out of range") == true)
        #expect(compileError(Self.header + "checksum: md5\n")?.path == "checksum")
        #expect(compileError(Self.header + "instances:\n  - id: 1\n    action: nuke\n    match: {}\n")?.path == "instances[0].action")
        let regex = try #require(compileError(Self.header + "instances:\n  - id: 1\n    match: { pipe_name: { regex: '(ab' } }\n"))
        #expect(regex.path == "instances[0].match.pipe_name.regex")
        #expect(regex.message.hasPrefix("invalid regex"))
    }

    @Test func duplicateIdsAndKeysAreRefused() throws {
        let ids = try #require(compileError(Self.header + "instances:\n  - { id: 1, match: {} }\n  - { id: 1, match: {} }\n"))
        #expect(ids.message == "instance id 1 is used twice")
        #expect(ids.line == 6)
        let keys = try #require(compileError(Self.header + "channel: 292\n"))
        #expect(keys.message.hasPrefix("duplicate key"))
    }

    @Test func unquotedWildcardIsAYAMLError() throws {
        let error = try #require(compileError(Self.header + "instances:\n  - id: 1\n    match: { pipe_name: * }\n"))
        #expect(error.line == 6)
        #expect(error.message.hasPrefix("invalid YAML"))
    }

    @Test func aliasBombIsRefused() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        let error = try #require(compileError(lines.joined(separator: "\n") + "\n"))
        #expect(error.message.contains("more than 100000 nodes"))
    }

    @Test func deepFlowNestingIsRefusedBeforeParsing() throws {
        let error = try #require(compileError(String(repeating: "[", count: 10_000)))
        #expect(error.message == "nesting deeper than 64 levels")
        #expect(error.line == 1)
    }

    @Test func missingFileIsNamed() {
        #expect(throws: YAMLSourceError(file: "/nonexistent/rules.yaml", path: "", line: nil, column: nil, message: "cannot read the file: No such file or directory")) {
            try ChannelSource.compile("/nonexistent/rules.yaml")
        }
    }

    @Test func templateDefinitionsDeclareTheJuly19Mismatch() throws {
        let definitions = try TemplateDefinitions.load(Fixtures.templates)
        #expect(definitions.definition(.ipc)?.fieldCount == 21)
        #expect(SensorTemplates.builtIn.suppliedFieldCount(.ipc) == 20)
        #expect(definitions.definition(.process)?.fieldCount == SensorTemplates.builtIn.suppliedFieldCount(.process))
    }
}
