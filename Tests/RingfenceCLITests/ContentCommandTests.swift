import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// The real `ringfence` binary, run as a child process: exit codes, signals and
/// what it prints.
@Suite(.timeLimit(.minutes(10))) struct ContentCommandTests {
    let work = Fixtures.temporaryDirectory("cli")

    func compileUpdate() throws -> String {
        let output = "\(work)/update.chan"
        let result = try RingfenceBinary.run(["content", "compile", "\(Fixtures.content)/ipc-update-291.yaml", "-o", output])
        #expect(result.status == .exited(0), "\(result.stderr)")
        return output
    }

    @Test func compileThenInspectAsJSON() throws {
        let file = try compileUpdate()
        let result = try RingfenceBinary.run(["content", "inspect", file, "--format", "json"])
        #expect(result.status == .exited(0))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["channel"] as? Int == 291)
        #expect(json["declaredFieldCount"] as? Int == 21)
        #expect(json["suppliedFieldCount"] as? Int == 20)
        let instances = try #require(json["instances"] as? [[String: Any]])
        #expect(instances.count == 17)
        let last = try #require(instances.last?["criteria"] as? [[String: Any]])
        #expect(last.last?["field"] as? Int == 21)
        #expect(last.last?["supplied"] as? Bool == false)
    }

    @Test func validateExitCodes() throws {
        let file = try compileUpdate()
        let templates = Fixtures.templates
        let buggy = try RingfenceBinary.run(["content", "validate", file, "--templates", templates, "--mode", "buggy"])
        #expect(buggy.status == .exited(0))
        let on = try RingfenceBinary.run(["content", "validate", file, "--templates", templates, "--mode", "on"])
        #expect(on.status == .exited(1))
        #expect(on.stdout.contains("instance 116, field 21 (field21): non-wildcard criterion on a field the sensor does not supply"))
        let missing = try RingfenceBinary.run(["content", "validate", "\(work)/nope.chan"])
        #expect(missing.status == .exited(2))
        #expect(missing.stderr.contains("nope.chan: cannot read the file"))
    }

    @Test func evalCrashesTheProcessLikeTheSensorDid() throws {
        let file = try compileUpdate()
        let common = ["content", "eval", file, "--events", "500", "--mix", "ipc"]
        let unsafe = try RingfenceBinary.run(common + ["--interpreter", "unsafe"])
        #expect(unsafe.status.signal == .segmentationFault)
        #expect(unsafe.stdout.contains("loaded channel 291: 17 instances into the unsafe interpreter"))
        let checked = try RingfenceBinary.run(common + ["--interpreter", "checked"])
        #expect(checked.status.signal == .swiftTrap)
        let resilient = try RingfenceBinary.run(common + ["--interpreter", "resilient"])
        #expect(resilient.status == .exited(0))
        #expect(resilient.stdout.contains("disabled channel 291 instance 116, field 21"))
        #expect(resilient.stdout.contains("disabled channel 291 instance 117, field 21"))
        #expect(resilient.stdout.contains("evaluated 500,"))
    }

    @Test func mutateWritesEveryFaultAndNamesBadInput() throws {
        let base = "\(work)/base.chan"
        #expect(try RingfenceBinary.run(["content", "compile", "\(Fixtures.content)/ipc-baseline.yaml", "-o", base]).status == .exited(0))
        for fault in ["field-count-mismatch", "wildcard-masked", "truncated", "zeroed", "bad-length", "bit-flip", "deep-nesting", "regex-bomb"] {
            let out = "\(work)/\(fault).chan"
            let result = try RingfenceBinary.run(["content", "mutate", base, "--fault", fault, "-o", out, "--seed", "3"])
            #expect(result.status == .exited(0), "\(fault): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: out))
        }
        let inspect = try RingfenceBinary.run(["content", "inspect", "\(work)/zeroed.chan"])
        #expect(inspect.status == .exited(2))
        #expect(inspect.stderr.contains("zeroed.chan: offset 0 (header.magic): bad magic"))
        let notChannel = try RingfenceBinary.run(["content", "mutate", Fixtures.templates, "--fault", "regex-bomb", "-o", "\(work)/x.chan"])
        #expect(notChannel.status == .exited(2))
        #expect(notChannel.stderr.contains("templates.yaml: the input is not a valid channel file"))
    }

    @Test func compileErrorNamesFileKeyAndLine() throws {
        let rules = "\(work)/bad.yaml"
        try "channel: 291\ntemplate: ipc\ntemplates: \(Fixtures.templates)\ninstances:\n  - id: 1\n    match: { pipe_nme: x }\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let result = try RingfenceBinary.run(["content", "compile", rules, "-o", "\(work)/bad.chan"])
        #expect(result.status == .exited(2))
        #expect(result.stderr.contains("bad.yaml:6:"))
        #expect(result.stderr.contains("instances[0].match.pipe_nme: unknown field 'pipe_nme'"))
        #expect(!FileManager.default.fileExists(atPath: "\(work)/bad.chan"))
    }

    @Test func faultsListsTheCatalog() throws {
        let result = try RingfenceBinary.run(["faults", "--json"])
        #expect(result.status == .exited(0))
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
        let names = Set(entries.compactMap { $0["name"] })
        #expect(names.isSuperset(of: ["field-count-mismatch", "wildcard-masked", "truncated", "zeroed", "bad-length",
                                      "bit-flip", "deep-nesting", "regex-bomb"]))
        #expect(entries.allSatisfy { !($0["summary"] ?? "").isEmpty && !($0["effect"] ?? "").isEmpty })
    }

    @Test func contentDemoEndsAsTheIncidentDid() throws {
        let result = try RingfenceBinary.run(["demo", "content", "--content", Fixtures.content, "--work", work])
        #expect(result.status == .exited(0), "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("=> killed by SIGSEGV: out-of-bounds read: PAGE_FAULT_IN_NONPAGED_AREA"))
        #expect(result.stdout.contains("=> exited with code 1: rejected before deployment"))
    }
}
