import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem

/// Launch latency, crash-cycle throughput and peer comparisons for the
/// sandbox. Times are wall-clock milliseconds from this process's view.
public struct SandboxBenchmark {
    public let policy: PolicyCompiler
    public let startup: PolicyCompiler
    public let probeExecutable: String
    public let rounds: Int
    let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)

    public init(policy: PolicyCompiler, startup: PolicyCompiler, probeExecutable: String, rounds: Int) {
        self.policy = policy
        self.startup = startup
        self.probeExecutable = probeExecutable
        self.rounds = rounds
    }

    func spec(_ handling: ViolationHandling, namespaces: SandboxNamespaces = [], policy: PolicyCompiler? = nil) -> SandboxSpec {
        SandboxSpec(policy: policy ?? self.policy, handling: handling, limits: .agent, namespaces: namespaces,
                    descriptors: [0, 1, 2].map { DescriptorMapping(devNull, as: $0) }, reportTarget: 3)
    }

    /// Request to READY through the fork server: the child is set up, filtered and about to run its entry.
    public func forkServerLaunch(_ handling: ViolationHandling, namespaces: SandboxNamespaces = []) throws -> Samples {
        let server = try ForkServer()
        let spec = spec(handling, namespaces: namespaces)
        var samples = Samples()
        for round in 0...rounds {
            let child = try server.launch(spec, entry: "exit", arguments: [0])
            if round > 0 { samples.add(child.launchSeconds * 1000) }
            child.wait()
        }
        return samples
    }

    /// Clone to successful execve (the close-on-exec setup channel reads end-of-file).
    public func execLaunch(_ executable: String, _ arguments: [String]) throws -> Samples {
        let launcher = ExecLauncher(startup: startup)
        let spec = spec(.notify)
        var samples = Samples()
        for round in 0...rounds {
            let child = try launcher.launch(spec, executable: executable, arguments: arguments)
            if round > 0 { samples.add(child.launchSeconds * 1000) }
            child.wait()
        }
        return samples
    }

    /// Launch, crash (SIGSEGV), detect and classify, as fast as `loops`
    /// threads can, each with its own fork server. Returns cycles per second.
    public func crashCycles(seconds: Double, loops: Int, handling: ViolationHandling) throws -> Double {
        let spec = spec(handling)
        let loopStates = try (0..<loops).map { _ in CrashLoop(server: try ForkServer(), spec: spec) }
        for state in loopStates { _ = try state.server.launch(spec, entry: "crash-segv").wait() }
        let start = monotonicSeconds()
        DispatchQueue.concurrentPerform(iterations: loops) { index in loopStates[index].run(until: start + seconds) }
        return Double(loopStates.reduce(0) { $0 + $1.cycles }) / (monotonicSeconds() - start)
    }

    /// `/bin/true` to its exit: alone, under Ringfence's exec path, and under
    /// each peer present on this machine, interleaved round by round.
    public func peers() throws -> [(name: String, samples: Samples)] {
        let launcher = ExecLauncher(startup: startup)
        let spec = spec(.notify)
        // bwrap takes a compiled BPF on a descriptor: the same allowlist, plus execve (bwrap execs after loading it).
        let bpfPath = NSTemporaryDirectory() + "ringfence-bench-\(getpid()).bpf"
        var withExec = policy.adding(startup).profile
        withExec.syscalls = (withExec.syscalls ?? []) + [SeccompProfile.SyscallRule(names: ["execve"], action: "SCMP_ACT_ALLOW")]
        var bwrapPolicy = PolicyCompiler(profile: withExec, source: "agent.json + exec-startup.json + execve")
        bwrapPolicy.allowsPermissive = true  // bwrap loads the filter before it execs the command: execve must be allowed
        let filter = try bwrapPolicy.compile(handling: .trap)
        _ = FileManager.default.createFile(atPath: bpfPath, contents: filter.instructions.withUnsafeBytes { Data($0) })
        defer { unlink(bpfPath) }
        let bpf = open(bpfPath, O_RDONLY)
        defer { close(bpf) }

        let time = InterleavedTiming.timeCommand
        var runners: [InterleavedTiming.Runner] = [
            .init("/bin/true alone") { time("/bin/true", [], []) },
            .init("ringfence exec path (NNP + seccomp + rlimits + uid drop)") {
                InterleavedTiming.milliseconds {
                    guard let child = try? launcher.launch(spec, executable: "/bin/true", arguments: []) else { return false }
                    return child.wait() == .exited(0)
                }
            },
        ]
        if access("/usr/bin/bwrap", X_OK) == 0 {
            runners.append(.init("bwrap --ro-bind / / /bin/true") { time("/usr/bin/bwrap", ["--ro-bind", "/", "/", "/bin/true"], []) })
            runners.append(.init("bwrap --ro-bind / / --seccomp (same allowlist)") {
                lseek(bpf, 0, SEEK_SET)
                return time("/usr/bin/bwrap", ["--ro-bind", "/", "/", "--seccomp", "9", "/bin/true"], [(bpf, 9)])
            })
        }
        // firejail takes tens of milliseconds: a quarter of the rounds is plenty.
        if access("/usr/bin/firejail", X_OK) == 0 {
            runners.append(.init("firejail --noprofile /bin/true", every: 4) { time("/usr/bin/firejail", ["--quiet", "--noprofile", "/bin/true"], []) })
        }
        return try InterleavedTiming(runners, rounds: rounds).measure()
    }
}

/// One crash loop: its own fork server, used only by the thread that runs it.
private final class CrashLoop: @unchecked Sendable {
    let server: ForkServer
    let spec: SandboxSpec
    var cycles = 0

    init(server: ForkServer, spec: SandboxSpec) {
        self.server = server
        self.spec = spec
    }

    func run(until deadline: Double) {
        while monotonicSeconds() < deadline {
            guard let child = try? server.launch(spec, entry: "crash-segv"), child.wait() == .crashed(.segmentationFault) else { return }
            cycles += 1
        }
    }
}
