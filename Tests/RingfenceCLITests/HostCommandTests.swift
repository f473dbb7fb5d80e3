import Foundation
import RingfenceTestSupport
import Testing

@Suite(.timeLimit(.minutes(10))) struct HostCommandTests {
    @Test func hostRunPrintsTheOutcomeAndWritesRecords() throws {
        let work = Fixtures.temporaryDirectory("host-run")
        let result = try RingfenceBinary.run([
            "host", "run", "--isolation", "kernel", "--interpreter", "checked", "--recovery", "remote-fix", "--duration", "0.4",
            "--content", Fixtures.content, "--profile", "\(Fixtures.root)/Sandbox/profiles/agent.json", "--work", work,
        ])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(result.stdout.contains("kernel-checked: host-crash"))
        #expect(result.stdout.contains("bugcheck KMODE_EXCEPTION_NOT_HANDLED"))
        let lines = try String(contentsOfFile: "\(work)/records.jsonl", encoding: .utf8).split(separator: "\n")
        let types = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["type"] as? String
        }
        #expect(types.first == "trial-started")
        #expect(types.contains("host-crash"))
        #expect(types.contains("recovery"))
        #expect(types.last == "shutdown")
        // No fault was asked for, so the delivery names none (the July 19 update needs none).
        let delivery = try #require(lines.lazy.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.first { $0["type"] as? String == "update-delivered" })
        #expect(delivery["fault"] == nil)
        #expect(delivery["time"] as? Double == 200)
    }
}
