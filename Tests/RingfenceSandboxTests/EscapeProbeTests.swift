import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

/// One test per probe of the escape corpus, under agent.json through the fork
/// server, with both violation paths. Each asserts the typed result the parent
/// saw (kind, syscall name or limit), never the child's own words.
@Suite(.serialized, .timeLimit(.minutes(10))) struct EscapeProbeTests {
    /// What each probe must end in under agent.json: the syscall named by the
    /// kernel or the reporter, or the limit or errno that stopped it.
    static let expected: [EscapeProbe: Termination] = [
        .openShadow: violation("openat"), .socket: violation("socket"), .execve: violation("execve"),
        .ptraceParent: violation("ptrace"), .killParent: violation("kill"), .killSibling: violation("kill"),
        .cloneNamespaces: violation("clone"), .clone3: .exited(ENOSYS), .ioUring: violation("io_uring_setup"),
        .bpf: violation("bpf"), .unshare: violation("unshare"), .mount: violation("mount"),
        .personality: violation("personality"), .keyctl: violation("keyctl"),
        .i386Syscall: unnamedViolation, .x32Syscall: unnamedViolation,
        .forkBomb: violation("clone"), .memoryBomb: .memoryLimit, .fdExhaustion: violation("dup"), .cpuSpin: .cpuLimit,
    ]

    static func violation(_ name: String) -> Termination {
        .policyViolation(SyscallViolation(syscall: name, number: SyscallTable.number(of: name), architecture: "x86_64",
                                          arguments: [], source: .kernelNotification))
    }

    static let unnamedViolation = Termination.policyViolation(SyscallViolation(syscall: nil, number: nil, architecture: nil,
                                                                               arguments: [], source: .signalOnly))

    @Test(arguments: EscapeProbe.allCases, [ViolationHandling.notify, .trap])
    func probeIsBlocked(_ probe: EscapeProbe, handling: ViolationHandling) throws {
        let forkServer = try SandboxFixtures.forkServer()
        let spec = try SandboxFixtures.spec(handling: handling)
        let sibling = try forkServer.launch(spec, entry: "sleep", arguments: [30_000])
        defer { sibling.kill(deadline: false); sibling.wait() }
        let target = probe == .killSibling ? sibling.pid : getpid()
        let child = try forkServer.launch(spec, entry: "probe", arguments: [Int64(probe.rawValue), Int64(target)])
        let termination = child.wait(until: monotonicSeconds() + 10)
        let expected = try #require(Self.expected[probe])
        switch (termination, expected) {
        case (.policyViolation(let seen), .policyViolation(let wanted)):
            #expect(seen.syscall == wanted.syscall, "\(probe)")
            #expect(seen.number == wanted.number, "\(probe)")
            #expect(seen.architecture == wanted.architecture, "\(probe)")
            if wanted.syscall != nil {
                #expect(seen.source == (handling == .notify ? .kernelNotification : .trapReport), "\(probe)")
            } else {
                #expect(seen.source == .signalOnly, "\(probe)")
            }
        default:
            #expect(termination == expected, "\(probe)")
        }
        #expect(ProbeOutcome.judge(probe, termination).verdict != .escaped)
    }
}
