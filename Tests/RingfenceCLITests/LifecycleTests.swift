import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// What the lab leaves behind when it is killed: no process, no temporary file.
@Suite(.serialized, .timeLimit(.minutes(10))) struct LifecycleTests {
    /// A user-mode scenario that runs for a long while (a simulated hour), so
    /// that the lab can be killed with its host, fork server and agent up.
    static func longScenario() throws -> String {
        let folder = try Fixtures.folderWithContent("lifecycle")
        let text = try String(contentsOfFile: "\(Fixtures.root)/Scenarios/july19-user.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"duration: [0-9a-z]+"#, with: "duration: 1h", options: .regularExpression)
            .components(separatedBy: "\nexpect:")[0] + "\n"
        let path = "\(folder)/long.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// SIGKILL the lab once its agent runs: every process it started is gone
    /// within a second (each host and fork server arms a parent-death signal
    /// itself; agents arm theirs against the fork server).
    @Test(arguments: ["lab", "process group"])
    func nothingOutlivesAKilledLab(_ target: String) throws {
        let scenario = try Self.longScenario()
        let work = Fixtures.temporaryDirectory("lifecycle-work")
        // setsid: the lab leads a process group of its own, which the second case kills whole.
        let lab = try ChildProcess.spawn("/usr/bin/setsid", [RingfenceBinary.path, "run", scenario, "--work", work, "--format", "json",
                                                             "--output", "\(work)/report.json"],
                                         environment: ["SWIFT_BACKTRACE": "enable=no"])
        defer { kill(lab.pid, SIGKILL); _ = lab.wait() }
        // Wait for host -> fork server -> agent: three generations below the lab.
        let deadline = monotonicSeconds() + 30
        var below: [pid_t] = []
        while monotonicSeconds() < deadline {
            below = Processes.descendants(of: lab.pid)
            if below.count >= 3 && below.contains(where: Processes.isSandboxed) { break }
            pause(milliseconds: 20)
        }
        try #require(below.count >= 3, "the agent never started: \(below)")
        _ = target == "lab" ? kill(lab.pid, SIGKILL) : kill(-lab.pid, SIGKILL)
        _ = lab.wait()
        let killed = monotonicSeconds()
        var alive = below
        while !alive.isEmpty && monotonicSeconds() < killed + 1 {
            alive = below.filter(Processes.isAlive)
            pause(milliseconds: 10)
        }
        #expect(alive.isEmpty, "still running 1 s after the lab was killed: \(alive)")
    }

    /// A writer killed between its temporary file and the rename leaves
    /// `NAME.tmp-PID`; the next report written to NAME removes it, and keeps
    /// a live writer's.
    @Test func staleTemporaryReportsAreRemoved() throws {
        let work = Fixtures.temporaryDirectory("lifecycle-report")
        let report = "\(work)/report.json"
        let gone = try ChildProcess.spawn("/bin/true", [])
        _ = gone.wait()
        let stale = "\(report).tmp-\(gone.pid)"
        let sleeper = try ChildProcess.spawn("/bin/sleep", ["30"])
        defer { kill(sleeper.pid, SIGKILL); _ = sleeper.wait() }
        let live = "\(report).tmp-\(sleeper.pid)"
        for path in [stale, live] { _ = FileManager.default.createFile(atPath: path, contents: Data("partial".utf8)) }
        let result = try RingfenceBinary.run(["run", "\(Fixtures.root)/Scenarios/july19-validated.yaml", "--format", "json",
                                              "--output", report, "--work", "\(work)/runs"])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale), "the dead writer's temporary file is still there")
        #expect(FileManager.default.fileExists(atPath: live), "a live writer's temporary file was removed")
        #expect(FileManager.default.fileExists(atPath: report))
    }
}
