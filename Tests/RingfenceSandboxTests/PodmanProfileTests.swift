import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

/// The real-world profile from ../shared/fixtures: compiled for this
/// architecture with no capabilities, its rules answer as podman's would.
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: SandboxFixtures.podmanProfile != nil, "../shared/fixtures/seccomp/podman-default.json is not present"))
struct PodmanProfileTests {
    @Test func answersAsPodmanWould() throws {
        let forkServer = try SandboxFixtures.forkServer()
        var podman = try PolicyCompiler.load(SandboxFixtures.podmanProfile!)
        podman.allowsPermissive = true  // it allows execve, ptrace and mount
        let spec = SandboxSpec(policy: podman, handling: .notify, limits: ProbeRunner.limits,
                               descriptors: [0, 1, 2].map { DescriptorMapping(SandboxFixtures.devNull, as: $0) }, reportTarget: 3)
        func run(_ id: Int32) throws -> Termination {
            try forkServer.launch(spec, entry: "probe", arguments: [Int64(id), 0]).wait(until: monotonicSeconds() + 10)
        }
        #expect(try run(EscapeProbe.bpf.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.netlinkAuditSocket.rawValue) == .exited(EINVAL))
        #expect(try run(PolicyCheck.kexecLoad.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.addKey.rawValue) == .exited(ENOSYS))
        #expect(try run(PolicyCheck.getpid.rawValue) == .exited(100))
    }
}
