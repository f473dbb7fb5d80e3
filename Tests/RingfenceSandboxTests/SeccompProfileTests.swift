import Foundation
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

@Suite struct SeccompProfileTests {
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

    @Test func argumentComparisonsAndTheirGrouping() throws {
        // Two comparisons on one argument become two rules (ORed), as runc does.
        let profile = SeccompProfile(defaultAction: "SCMP_ACT_KILL", syscalls: [
            .init(names: ["personality"], action: "SCMP_ACT_ALLOW",
                  args: [.init(index: 0, value: 0, op: "SCMP_CMP_EQ"), .init(index: 0, value: 8, op: "SCMP_CMP_EQ")]),
            .init(names: ["openat"], action: "SCMP_ACT_ALLOW", args: [.init(index: 2, value: 3, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ")]),
        ])
        #expect(try PolicyCompiler(profile: profile, source: "p.json").compile(handling: .notify).instructionCount > 0)
    }

    @Test(.enabled(if: SandboxFixtures.podmanProfile != nil, "../shared/fixtures/seccomp/podman-default.json is not present"))
    func podmanDefaultProfileParsesAndCompiles() throws {
        let compiler = try PolicyCompiler.load(SandboxFixtures.podmanProfile!)
        #expect(compiler.profile.syscalls?.count == 40)
        #expect(try compiler.compile(handling: .notify).instructionCount > 100)
    }
}
