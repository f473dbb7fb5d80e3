import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

/// Docker's current default profile from ../shared/fixtures. It names
/// syscalls newer than this libseccomp; those allow rules are skipped, as
/// Docker's runtime skips them, and everything else answers as the fixtures'
/// README lists (with no capabilities).
@Suite(.serialized, .timeLimit(.minutes(10)), .enabled(if: SandboxFixtures.dockerProfile != nil, "../shared/fixtures/seccomp/docker-default.json is not present"))
struct DockerProfileTests {
    @Test func itCompilesSkippingTheSyscallsThisLibseccompDoesNotKnow() throws {
        var docker = try PolicyCompiler.load(SandboxFixtures.dockerProfile!)
        #expect(docker.permissiveReasons.contains("syscalls[0] allows execve"), "\(docker.permissiveReasons)")
        docker.allowsPermissive = true
        let skipped = docker.skippedAllowedNames
        #expect(skipped.contains("mseal") && skipped.contains("listmount"), "\(skipped)")
        #expect(skipped.allSatisfy { SyscallTable.number(of: $0) == nil && SyscallTable.newerSyscalls.contains($0) })
        _ = try docker.compile(handling: .notify)
    }

    @Test func answersAsDockerWould() throws {
        let run = try SandboxFixtures.answers(under: try PolicyCompiler.load(SandboxFixtures.dockerProfile!))
        #expect(try run(EscapeProbe.bpf.rawValue) == .exited(EPERM))
        #expect(try run(EscapeProbe.clone3.rawValue) == .exited(ENOSYS))
        #expect(try run(PolicyCheck.vsockSocket.rawValue) == .exited(EPERM))
        #expect(try run(EscapeProbe.ioUring.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.addKey.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.kexecLoad.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.getpid.rawValue) == .exited(100))
    }
}
