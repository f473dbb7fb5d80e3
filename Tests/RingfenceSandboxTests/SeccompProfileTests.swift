import Foundation
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

@Suite(.timeLimit(.minutes(10))) struct SeccompProfileTests {
    @Test(arguments: ViolationHandling.allCases)
    func shippedProfilesCompile(_ handling: ViolationHandling) throws {
        for name in ["agent.json", "permissive-log.json", "exec-startup.json"] {
            let filter = try SandboxFixtures.policy(name).compile(handling: handling)
            #expect(filter.instructionCount > 10, "\(name)")
            #expect(filter.instructionCount < 4096, "\(name)")
        }
    }

    @Test func unknownSyscallNamesAreNamed() throws {
        let profile = SeccompProfile(defaultAction: "SCMP_ACT_KILL_PROCESS", syscalls: [
            .init(names: ["read", "raed", "openat"], action: "SCMP_ACT_ALLOW"),
            .init(names: ["writte"], action: "SCMP_ACT_ALLOW"),
        ])
        #expect(throws: SandboxPolicyError(file: "typo.json", message: "unknown syscall names: raed, writte")) {
            try PolicyCompiler(profile: profile, source: "typo.json").compile(handling: .trap)
        }
    }

    @Test func unknownActionsAndOperatorsAreNamed() throws {
        let badAction = SeccompProfile(defaultAction: "SCMP_ACT_EXPLODE", syscalls: [])
        #expect(throws: SandboxPolicyError(file: "p.json", message: "defaultAction: unknown action SCMP_ACT_EXPLODE")) {
            try PolicyCompiler(profile: badAction, source: "p.json").compile(handling: .trap)
        }
        let badOperator = SeccompProfile(defaultAction: "SCMP_ACT_KILL", syscalls: [
            .init(names: ["read"], action: "SCMP_ACT_ALLOW", args: [.init(index: 0, value: 1, op: "SCMP_CMP_ROUGHLY")]),
        ])
        #expect(throws: SandboxPolicyError(file: "p.json", message: "syscalls[0].args: unknown operator SCMP_CMP_ROUGHLY")) {
            try PolicyCompiler(profile: badOperator, source: "p.json").compile(handling: .trap)
        }
    }

    @Test func malformedJSONNamesTheFileAndPath() throws {
        let path = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["read"], "action": 7}]}"#, name: "bad.json")
        do {
            _ = try SeccompProfile.load(path)
            Issue.record("a malformed profile loaded")
        } catch {
            #expect(error.file == path)
            #expect(error.message.hasPrefix("syscalls[0].action:"))
        }
        #expect(throws: SandboxPolicyError(file: "/nonexistent.json", message: "cannot read the profile: No such file or directory")) {
            try SeccompProfile.load("/nonexistent.json")
        }
    }

    /// Two comparisons on one argument become two rules, ORed, as runc does:
    /// the probe's personality(ADDR_NO_RANDOMIZE) passes when either
    /// comparison allows it, in a real child under the compiled filter.
    @Test func twoComparisonsOnOneArgumentAreORed() throws {
        let agent = try SandboxFixtures.policy().profile
        func allowingPersonality(_ values: [UInt64]) -> PolicyCompiler {
            var profile = agent
            profile.syscalls = (profile.syscalls ?? []) + [.init(names: ["personality"], action: "SCMP_ACT_ALLOW",
                                                                 args: values.map { .init(index: 0, value: $0, op: "SCMP_CMP_EQ") })]
            return PolicyCompiler(profile: profile, source: "grouping.json")
        }
        let forkServer = try SandboxFixtures.forkServer()
        func personality(under policy: PolicyCompiler) throws -> Termination {
            var spec = try SandboxFixtures.spec()
            spec.policy = policy
            return try forkServer.launch(spec, entry: "probe", arguments: [Int64(EscapeProbe.personality.rawValue), 0])
                .wait(until: monotonicSeconds() + 10)
        }
        let addressNoRandomize: UInt64 = 0x0040000
        // Allowed by the second comparison alone: ORed. ANDed, nothing could ever pass both.
        #expect(try personality(under: allowingPersonality([0, addressNoRandomize])) == .exited(100))
        #expect(try personality(under: allowingPersonality([addressNoRandomize])) == .exited(100))
        // Allowed by neither: a violation, named.
        guard case .policyViolation(let violation) = try personality(under: allowingPersonality([0, 8])) else {
            Issue.record("personality(ADDR_NO_RANDOMIZE) ran with only 0 and 8 allowed")
            return
        }
        #expect(violation.syscall == "personality")
    }

    @Test(.enabled(if: SandboxFixtures.podmanProfile != nil, "../shared/fixtures/seccomp/podman-default.json is not present"))
    func podmanDefaultProfileParsesAndCompiles() throws {
        var compiler = try PolicyCompiler.load(SandboxFixtures.podmanProfile!)
        // Podman's default allows execve, ptrace, mount...: permissive, so it needs the opt-in.
        #expect(compiler.permissiveReasons.contains("syscalls[1] allows execve"))
        #expect(throws: SandboxPolicyError.self) { _ = try compiler.compile(handling: .notify) }
        compiler.allowsPermissive = true
        #expect(compiler.profile.syscalls?.count == 40)
        #expect(try compiler.compile(handling: .notify).instructionCount > 100)
    }
}
