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
        let forkServer = try SandboxFixtures.forkServer()
        var docker = try PolicyCompiler.load(SandboxFixtures.dockerProfile!)
        docker.allowsPermissive = true  // it allows execve
        let spec = SandboxSpec(policy: docker, handling: .notify, limits: ProbeRunner.limits,
                               descriptors: [0, 1, 2].map { DescriptorMapping(SandboxFixtures.devNull, as: $0) }, reportTarget: 3)
        func run(_ id: Int32) throws -> Termination {
            try forkServer.launch(spec, entry: "probe", arguments: [Int64(id), 0]).wait(until: monotonicSeconds() + 10)
        }
        #expect(try run(EscapeProbe.bpf.rawValue) == .exited(EPERM))
        #expect(try run(EscapeProbe.clone3.rawValue) == .exited(ENOSYS))
        #expect(try run(PolicyCheck.vsockSocket.rawValue) == .exited(EPERM))
        #expect(try run(EscapeProbe.ioUring.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.addKey.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.kexecLoad.rawValue) == .exited(EPERM))
        #expect(try run(PolicyCheck.getpid.rawValue) == .exited(100))
    }
}
