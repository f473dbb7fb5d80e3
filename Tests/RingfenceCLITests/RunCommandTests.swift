import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// `ringfence run`, `merge` and `matrix` through the real binary: the shipped
/// library, exit codes, replay bundles, sharding and atomic reports.
@Suite(.serialized) struct RunCommandTests {
    let work = Fixtures.temporaryDirectory("run")

    func json(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func scenarios(_ report: [String: Any]) -> [[String: Any]] { report["scenarios"] as? [[String: Any]] ?? [] }

    /// A July 19 scenario outside the library, with absolute paths and its own expectations.
    func scenario(_ name: String, isolation: String = "user", profile: String? = nil, expect: String) -> String {
        let content = Fixtures.content
        let text = """
            name: \(name)
            seed: 291
            host: { duration: 300ms, boot: { maxBoots: 3, recovery: remote-fix } }
            validator: buggy
            agents:
              - name: sensor
                isolation: \(isolation)
                interpreter: unsafe
                profile: \(profile ?? "\(Fixtures.root)/Sandbox/profiles/agent.json")
            content:
              templates: \(content)/templates.yaml
              baseline: [\(content)/ipc-baseline.yaml]
            updates:
              - { at: 100ms, content: \(content)/ipc-update-291.yaml, fault: none }
            expect:
            \(expect)

            """
        let path = "\(work)/\(name).yaml"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func theShippedLibraryRunsGreen() throws {
        let output = "\(work)/library.json"
        let result = try RingfenceBinary.run(["run", "\(Fixtures.root)/Scenarios", "--format", "json", "--output", output,
                                              "--work", "\(work)/runs", "--bundles", "\(work)/bundles"])
        #expect(result.status == .exited(0), "\(result.stdout)\n\(result.stderr)")
        let report = try json(output)
        #expect(report["version"] as? Int == 1)
        let outcomes = Dictionary(uniqueKeysWithValues: scenarios(report).map { ($0["name"] as? String ?? "", $0["outcome"] as? String ?? "") })
        #expect(outcomes["july19-kernel"] == "boot-loop")
        #expect(outcomes["july19-user"] == "isolated")
        #expect(outcomes["july19-memory-safe"] == "boot-loop")
        #expect(outcomes["july19-resilient"] == "handled")
        #expect(outcomes["july19-validated"] == "rejected")
        #expect(outcomes["july19-wildcard"] == "clean")
        #expect(outcomes.count >= 20)
        #expect(scenarios(report).allSatisfy { $0["passed"] as? Bool == true })
    }

    @Test func invalidInputIsExitTwoAndRunsNothing() throws {
        let bad = "\(work)/bad.yaml"
        _ = FileManager.default.createFile(atPath: bad, contents: Data("name: bad\nagents:\n  - name: a\n    isolaton: user\n".utf8))
        let result = try RingfenceBinary.run(["run", bad, "\(Fixtures.root)/Scenarios/july19-user.yaml", "--work", "\(work)/never"])
        #expect(result.status == .exited(2))
        #expect(result.stderr.contains("bad.yaml:4:5: agents[0].isolaton: unknown key 'isolaton'"))
        #expect(!FileManager.default.fileExists(atPath: "\(work)/never"), "no trial was started")
    }

    @Test func aFailedExpectationIsExitOneAndItsBundleReplaysIt() throws {
        let path = scenario("wrong-hope", expect: "  outcome: clean\n  hostSurvived: true")
        let output = "\(work)/failed.json"
        let bundles = "\(work)/bundles"
        let first = try RingfenceBinary.run(["run", path, "--format", "json", "--output", output, "--work", "\(work)/runs", "--bundles", bundles])
        #expect(first.status == .exited(1))
        let failed = try #require(scenarios(try json(output)).first)
        #expect(failed["outcome"] as? String == "isolated")
        let bundle = try #require(failed["bundle"] as? String)
        #expect(FileManager.default.fileExists(atPath: "\(bundle)/update-1.chan"))
        #expect(try String(contentsOfFile: "\(bundle)/seed", encoding: .utf8) == "291\n")

        let replayOutput = "\(work)/replay.json"
        let replay = try RingfenceBinary.run(["run", bundle, "--format", "json", "--output", replayOutput, "--work", "\(work)/replay"])
        #expect(replay.status == .exited(1))
        let again = try #require(scenarios(try json(replayOutput)).first)
        #expect(again["outcome"] as? String == failed["outcome"] as? String)
        #expect(again["seed"] as? Int == 291)
        func digests(_ report: [String: Any]) -> [String] { (report["updates"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String } }
        #expect(digests(again) == digests(failed), "the same content bytes")
        func failures(_ report: [String: Any]) -> [String] {
            ((report["agents"] as? [[String: Any]])?.first?["failures"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "") \($0["signal"] ?? "")" }
        }
        #expect(failures(again) == failures(failed))
        #expect((again["expectations"] as? [[String: Any]])?.map { $0["passed"] as? Bool } == (failed["expectations"] as? [[String: Any]])?.map { $0["passed"] as? Bool })
    }

    @Test func aSandboxThatCannotBeSetUpIsExitThree() throws {
        let profile = "\(work)/broken-profile.json"
        _ = FileManager.default.createFile(atPath: profile, contents: Data(#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["nosuchcall"], "action": "SCMP_ACT_ALLOW"}]}"#.utf8))
        let path = scenario("no-sandbox", profile: profile, expect: "  outcome: isolated")
        let result = try RingfenceBinary.run(["run", path, "--format", "json", "--output", "\(work)/sandbox.json", "--work", "\(work)/runs"])
        #expect(result.status == .exited(3))
        let report = try #require(scenarios(try json("\(work)/sandbox.json")).first)
        #expect((report["error"] as? String)?.contains("unknown syscall names: nosuchcall") == true)
    }

    @Test func shardsCoverTheSuiteAndMerge() throws {
        let suite = ["july19-validated", "july19-wildcard", "fault-zeroed", "fault-truncated"].map { "\(Fixtures.root)/Scenarios/\($0).yaml" }
        var names: [[String]] = []
        for index in 1...2 {
            let output = "\(work)/shard-\(index).json"
            let result = try RingfenceBinary.run(["run"] + suite + ["--shard", "\(index)/2", "--format", "json", "--output", output, "--work", "\(work)/runs"])
            #expect(result.status == .exited(0))
            names.append(scenarios(try json(output)).compactMap { $0["name"] as? String })
        }
        #expect(Set(names[0]).isDisjoint(with: names[1]))
        #expect(Set(names[0] + names[1]) == ["july19-validated", "july19-wildcard", "fault-zeroed", "fault-truncated"])
        let merged = try RingfenceBinary.run(["merge", "\(work)/shard-1.json", "\(work)/shard-2.json", "--format", "junit", "--output", "\(work)/merged.xml"])
        #expect(merged.status == .exited(0))
        let xml = try String(contentsOfFile: "\(work)/merged.xml", encoding: .utf8)
        #expect(xml.components(separatedBy: "<testsuite ").count - 1 == 4)
    }

    @Test func aKilledRunLeavesTheOldReportIntact() throws {
        let output = "\(work)/report.json"
        let old = #"{"version": 1, "scenarios": [], "signatures": []}"#
        _ = FileManager.default.createFile(atPath: output, contents: Data(old.utf8))
        let run = try ChildProcess.spawn(RingfenceBinary.path, ["run", "\(Fixtures.root)/Scenarios", "--format", "json", "--output", output,
                                                               "--work", "\(work)/killed"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        usleep(700_000)  // trials are running; nothing has been written yet
        kill(run.pid, SIGKILL)
        _ = run.wait()
        #expect(try String(contentsOfFile: output, encoding: .utf8) == old)
        // The run was killed long before it finished: not even a temporary file was started.
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).filter { $0.hasPrefix("report.json.tmp") }.isEmpty)
    }

    @Test func matrixPrintsTheTableAndItsReading() throws {
        let result = try RingfenceBinary.run(["matrix", "\(Fixtures.root)/Scenarios/july19-kernel.yaml", "--vary", "isolation=kernel,user",
                                              "--vary", "validator=buggy,on", "--work", "\(work)/matrix"])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(result.stdout.contains("isolation   validator   outcome"))
        #expect(result.stdout.contains("Worst: boot-loop with isolation=kernel, validator=buggy."))
        #expect(result.stdout.contains("isolation=user → isolated"))
        #expect(result.stdout.contains("validator=on → rejected"))
    }
}

/// The JUnit file as CI tools read it: Python's xml.etree, the parser behind
/// many CI plugins, with the element and attribute names Jenkins and GitLab use.
@Suite struct JUnitConsumerTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func junitParsesWithPythonsElementTree() throws {
        let work = Fixtures.temporaryDirectory("junit")
        let xml = "\(work)/report.xml"
        let run = try RingfenceBinary.run(["run", "\(Fixtures.root)/Scenarios/july19-validated.yaml", "\(Fixtures.root)/Scenarios/july19-wildcard.yaml",
                                           "--format", "junit", "--output", xml, "--work", "\(work)/runs"])
        #expect(run.status == .exited(0))
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuites", root.tag
            suites = root.findall("testsuite")
            for suite in suites:
                for key in ("name", "tests", "failures", "errors", "time"):
                    assert key in suite.attrib, key
                cases = suite.findall("testcase")
                assert len(cases) == int(suite.attrib["tests"])
                for case in cases:
                    assert "classname" in case.attrib and "name" in case.attrib
            print(len(suites), sum(len(s.findall("testcase")) for s in suites))
            """
        let result = try ChildProcess.run(Self.python!, ["-c", script, xml])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(result.stdout == "2 7\n")  // 3 checks for july19-validated, 4 for july19-wildcard
    }
}
