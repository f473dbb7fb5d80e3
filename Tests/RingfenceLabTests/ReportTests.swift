import Foundation
import FoundationXML
import RingfenceHost
import RingfenceTestSupport
import Testing
@testable import RingfenceLab

@Suite(.timeLimit(.minutes(10))) struct ReportTests {
    static func sample(failed: Bool = false) -> RunReport {
        let failure = ScenarioReport.Failure(kind: "crash", signal: "SIGSEGV", syscall: nil, update: 1)
        let agent = ScenarioReport.Agent(name: "sensor", isolation: "user", interpreter: "unsafe", failures: [failure], failureCount: 1, restarts: 1, rollbacks: 1,
                                         quarantined: ["ab"], permanentlyFailed: false, unprotectedSeconds: 0.01,
                                         events: .init(processed: 900, missed: 100, malicious: 10, detected: 9, generated: 1000, blocked: 0))
        let checks = [ExpectationCheck(check: "outcome == isolated", passed: true, message: nil),
                      ExpectationCheck(check: "restarts <= 0", passed: !failed, message: failed ? "got 1 & <more>" : nil)]
        let scenario = ScenarioReport(
            name: "a<b>&c", seed: 291, passed: !failed, outcome: "isolated",
            host: .init(survived: true, crashes: 0, boots: 1, bugcheck: nil, recovered: false, bootLoop: 0, downtimeSeconds: 0, recoveries: []),
            agents: [agent], expectations: checks, file: "x.yaml", description: "d", updates: [], signatures: [SignatureCount(signature: "s", count: 2)],
            records: "r.jsonl", bundle: failed ? "/tmp/bundle" : nil, bundleError: nil, wall: .init(seconds: 1.5),
            timeline: [.init(time: 10, boot: 1, type: "agent-failure", label: "crash")], error: nil, sandboxSetupFailed: false)
        return RunReport(scenarios: [scenario, scenario])
    }

    @Test func jsonKeepsTheContractFields() throws {
        let text = try ReportFormat.json.render(Self.sample())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let scenario = try #require((object["scenarios"] as? [[String: Any]])?.first)
        for key in ["name", "seed", "passed", "outcome", "host", "agents", "expectations"] { #expect(scenario[key] != nil, "\(key)") }
        let host = try #require(scenario["host"] as? [String: Any])
        #expect(host["bugcheck"] is NSNull)
        for key in ["survived", "crashes", "boots", "recovered"] { #expect(host[key] != nil, "\(key)") }
        let agent = try #require((scenario["agents"] as? [[String: Any]])?.first)
        let failure = try #require((agent["failures"] as? [[String: Any]])?.first)
        #expect(failure["syscall"] is NSNull)
        #expect(failure["signal"] as? String == "SIGSEGV")
        let events = try #require(agent["events"] as? [String: Any])
        for key in ["processed", "missed", "malicious", "detected"] { #expect(events[key] != nil, "\(key)") }
        #expect((object["signatures"] as? [[String: Any]])?.first?["count"] as? Int == 4)
        // And it decodes back, for `ringfence merge`.
        #expect(try JSONReport.decode(Data(text.utf8)).scenarios.count == 2)
    }

    @Test func junitParsesAndCountsFailures() throws {
        let xml = try ReportFormat.junit.render(Self.sample(failed: true))
        let document = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "4")
        #expect(root.attribute(forName: "failures")?.stringValue == "2")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.count == 2)
        #expect(suites[0].attribute(forName: "name")?.stringValue == "a<b>&c")
        let cases = suites[0].elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["outcome == isolated", "restarts <= 0"])
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "got 1 & <more>")
        #expect(failure.stringValue?.contains("replay: ringfence run /tmp/bundle") == true)
    }

    @Test func htmlIsSelfContained() throws {
        let html = try ReportFormat.html.render(Self.sample())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("a&lt;b&gt;&amp;c"))
        for external in ["src=", "href=", "@import", "url("] { #expect(!html.contains(external), "\(external)") }
    }

    @Test func markdownAndTable() throws {
        let markdown = try ReportFormat.markdown.render(Self.sample(failed: true))
        #expect(markdown.contains("| scenario | result | outcome |"))
        #expect(markdown.contains("`restarts <= 0`: got 1 & <more>"))
        let plain = try ReportFormat.table.render(Self.sample(failed: true), color: false)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("✗ restarts <= 0"))
        let colored = try ReportFormat.table.render(Self.sample(failed: true), color: true)
        #expect(colored.contains("\u{1B}[31;1mFAIL"))
    }
}
