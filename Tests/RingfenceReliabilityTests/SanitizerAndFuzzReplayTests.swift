import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// The C target under AddressSanitizer, and the fuzz corpus replayed through
/// the decoders (every seed, and every crash `make fuzz` has found).
@Suite(.serialized, .timeLimit(.minutes(10))) struct SanitizerAndFuzzReplayTests {
    @Test func theCTargetRunsCleanUnderAddressSanitizer() throws {
        let root = Fixtures.root
        let sources = try FileManager.default.contentsOfDirectory(atPath: "\(root)/Sandbox/CSandbox").filter { $0.hasSuffix(".c") }
            .map { "\(root)/Sandbox/CSandbox/\($0)" }
        let harness = Fixtures.temporaryDirectory("asan") + "/csandbox-harness"
        let build = try ChildProcess.run(Fixtures.cCompiler, ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g", "-O1",
                                                    "-I", "\(root)/Sandbox/CSandbox/include", "-o", harness,
                                                    "\(root)/Tests/RingfenceReliabilityTests/ASan/csandbox_harness.c"] + sources)
        try #require(build.status == .exited(0), "\(build.stderr)")
        // No leak check: forked children exit through _exit by design.
        let run = try ChildProcess.run(harness, [], environment: ["ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"])
        #expect(run.status == .exited(0), "\(run.stdout)\(run.stderr)")
        #expect(!run.stderr.contains("Sanitizer"), "\(run.stderr)")
        Reliability.figure("AddressSanitizer", "C target (\(sources.count) files) + harness: \(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), 0 sanitizer reports")
    }

    @Test func theFuzzCorpusReplaysWithoutACrash() throws {
        let replay = URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent().appendingPathComponent("ringfence-fuzz").path
        let run = try ChildProcess.run(replay, ["\(Fixtures.root)/Tests/Fuzz"])
        #expect(run.status == .exited(0), "\(run.stderr)")
        Reliability.figure("fuzz replay", run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
