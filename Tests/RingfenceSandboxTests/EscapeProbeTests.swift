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
        // The second round: read-only opens that write, signals to others, and the
        // calls sandbox2 and the seccomp selftests probe. glibc's pthread_create
        // first installs its cancellation handler, which agent.json refuses.
        .openat2: violation("openat2"), .tgkillSibling: violation("tgkill"), .tkillSibling: violation("tkill"), .rtSigqueueinfoSibling: violation("rt_sigqueueinfo"), .pidfdSendSignalSibling: violation("pidfd_open"), .killUnrelated: violation("kill"), .killGroup: violation("kill"), .killEveryone: violation("kill"), .processVMWritevParent: violation("process_vm_writev"), .kcmp: violation("kcmp"), .userfaultfd: violation("userfaultfd"), .perfEventOpen: violation("perf_event_open"), .openByHandleAt: violation("open_by_handle_at"), .setns: violation("setns"), .tiocsti: violation("ioctl"), .memfdExecveat: violation("memfd_create"), .fanotifyInit: violation("fanotify_init"), .iopl: violation("iopl"), .modifyLDT: violation("modify_ldt"), .vmsplice: violation("vmsplice"), .openTruncate: violation("openat"), .openCreate: violation("openat"), .openWrite: violation("openat"), .thread11Of16: violation("rt_sigaction"),
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
        let spec = try SandboxFixtures.spec(handling: handling, limits: ProbeRunner.limits(for: probe))
        let sibling = try forkServer.launch(spec, entry: "sleep", arguments: [30_000])
        defer { sibling.kill(deadline: false); sibling.wait() }
        let bystander = probe.target == .unrelated ? try Bystander(identity: spec.identity) : nil
        defer { bystander?.stop() }
        let target = switch probe.target {
        case .supervisor: getpid()
        case .sibling: sibling.pid
        case .unrelated: bystander!.pid
        }
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
        #expect(sibling.isRunning, "\(probe) reached the sibling")
        #expect(bystander?.isRunning ?? true, "\(probe) reached a process it did not start")
    }

    /// With threads allowed, the forbidden call from thread 11 of 16 ends
    /// the whole process (SCMP_ACT_KILL_PROCESS), not only that thread: the
    /// probe never gets to report an escape.
    @Test(arguments: [ViolationHandling.notify, .trap])
    func aForbiddenCallFromOneThreadEndsTheWholeProcess(_ handling: ViolationHandling) throws {
        let agent = try String(contentsOfFile: "\(SandboxFixtures.profiles)/agent.json", encoding: .utf8)
        let threads = #"{ "names": ["clone", "set_robust_list", "rseq", "rt_sigaction", "sigaltstack"], "action": "SCMP_ACT_ALLOW" },"#
        let path = Fixtures.writeTemporary(agent.replacingOccurrences(of: #""syscalls": ["#, with: #""syscalls": ["# + threads), name: "threads.json")
        var spec = try SandboxFixtures.spec(handling: handling)
        spec.policy = try PolicyCompiler.load(path)
        spec.limits.processes = 64  // threads count against RLIMIT_NPROC
        let child = try SandboxFixtures.forkServer().launch(spec, entry: "probe", arguments: [Int64(EscapeProbe.thread11Of16.rawValue), 0])
        let termination = child.wait(until: monotonicSeconds() + 10)
        guard case .policyViolation(let violation) = termination else {
            Issue.record("expected a policy violation, got \(termination)")
            return
        }
        #expect(violation.syscall == "socket")
    }
}
