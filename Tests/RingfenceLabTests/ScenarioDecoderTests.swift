import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceLab

/// Every error of the strict decoder names the file, the key path and the line.
@Suite(.timeLimit(.minutes(10))) struct ScenarioDecoderTests {
    static var valid: String { template.replacingOccurrences(of: "content/", with: "\(Fixtures.content)/") }

    static let template = """
        name: test
        seed: 7
        host:
          duration: 300ms
          events: { rate: 1000, mix: { ipc: 1 }, malicious: 0.02 }
          boot: { maxBoots: 2, recovery: safe-mode }
        validator: buggy
        agents:
          - name: sensor
            isolation: user
            interpreter: checked
            limits: { memory: 128MiB, cpu: 2s, heartbeat: 100ms, verdictDeadline: 50ms }
            restart: { max: 3, window: 10s, backoff: 10ms }
        content:
          templates: content/templates.yaml
          baseline: [content/ipc-baseline.yaml]
        updates:
          - at: 100ms
            content: content/ipc-update-291.yaml
            fault: none
        expect:
          outcome: isolated
          hostSurvived: true

        """

    /// Writes `text` as a scenario in a folder of its own and decodes it.
    func decode(_ text: String) -> Result<Scenario, YAMLSourceError> {
        let path = Fixtures.writeTemporary(text, name: "scenario.yaml")
        do { return .success(try ScenarioDecoder.load(path, allowing: [Fixtures.content])) } catch { return .failure(error) }
    }

    func error(_ text: String) throws -> YAMLSourceError {
        guard case .failure(let error) = decode(text) else { throw ScenarioError(message: "decoded without an error") }
        return error
    }

    func replacing(_ old: String, with new: String) throws -> String {
        guard Self.valid.contains(old) else { throw ScenarioError(message: "the template has no '\(old)'") }
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func aValidScenarioDecodes() throws {
        let scenario = try decode(Self.valid).get()
        #expect(scenario.seed == 7)
        #expect(scenario.host.duration == .milliseconds(300))
        #expect(scenario.host.events.rate == 1000)
        #expect(scenario.host.events.mix == ["ipc": 1])
        #expect(scenario.boot.recovery == .safeMode)
        #expect(scenario.agents[0].limits.memory == 128 << 20)
        #expect(scenario.agents[0].limits.cpu == 2)
        #expect(scenario.agents[0].limits.heartbeat == .milliseconds(100))
        #expect(scenario.agents[0].limits.verdictDeadline == .milliseconds(50))
        #expect(scenario.agents[0].limits.verdictCpu == 2, "the default")
        #expect(scenario.agents[0].profile.hasSuffix("/Sandbox/profiles/agent.json"))  // beside the scenario's folder: the default
        #expect(scenario.updates[0].at == .milliseconds(100))
        #expect(scenario.updates[0].fault == nil)
        #expect(scenario.baseline[0].hasSuffix("Scenarios/content/ipc-baseline.yaml"))
        #expect(scenario.expect.outcome == .isolated)
    }

    @Test func unknownKeys() throws {
        let top = try error(Self.valid + "colour: blue\n")
        #expect(top.path == "colour")
        #expect(top.line == 24)
        #expect(top.message.hasPrefix("unknown key 'colour'"))
        let nested = try error(try replacing("    restart: { max: 3", with: "    restart: { maximum: 3"))
        #expect(nested.path == "agents[0].restart.maximum")
        #expect(nested.line == 13)
    }

    @Test func wrongTypesAndRanges() throws {
        let type = try error(try replacing("seed: 7", with: "seed: seven"))
        #expect(type.path == "seed")
        #expect(type.line == 2)
        #expect(type.message == "expected a whole number")
        let range = try error(try replacing("maxBoots: 2", with: "maxBoots: 0"))
        #expect(range.path == "host.boot.maxBoots")
        #expect(range.message.contains("out of range"))
        let rate = try error(try replacing("malicious: 0.02", with: "malicious: 2"))
        #expect(rate.path == "host.events.malicious")
        let word = try error(try replacing("isolation: user", with: "isolation: hypervisor"))
        #expect(word.path == "agents[0].isolation")
        #expect(word.message == "'hypervisor' is not one of: kernel, user")
        let list = try error(try replacing("updates:\n  - at: 100ms\n    content: \(Fixtures.content)/ipc-update-291.yaml\n    fault: none\n",
                                       with: "updates: { at: 100ms }\n"))
        #expect(list.path == "updates")
        #expect(list.message == "expected a list")
    }

    @Test func durationsAndSizes() throws {
        let duration = try error(try replacing("duration: 300ms", with: "duration: soon"))
        #expect(duration.path == "host.duration")
        #expect(duration.message.contains("write it like 500us, 200ms, 2s, 78m or 1h"))
        let tooLong = try error(try replacing("  - at: 100ms", with: "  - at: 8d"))
        #expect(tooLong.path == "updates[0].at")
        #expect(tooLong.message.contains("write it like"))
        let tooFar = try error(try replacing("  - at: 100ms", with: "  - at: 200h"))
        #expect(tooFar.message == "200h is out of range (0s ... 168h)")
        // Hours are fine: the July 19 window is 78 minutes.
        #expect(try decode(try replacing("  - at: 100ms", with: "  - at: 78m")).get().updates[0].at == .minutes(78))
        let size = try error(try replacing("memory: 128MiB", with: "memory: lots"))
        #expect(size.path == "agents[0].limits.memory")
        #expect(size.message.contains("write it like 256MiB"))
        #expect(DurationText.parse("78m") == 78.0 * 60)
        #expect(SimulatedTime(text: "1.5s") == .milliseconds(1500))
        #expect(SimulatedTime.minutes(78).description == "78m")
        #expect(SimulatedTime.milliseconds(1500).description == "1500ms")
        #expect(ByteSize.parse("256MiB") == 256 << 20)
    }

    @Test func duplicateAgentNames() throws {
        let duplicate = try error(try replacing("content:\n", with: "  - name: sensor\n    isolation: kernel\ncontent:\n"))
        #expect(duplicate.path == "agents[1].name")
        #expect(duplicate.message == "duplicate agent name 'sensor'")
        #expect(duplicate.line == 14)
    }

    @Test func unknownNamesAndMissingFiles() throws {
        let fault = try error(try replacing("fault: none", with: "fault: gremlins"))
        #expect(fault.path == "updates[0].fault")
        #expect(fault.message.hasPrefix("unknown fault 'gremlins'"))
        let outcome = try error(try replacing("outcome: isolated", with: "outcome: fine"))
        #expect(outcome.path == "expect.outcome")
        let file = try error(try replacing("\(Fixtures.content)/ipc-update-291.yaml", with: "\(Fixtures.content)/nope.yaml"))
        #expect(file.path == "updates[0].content")
        #expect(file.message.hasPrefix("no such file"))
        #expect(file.line == 19)
        let missing = try error(try replacing("name: test\n", with: ""))
        #expect(missing.message == "missing required key 'name'")
    }

    @Test func aliasBombsAndBrokenYAML() throws {
        var bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 { bomb.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        let alias = try error(bomb.joined(separator: "\n") + "\n")
        #expect(alias.message.contains("alias bomb"))
        let broken = try error("name: [unclosed\n")
        #expect(broken.message.hasPrefix("invalid YAML"))
        #expect(broken.line != nil)
    }

    @Test func everyShippedScenarioDecodes() throws {
        let folder = "\(Fixtures.root)/Scenarios"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }
        #expect(files.count >= 20)
        for file in files {
            let scenario = try ScenarioDecoder.load("\(folder)/\(file)")
            #expect(scenario.expect.outcome != nil, "\(file) states its outcome")
            let (settings, _) = try scenario.trial()
            #expect(!settings.baseline.isEmpty, "\(file)")
        }
    }
}
