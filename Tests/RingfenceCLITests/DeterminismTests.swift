import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// The contract of simulated time (DESIGN.md section 1a): for a given scenario
/// and seed, `ringfence run --format json` gives the same report, to the
/// byte, once every `wall` figure and the caller's work folders are removed,
/// on an idle machine or a loaded one, with any `--jobs`, even when an agent
/// is stopped mid-run.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DeterminismTests {
    let work = Fixtures.temporaryDirectory("determinism")
    static let inputs = ["\(Fixtures.root)/Scenarios", "\(Fixtures.root)/examples/regression-suite"]

    /// The report with every `wall` key gone and the work folders replaced by a placeholder.
    static func normalized(_ path: String, folders: [String]) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for folder in folders { text = text.replacingOccurrences(of: folder, with: "<work>") }
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: withoutWall(object), options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    static func withoutWall(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            return object.filter { $0.key != "wall" }.mapValues(withoutWall)
        }
        if let array = value as? [Any] { return array.map(withoutWall) }
        return value
    }

    func arguments(_ name: String, jobs: Int) -> [String] {
        ["run"] + Self.inputs + ["--allow", Fixtures.content, "--format", "json", "--output", "\(work)/\(name).json", "--work", "\(work)/\(name)", "--bundles",
                                 "\(work)/\(name)-bundles", "--jobs", "\(jobs)"]
    }

    @Test func theSameSeedGivesTheSameReportUnderLoadWithAnAgentStopped() throws {
        let quiet = try RingfenceBinary.run(arguments("quiet", jobs: 1))
        #expect(quiet.status == .exited(0), "\(quiet.stdout)\n\(quiet.stderr)")

        // Both cores busy with other work, eight trials at once, and one agent stopped for 200 ms.
        let spinners = try (0..<2).map { _ in try ChildProcess.spawn("/bin/sh", ["-c", "while :; do :; done"]) }
        defer { for spinner in spinners { kill(spinner.pid, SIGKILL); _ = spinner.wait() } }
        let loaded = try ChildProcess.spawn(RingfenceBinary.path, arguments("loaded", jobs: 8),
                                            environment: ["SWIFT_BACKTRACE": "enable=no"])
        var stoppedAgent = false
        let deadline = monotonicSeconds() + 60
        while !stoppedAgent && monotonicSeconds() < deadline {
            if let agent = Processes.descendants(of: loaded.pid).first(where: Processes.isSandboxed) {
                kill(agent, SIGSTOP)
                usleep(200_000)
                kill(agent, SIGCONT)
                stoppedAgent = true
            }
            usleep(2_000)
        }
        #expect(loaded.wait() == .exited(0))
        #expect(stoppedAgent, "an agent was stopped mid-run")

        let folders = ["\(work)/quiet-bundles", "\(work)/loaded-bundles", "\(work)/quiet", "\(work)/loaded"]
        let first = try Self.normalized("\(work)/quiet.json", folders: folders)
        let second = try Self.normalized("\(work)/loaded.json", folders: folders)
        #expect(first == second)
        if first != second {
            let a = first.split(separator: "\n"), b = second.split(separator: "\n")
            for (index, line) in a.enumerated() where index < b.count && line != b[index] {
                Issue.record("first difference at line \(index + 1): \(line) | \(b[index])")
                break
            }
        }
    }
}
