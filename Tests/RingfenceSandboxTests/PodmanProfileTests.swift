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
        // Podman's default allows execve, ptrace and mount: permissive, opted in.
        let run = try SandboxFixtures.answers(under: try PolicyCompiler.load(SandboxFixtures.podmanProfile!))
        #expect(try run(EscapeProbe.bpf.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.netlinkAuditSocket.rawValue) == .exited(EINVAL))
        #expect(try run(PolicyCheck.kexecLoad.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.addKey.rawValue) == .exited(ENOSYS))
        #expect(try run(PolicyCheck.getpid.rawValue) == .exited(100))
    }
}
