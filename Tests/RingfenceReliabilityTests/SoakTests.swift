import Foundation
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// Thousands of failures of every kind under one supervisor: `ringfence bench
/// soak` does it in a process of its own (descriptors and memory of a test
/// process shared with other suites would not be its own), and says whether
/// anything was left behind.
@Suite(.serialized, .timeLimit(.minutes(20))) struct SoakTests {
    @Test func thousandsOfFailuresLeaveNothingBehind() throws {
        let failures = Reliability.count(short: 350, full: 10_000)
        let output = try RingfenceBinary.run(["bench", "soak", "--failures", "\(failures)", "--cpu-every", Reliability.isFull ? "500" : "350"])
        #expect(output.status == .exited(0), "\(output.stdout)\(output.stderr)")
        let line = output.stdout.split(separator: "\n").first { $0.hasPrefix("soak: ") }.map { String($0.dropFirst(6)) } ?? ""
        #expect(line.hasPrefix("\(failures) failures"), "\(output.stdout)")
        #expect(line.contains("supervisor alive; zombies 0;"), "\(line)")
        Reliability.figure("soak", line)
    }
}
