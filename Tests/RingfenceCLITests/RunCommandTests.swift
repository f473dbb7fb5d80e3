import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// `ringfence run`, `merge` and `matrix` through the real binary: the shipped
/// library, exit codes, replay bundles, sharding and atomic reports.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RunCommandTests {
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
        #expect(outcomes["july19-window"] == "boot-loop")
        #expect(outcomes.count >= 21)
        let failed = scenarios(report).filter { $0["passed"] as? Bool != true }.map { scenario in
            "\(scenario["name"] ?? "?"): \((scenario["expectations"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool != true })"
        }
        #expect(failed.isEmpty, "failed: \(failed.joined(separator: "; "))")
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
        let first = try RingfenceBinary.run(["run", path, "--allow", Fixtures.content, "--format", "json", "--output", output, "--work", "\(work)/runs", "--bundles", bundles])
        #expect(first.status == .exited(1))
        let failed = try #require(scenarios(try json(output)).first)
        #expect(failed["outcome"] as? String == "isolated")
        let bundle = try #require(failed["bundle"] as? String)
        // Every file the scenario reads is in the bundle, under a relative path.
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(bundle)/files").sorted()
        // Rules files are stored compiled: what they read (templates, extends) is in the channel file.
        #expect(files == ["agent.json", "ipc-baseline.chan", "ipc-update-291.chan", "templates.yaml"])
        #expect(try String(contentsOfFile: "\(bundle)/seed", encoding: .utf8) == "291\n")

        // The bundle runs from anywhere: copied to another folder and run from a third.
        let moved = Fixtures.temporaryDirectory("moved-bundle")
        let copy = "\(moved)/bundle"
        try FileManager.default.copyItem(atPath: bundle, toPath: copy)
        try FileManager.default.removeItem(atPath: bundle)
        let replayOutput = "\(work)/replay.json"
        let elsewhere = Fixtures.temporaryDirectory("elsewhere")
        let replay = try ChildProcess.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", elsewhere, RingfenceBinary.path, "run", copy, "--format", "json",
                                                      "--output", replayOutput, "--work", "\(work)/replay", "--bundles", "\(work)/replay-bundles"],
                                          environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(replay.status == .exited(1), "\(replay.stderr)")
        let again = try #require(scenarios(try json(replayOutput)).first)
        #expect(again["seed"] as? Int == 291)
        // The same report, once what differs by nature is set aside: wall time, where the work and the files were.
        func comparable(_ report: [String: Any]) throws -> String {
            var report = report
            for key in ["wall", "records", "bundle", "file"] { report[key] = nil }
            return String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try comparable(again) == comparable(failed))
    }

    /// A profile that does not compile is invalid input: exit 2, naming the
    /// scenario's key and the profile's own error, before anything runs.
    @Test func aBadProfileIsRefusedBeforeTheRun() throws {
        let profile = "\(work)/broken-profile.json"
        _ = FileManager.default.createFile(atPath: profile, contents: Data(#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["nosuchcall"], "action": "SCMP_ACT_ALLOW"}]}"#.utf8))
        let path = scenario("no-sandbox", profile: profile, expect: "  outcome: isolated")
        let result = try RingfenceBinary.run(["run", path, "--allow", Fixtures.content, "--format", "json", "--output", "\(work)/sandbox.json", "--work", "\(work)/runs"])
        #expect(result.status == .exited(2))
        #expect(result.stderr.contains("agents[0].profile: profile \(profile): unknown syscall names: nosuchcall"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: "\(work)/sandbox.json"))
    }

    /// A sandbox that cannot be set up when the agent starts (its seccomp
    /// load fails, made to by a preloaded library) is exit 3, and the report
    /// says why; stderr says it too, although the report went to a file.
    @Test func aSandboxThatCannotBeSetUpIsExitThree() throws {
        let path = scenario("no-sandbox", expect: "  outcome: isolated")
        let result = try RingfenceBinary.run(["run", path, "--allow", Fixtures.content, "--format", "json", "--output", "\(work)/sandbox.json", "--work", "\(work)/runs"],
                                             environment: FailureInjection.environment(failing: "seccomp", errno: EPERM))
        #expect(result.status == .exited(3), "\(result.stderr)")
        let report = try #require(scenarios(try json("\(work)/sandbox.json")).first)
        let failures = (report["agents"] as? [[String: Any]])?.first?["failures"] as? [[String: Any]] ?? []
        #expect(failures.first?["kind"] as? String == "sandbox-setup")
        #expect((failures.first?["detail"] as? String)?.contains("setup failed at seccomp") == true, "\(failures)")
        #expect(result.stderr.contains("scenario no-sandbox:"), "\(result.stderr)")
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
        // The same shard twice would double every count: refused, naming both files.
        let twice = try RingfenceBinary.run(["merge", "\(work)/shard-1.json", "\(work)/shard-1.json", "--format", "json"])
        #expect(twice.status == .exited(2))
        #expect(twice.stderr.contains("is already in \(work)/shard-1.json; each result may be merged once"), "\(twice.stderr)")
    }

    /// `--list` collects only (with each scenario's shard), `--filter`
    /// selects by name (a shell pattern, or a part of the name).
    @Test func listAndFilterSelectWithoutRunning() throws {
        let library = "\(Fixtures.root)/Scenarios"
        let listed = try RingfenceBinary.run(["run", library, "--list", "--filter", "july19-*", "--shard", "1/2", "--work", "\(work)/never"])
        #expect(listed.status == .exited(0), "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("july19-") && $0.hasSuffix("(shard 1/2)") }, "\(listed.stdout)")
        #expect(!FileManager.default.fileExists(atPath: "\(work)/never"), "--list ran something")
        let part = try RingfenceBinary.run(["run", library, "--list", "--filter", "wild"])
        #expect(Set(part.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }) == ["july19-wildcard", "fault-wild-write", "fault-wild-write-user"], "\(part.stdout)")
    }

    /// `--fail-fast` and `--max-failures N`: no scenario starts after that
    /// many failed, and stderr says how many never ran.
    @Test func failFastStopsStartingScenarios() throws {
        let paths = (1...3).map { scenario("doomed-\($0)", expect: "  outcome: clean") }
        let result = try RingfenceBinary.run(["run"] + paths + ["--allow", Fixtures.content, "--fail-fast", "--jobs", "1", "--format", "json",
                                                                "--output", "\(work)/fail-fast.json", "--work", "\(work)/runs"])
        #expect(result.status == .exited(1))
        #expect(scenarios(try json("\(work)/fail-fast.json")).count == 1)
        #expect(result.stderr.contains("stopped after 1 failure(s): 2 scenario(s) not run"), "\(result.stderr)")
        let two = try RingfenceBinary.run(["run"] + paths + ["--allow", Fixtures.content, "--max-failures", "2", "--jobs", "1", "--format", "json",
                                                             "--output", "\(work)/max-2.json", "--work", "\(work)/runs"])
        #expect(two.status == .exited(1))
        #expect(scenarios(try json("\(work)/max-2.json")).count == 2)
    }

    /// A report is written to a temporary file, fsynced, then renamed over the
    /// old one. Killed at the first sign of writing, a run leaves the old
    /// report whole: with a writer that wrote in place, this test fails.
    @Test func aRunKilledWhileWritingLeavesTheOldReportIntact() throws {
        let big = "\(work)/big.json"
        try bigReport(megabytes: 40).write(to: URL(fileURLWithPath: big))
        let output = "\(work)/report.json"
        let old = #"{"version": 1, "scenarios": [], "signatures": []}"#
        _ = FileManager.default.createFile(atPath: output, contents: Data(old.utf8))
        let merge = try ChildProcess.spawn(RingfenceBinary.path, ["merge", big, "--format", "json", "--output", output],
                                           environment: ["SWIFT_BACKTRACE": "enable=no"])
        var caughtWriting = false
        let deadline = monotonicSeconds() + 120
        while monotonicSeconds() < deadline {
            let temporary = (try? FileManager.default.contentsOfDirectory(atPath: work))?.contains { $0.hasPrefix("report.json.tmp") } ?? false
            let changed = (try? String(contentsOfFile: output, encoding: .utf8)) != old
            if temporary || changed {
                kill(merge.pid, SIGKILL)
                caughtWriting = temporary
                break
            }
            usleep(200)
        }
        _ = merge.wait()
        #expect(caughtWriting, "the run was killed while it wrote the report")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == old)
    }

    /// A JSON report of about `megabytes` MB that `ringfence merge` reads.
    func bigReport(megabytes: Int) throws -> Data {
        let scenario: [String: Any] = [
            "name": "big", "seed": 1, "passed": true, "outcome": "clean", "file": "x.yaml", "description": String(repeating: "d", count: 1 << 20),
            "host": ["survived": true, "crashes": 0, "boots": 1, "bugcheck": NSNull(), "recovered": false, "bootLoop": 0, "downtimeSeconds": 0,
                     "recoveries": [String]()],
            "agents": [Any](), "expectations": [Any](), "updates": [Any](), "signatures": [Any](), "records": "r", "wall": ["seconds": 0],
            "timeline": [Any](), "sandboxSetupFailed": false,
        ]
        let report: [String: Any] = ["version": 1, "scenarios": Array(repeating: scenario, count: megabytes), "signatures": [Any]()]
        return try JSONSerialization.data(withJSONObject: report)
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
@Suite(.timeLimit(.minutes(10))) struct JUnitConsumerTests {
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

    /// A folder with an invalid scenario: nothing runs (exit 2), and the XML
    /// is still written, with the file as an `error` testcase; every
    /// testsuite has its file, timestamp and host, and testcases take 0 s.
    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func anInvalidScenarioIsAnErrorTestcaseAndTheXMLIsWritten() throws {
        let work = Fixtures.temporaryDirectory("junit-invalid")
        try FileManager.default.copyItem(atPath: Fixtures.content, toPath: "\(work)/suite/content")
        try FileManager.default.copyItem(atPath: "\(Fixtures.root)/Scenarios/july19-validated.yaml", toPath: "\(work)/suite/july19-validated.yaml")
        try "name: broken\nbogus: 1\n".write(toFile: "\(work)/suite/broken.yaml", atomically: true, encoding: .utf8)
        let xml = "\(work)/report.xml"
        let run = try RingfenceBinary.run(["run", "\(work)/suite", "--format", "junit", "--output", xml, "--work", "\(work)/runs"])
        #expect(run.status == .exited(2))
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("broken.yaml:2:1: bogus: unknown key"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(work)/runs"), "something ran")
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.attrib["errors"] == "1", root.attrib
            (suite,) = root.findall("testsuite")
            for key in ("file", "timestamp", "hostname"):
                assert suite.attrib.get(key), key
            (case,) = suite.findall("testcase")
            assert case.attrib["time"] == "0", case.attrib
            error = case.find("error")
            print(error.attrib["message"].split(": ")[1])
            """
        let result = try ChildProcess.run(Self.python!, ["-c", script, xml])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(result.stdout == "bogus\n", "\(result.stdout)")
    }
}
