import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// The lab killed at seeded random moments: its record logs still read, its
/// report is the old one or the new one, and nothing it started lives on.
@Suite(.serialized, .timeLimit(.minutes(20))) struct DurabilityTests {
    /// A small deterministic generator (the kill moments are seeded).
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func killingTheLabLosesNothingItActedOn() throws {
        let trials = Reliability.count(short: 6, full: 100)
        var random = SplitMix(state: 291)
        var problems: [String] = []
        var torn = 0, records = 0, outlived = 0
        for trial in 0..<trials {
            let work = Fixtures.temporaryDirectory("durability")
            let report = "\(work)/report.json"
            try "OLD\n".write(toFile: report, atomically: true, encoding: .utf8)
            let wholeGroup = trial % 2 == 1
            let lab = try ChildProcess.spawn("/usr/bin/setsid", [RingfenceBinary.path, "run", "\(Fixtures.root)/Scenarios/july19-kernel.yaml",
                                                                 "\(Fixtures.root)/Scenarios/july19-user.yaml", "--format", "json",
                                                                 "--output", report, "--work", "\(work)/runs"],
                                             environment: ["SWIFT_BACKTRACE": "enable=no"])
            pause(milliseconds: Int64(random.next() % 1_500))
            let below = Processes.descendants(of: lab.pid)
            _ = wholeGroup ? kill(-lab.pid, SIGKILL) : kill(lab.pid, SIGKILL)
            _ = lab.wait()
            let deadline = monotonicSeconds() + 1
            while below.contains(where: Processes.isAlive) && monotonicSeconds() < deadline { pause(milliseconds: 10) }
            let alive = below.filter(Processes.isAlive)
            outlived += alive.count
            for pid in alive { kill(pid, SIGKILL) }
            // The report: the old one or a whole new one.
            let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            if text != "OLD\n" && (try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil {
                problems.append("trial \(trial): a partial report (\(text.utf8.count) bytes)")
            }
            // Every record log: JSON lines, at most one torn last line, unique sequence numbers, an attempt record per boot.
            let logs = (FileManager.default.enumerator(atPath: work)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("records.jsonl") }
            for log in logs {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: "\(work)/\(log)"))) ?? Data()
                var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Data($0) }
                if lines.last?.isEmpty == true { lines.removeLast() }
                var seen = Set<Int>(), attempts = Set<Int>(), boots = Set<Int>()
                for (index, line) in lines.enumerated() {
                    guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                        if index == lines.count - 1 && data.last != 0x0A { torn += 1 } else { problems.append("trial \(trial): \(log) line \(index + 1) does not read") }
                        continue
                    }
                    records += 1
                    if let seq = object["seq"] as? Int, !seen.insert(seq).inserted { problems.append("trial \(trial): \(log) repeats seq \(seq)") }
                    let boot = object["boot"] as? Int ?? 0
                    // A recovery is logged for the boot it prepares, before that boot's attempt record.
                    switch object["type"] as? String {
                    case "attempt-started": attempts.insert(boot)
                    case "recovery": break
                    default: if boot > 0 { boots.insert(boot) }
                    }
                }
                for boot in boots.subtracting(attempts) { problems.append("trial \(trial): \(log) boot \(boot) has no attempt record") }
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(outlived == 0, "\(outlived) processes outlived the lab")
        Reliability.figure("durability", "\(trials) SIGKILLs (lab and process group, seeded moments): \(records) records read, \(torn) torn final lines, "
                               + "\(problems.count) problems, \(outlived) processes outlived the lab")
    }

    /// Out of disk while writing: a clear error and exit 2, never a silently
    /// truncated report. Needs root to mount a small tmpfs.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root")) func aFullDiskIsAClearError() throws {
        let mount = Fixtures.temporaryDirectory("full-disk")
        let mounted = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=12k", "tmpfs", mount])
        try #require(mounted.status == .exited(0), "\(mounted.stderr)")
        defer { _ = try? ChildProcess.run("/bin/umount", ["-l", mount]) }
        // Fill it, so that the report cannot be written.
        _ = try ChildProcess.run("/bin/dd", ["if=/dev/zero", "of=\(mount)/filler", "bs=1k", "count=64"])
        let result = try RingfenceBinary.run(["run", "\(Fixtures.root)/Scenarios/july19-validated.yaml", "--format", "json",
                                              "--output", "\(mount)/report.json", "--work", Fixtures.temporaryDirectory("full-disk-work")])
        #expect(result.status == .exited(2))
        #expect(result.stderr.hasPrefix("ringfence: cannot write \(mount)/report.json"), "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(mount)/report.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mount) == ["filler"], "a temporary file was left")
        Reliability.figure("disk full", "exit \(result.status), stderr: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}
