import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

/// Fail closed, proven from outside the production code: each setup call is
/// made to fail for real, by a library preloaded into the real binary
/// (Interposer/fail_setup.c) or by a real resource condition, and the program
/// that would have run must not have run. No hook in Ringfence's own code.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FailClosedTests {
    /// Each interposed call, and the stage it must be reported as.
    static let injections: [(call: String, stage: SetupStage)] = [
        ("pdeathsig", .parentDeath), ("setpgid", .processGroup), ("sigmask", .signals), ("dup3", .fileDescriptors),
        ("setrlimit", .resourceLimits), ("nnp", .noNewPrivileges), ("seccomp", .seccomp), ("clone", .clone),
    ] + (geteuid() == 0 ? [("setgroups", .identity)] : [])

    @Test(arguments: injections.map(\.call))
    func theForkServerPathStartsNothingWhenACallFails(_ call: String) throws {
        let stage = try #require(Self.injections.first { $0.call == call }?.stage)
        let forkServer = try FailureInjection.forkServer(failing: call, errno: EPERM)
        var marker: [Int32] = [-1, -1]
        #expect(pipe(&marker) == 0)
        defer { close(marker[0]) }
        let spec = try SandboxFixtures.spec(stdout: marker[1])
        // `probe` with the getpid check would exit 100 once it ran; it must never get there.
        let error = #expect(throws: SandboxSetupError.self) {
            try forkServer.launch(spec, entry: "probe", arguments: [Int64(PolicyCheck.getpid.rawValue), 0])
        }
        close(marker[1])
        #expect(error?.stage == stage)
        #expect(error?.errno == EPERM)
        var byte: UInt8 = 0
        #expect(read(marker[0], &byte, 1) == 0)
        // The fork server itself survived the failure.
        #expect(kill(forkServer.pid, 0) == 0)
    }

    @Test(arguments: injections.map(\.call))
    func sandboxRunStartsNothingWhenACallFails(_ call: String) throws {
        let stage = try #require(Self.injections.first { $0.call == call }?.stage)
        let folder = FailureInjection.worldWritableFolder()
        let marker = folder + "/ran"
        let output = try FailureInjection.sandboxRun(failing: call, errno: EPERM, touching: marker)
        #expect(output.status == .exited(SandboxRun.setupFailureStatus), "\(call): \(output.stderr)")
        #expect(output.stderr.contains("setup failed at \(stage)"), "\(call): \(output.stderr)")
        #expect(access(marker, F_OK) != 0, "\(call): the command ran")
    }

    /// The control: without an injected failure the same command does run,
    /// so the two tests above can fail.
    @Test func theSameCommandRunsWithoutAFailure() throws {
        let marker = FailureInjection.worldWritableFolder() + "/ran"
        let output = try FailureInjection.sandboxRun(failing: nil, errno: 0, touching: marker)
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(access(marker, F_OK) == 0)
    }

    // MARK: - Real conditions, no interposer

    /// RLIMIT_NOFILE above /proc/sys/fs/nr_open: the kernel refuses it (EPERM).
    @Test func anImpossibleFileLimitFailsAtTheRlimitStage() throws {
        let nrOpen = Int((try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 1 << 20
        var spec = try SandboxFixtures.spec()
        spec.limits.openFiles = nrOpen + 1
        let forkServer = try SandboxFixtures.forkServer()
        #expect(throws: SandboxSetupError(stage: .resourceLimits, errno: EPERM)) {
            try forkServer.launch(spec, entry: "exit", arguments: [0])
        }
        #expect(throws: SandboxSetupError(stage: .resourceLimits, errno: EPERM)) {
            try SandboxFixtures.execLauncher().launch(spec, executable: SandboxFixtures.probeExecutable, arguments: ["hold"])
        }
    }

    /// A descriptor that is not open cannot be laid out: the fds stage fails (EBADF).
    @Test func aClosedDescriptorFailsAtTheDescriptorStage() throws {
        var spec = try SandboxFixtures.spec()
        spec.descriptors.append(DescriptorMapping(999, as: 5))
        #expect(throws: SandboxSetupError(stage: .fileDescriptors, errno: EBADF)) {
            try SandboxFixtures.execLauncher().launch(spec, executable: SandboxFixtures.probeExecutable, arguments: ["hold"])
        }
    }

    /// More rules than a BPF program can hold: refused in the parent, no child.
    @Test func anOversizedFilterIsRefusedBeforeAnyChild() throws {
        let rules = (0..<1_000).map { value in
            #"{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": \#(value), "op": "SCMP_CMP_EQ"}, {"index": 2, "value": \#(value), "op": "SCMP_CMP_EQ"}]}"#
        }
        let path = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [\#(rules.joined(separator: ","))]}"#,
                                           name: "oversized.json")
        var spec = try SandboxFixtures.spec()
        spec.policy = try PolicyCompiler.load(path)
        let error = #expect(throws: SandboxPolicyError.self) { _ = try spec.policy.compile(handling: .notify) }
        #expect(error?.message.contains("4,096 BPF instructions") == true, "\(error?.message ?? "")")
        // Refused while compiling, in this process: the fork server is never asked for a child.
        #expect(throws: SandboxPolicyError.self) { _ = try SandboxFixtures.forkServer().launch(spec, entry: "exit") }
    }
}

extension FailureInjection {
    static func forkServer(failing call: String, errno: Int32) throws -> ForkServer {
        try ForkServer(executable: RingfenceBinary.path, environment: environment(failing: call, errno: errno))
    }

    /// `ringfence sandbox run` of a command that creates `marker`, under the
    /// log profile, where it would succeed if it ran at all.
    static func sandboxRun(failing call: String?, errno: Int32, touching marker: String) throws -> ChildProcess.Output {
        try ChildProcess.run(RingfenceBinary.path, ["sandbox", "run", "--profile", "\(SandboxFixtures.profiles)/permissive-log.json",
                                                    "--wall", "10", "--", "/bin/sh", "-c", "echo ran > '\(marker)'"],
                             environment: environment(failing: call, errno: errno))
    }

}
