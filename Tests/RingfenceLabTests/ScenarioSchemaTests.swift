import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceTestSupport
import Testing
@testable import RingfenceLab

/// One schema for the scenario format: the decoder and the bundle writer go
/// through it, and the documentation names every key it has.
@Suite(.timeLimit(.minutes(10))) struct ScenarioSchemaTests {
    static let library = "\(Fixtures.root)/Scenarios"

    static var shipped: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test(arguments: shipped)
    func aWrittenScenarioReadsBackToTheSameTrial(_ name: String) throws {
        let original = try ScenarioDecoder.load("\(Self.library)/\(name)")
        // Written beside the original, so that the relative paths it gets still resolve.
        let written = ScenarioWriter.yaml(original) { path in path }
        let copy = Fixtures.writeTemporary(written, name: "scenario.yaml")
        let again = try ScenarioDecoder.load(copy, allowing: [Fixtures.root])
        #expect(ScenarioWriter.yaml(again) { $0 } == written, "writing is a fixed point")
        let (first, facts) = try original.trial()
        let (second, againFacts) = try again.trial()
        #expect(facts.map(\.digest) == againFacts.map(\.digest))
        #expect(first.baseline == second.baseline)
        #expect(first.agents == second.agents)
        #expect(first.host == second.host)
        #expect(first.boot == second.boot)
    }

    @Test func theDocumentationNamesEveryKey() throws {
        let docs = try String(contentsOfFile: "\(Fixtures.root)/docs/scenarios.md", encoding: .utf8)
        let documented = Set(docs.split(separator: "\n").compactMap { line -> String? in
            // "  rate: 20000   # ..." in the keys block: the key of each line.
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            guard let colon = trimmed.firstIndex(of: ":") else { return nil }
            return String(trimmed[..<colon])
        })
        let keys = Set(ScenarioSchema.keyPaths.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.map { $0.replacingOccurrences(of: "[]", with: "") })
        let missing = keys.subtracting(documented).sorted()
        #expect(missing.isEmpty, "docs/scenarios.md does not name: \(missing.joined(separator: ", "))")
    }

    @Test func defaultsAreTheDecodedTypesOwn() throws {
        let path = Fixtures.writeTemporary("name: minimal\nagents:\n  - name: sensor\n", name: "minimal.yaml")
        let scenario = try ScenarioDecoder.load(path)
        #expect(scenario.host == HostSettings())
        #expect(scenario.boot == BootSettings())
        #expect(scenario.agents[0].limits == AgentLimits())
        #expect(scenario.agents[0].restart == RestartSettings())
        #expect(scenario.validator == .buggy)
    }
}
