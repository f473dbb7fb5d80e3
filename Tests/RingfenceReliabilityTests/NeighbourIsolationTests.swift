import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// One agent fails over and over while another runs on the same host: the
/// other keeps answering, nothing reaches it, and the host stays up.
@Suite(.serialized, .timeLimit(.minutes(20))) struct NeighbourIsolationTests {
    @Test func aNeighbourKeepsItsHeartbeatsWhileAnotherFailsAThousandTimes() throws {
        let failures = Reliability.count(short: 100, full: 1_000)
        let folder = try Fixtures.folderWithContent("neighbour")
        // About 84 restarts per simulated second in this set-up; 30% more time than needed.
        let milliseconds = failures * 12 + 1_000
        let scenario = """
            name: neighbour
            seed: 291
            host:
              duration: \(milliseconds)ms
              events: { rate: 2000, mix: { ipc: 0.4, process: 0.3, file: 0.2, network: 0.1 }, malicious: 0.01 }
              boot: { maxBoots: 1, recovery: none }
            agents:
              # A trusts the known-bad channel 291 on disk and crashes at every start.
              - name: failing
                isolation: user
                interpreter: unsafe
                restart: { max: 1000, window: 1ms, backoff: 1ms, maxBackoff: 1ms }
                startup: 1ms
              # B checks its reads: channel 291's bad instance is disabled, and it runs on.
              - name: neighbour
                isolation: user
                interpreter: resilient
            content:
              templates: content/templates.yaml
              baseline: [content/ipc-update-291.yaml, content/process-baseline.yaml, content/file-baseline.yaml, content/network-baseline.yaml]
            updates: []

            """
        try scenario.write(toFile: "\(folder)/neighbour.yaml", atomically: true, encoding: .utf8)
        let started = monotonicSeconds()
        let result = try RingfenceBinary.run(["run", "\(folder)/neighbour.yaml", "--format", "json", "--output", "\(folder)/report.json",
                                              "--work", "\(folder)/work"])
        let seconds = monotonicSeconds() - started
        #expect(result.status == .exited(0), "\(result.stderr)")
        let report = try #require((try Reliability.json("\(folder)/report.json")["scenarios"] as? [[String: Any]])?.first)
        let agents = report["agents"] as? [[String: Any]] ?? []
        let failing = try #require(agents.first { $0["name"] as? String == "failing" })
        let neighbour = try #require(agents.first { $0["name"] as? String == "neighbour" })
        let restarts = failing["restarts"] as? Int ?? 0
        let events = neighbour["events"] as? [String: Int] ?? [:]
        let generated = events["generated"] ?? 0, processed = events["processed"] ?? 0
        let kept = generated > 0 ? Double(processed) / Double(generated) : 0
        #expect(restarts >= failures, "only \(restarts) restarts")
        #expect((neighbour["failures"] as? [Any])?.isEmpty == true, "the neighbour failed: \(neighbour["failures"] ?? "")")
        #expect(neighbour["restarts"] as? Int == 0)
        #expect(kept >= 0.99, "the neighbour answered \(processed) of \(generated) events")
        #expect((report["host"] as? [String: Any])?["survived"] as? Bool == true)
        Reliability.figure("neighbour isolation", String(format: "A failed %d times (SIGSEGV) in %.1f s; B answered %d of %d events (%.2f%%), 0 failures, 0 restarts; host up",
                                                         restarts, seconds, processed, generated, 100 * kept))
    }
}
