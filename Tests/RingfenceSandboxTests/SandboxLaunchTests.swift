import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

@Suite(.serialized, .timeLimit(.minutes(10))) struct SandboxLaunchTests {
    // MARK: - Crashes keep their own signal

    /// The backtracer pitfall: the Swift runtime's inherited crash handlers
    /// would turn a SIGSEGV into SIGSYS under the filter. The setup resets them.
    @Test(arguments: [ViolationHandling.notify, .trap])
    func crashesAreReportedWithTheirOwnSignal(_ handling: ViolationHandling) throws {
        let forkServer = try SandboxFixtures.forkServer()
        let spec = try SandboxFixtures.spec(handling: handling)
        let segv = try forkServer.launch(spec, entry: "crash-segv").wait(until: monotonicSeconds() + 10)
        #expect(segv == .crashed(.segmentationFault))
        let trap = try forkServer.launch(spec, entry: "crash-trap").wait(until: monotonicSeconds() + 10)
        #expect(trap == .crashed(.swiftTrap))
        let exit = try forkServer.launch(spec, entry: "exit", arguments: [42]).wait(until: monotonicSeconds() + 10)
        #expect(exit == .exited(42))
    }

    // MARK: - Fail closed

    @Test func anInvalidProfileStartsNothing() throws {
        let path = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["nosuchcall"], "action": "SCMP_ACT_ALLOW"}]}"#,
                                           name: "invalid.json")
        let policy = try PolicyCompiler.load(path)
        let spec = SandboxSpec(policy: policy, descriptors: [DescriptorMapping(SandboxFixtures.devNull, as: 0)])
        let forkServer = try SandboxFixtures.forkServer()
        let before = SandboxFixtures.openDescriptors
        #expect(throws: SandboxPolicyError(file: path, message: "unknown syscall names: nosuchcall")) {
            try forkServer.launch(spec, entry: "exit", arguments: [0])
        }
        #expect(throws: SandboxPolicyError.self) {
            try SandboxFixtures.execLauncher().launch(spec, executable: "/bin/true", arguments: [])
        }
        #expect(SandboxFixtures.openDescriptors == before)
    }

    @Test func aMissingExecutableIsRefusedAtExec() throws {
        #expect(throws: SandboxSetupError(stage: .exec, errno: ENOENT)) {
            try SandboxFixtures.execLauncher().launch(try SandboxFixtures.spec(), executable: "/nonexistent/agent", arguments: [])
        }
    }

    @Test func anUnknownEntryIsRefused() throws {
        let forkServer = try SandboxFixtures.forkServer()
        #expect(throws: SandboxSetupError(stage: .clone, errno: EPROTO)) {
            try forkServer.launch(try SandboxFixtures.spec(), entry: "no-such-entry")
        }
        // The fork server is still there for the next request.
        #expect(try forkServer.launch(try SandboxFixtures.spec(), entry: "exit", arguments: [7]).wait() == .exited(7))
    }

    // MARK: - Namespaces

    @Test(.enabled(if: getuid() == 0, "namespaces need root (CAP_SYS_ADMIN)"))
    func namespacesAreOptionalAndWork() throws {
        let forkServer = try SandboxFixtures.forkServer()
        var spec = try SandboxFixtures.spec()
        spec.namespaces = [.pid, .network, .ipc, .mount]
        #expect(try forkServer.launch(spec, entry: "exit", arguments: [5]).wait(until: monotonicSeconds() + 10) == .exited(5))
        // In the new network namespace the filter still decides: socket is a violation.
        let probe = try forkServer.launch(spec, entry: "probe", arguments: [Int64(EscapeProbe.socket.rawValue), 0])
        guard case .policyViolation(let violation) = probe.wait(until: monotonicSeconds() + 10) else {
            Issue.record("expected a policy violation")
            return
        }
        #expect(violation.syscall == "socket")
    }

    // MARK: - The exec path

    @Test func theExecPathNamesViolationsThroughNotification() throws {
        let launcher = try SandboxFixtures.execLauncher()
        let spec = try SandboxFixtures.spec()
        let child = try launcher.launch(spec, executable: SandboxFixtures.probeExecutable, arguments: ["ptrace-parent", "\(getpid())"])
        guard case .policyViolation(let violation) = child.wait(until: monotonicSeconds() + 10) else {
            Issue.record("expected a policy violation")
            return
        }
        #expect(violation.syscall == "ptrace")
        #expect(violation.number == 101)
        #expect(violation.source == .kernelNotification)
    }

    /// The exec-path child shares this process's memory until its execve
    /// (CLONE_VM | CLONE_VFORK), but not its credentials: the child runs as
    /// 65534 while every thread of this multi-threaded test process stays root.
    @Test(.enabled(if: getuid() == 0, "the identity drop happens only as root"))
    func theExecPathDropsTheChildsIdentityAndNotTheParents() throws {
        var output: [Int32] = [-1, -1]
        #expect(pipe(&output) == 0)
        defer { close(output[0]) }
        let spec = try SandboxFixtures.spec("permissive-log.json", handling: .log, stdout: output[1])
        let child = try SandboxFixtures.execLauncher().launch(spec, executable: "/usr/bin/id", arguments: ["-u"])
        close(output[1])
        #expect(child.wait(until: monotonicSeconds() + 10) == .exited(0))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(output[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "65534\n")
        #expect(getuid() == 0 && geteuid() == 0)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var elsewhere: (uid_t, uid_t) = (1, 1)
        Thread {
            elsewhere = (getuid(), geteuid())
            done.signal()
        }.start()
        done.wait()
        #expect(elsewhere == (0, 0))
    }

    // MARK: - Permissive

    @Test func logModeRecordsAndLetsTheChildRun() throws {
        let forkServer = try SandboxFixtures.forkServer()
        let spec = try SandboxFixtures.spec("permissive-log.json", handling: .log)
        let child = try forkServer.launch(spec, entry: "probe", arguments: [Int64(EscapeProbe.socket.rawValue), 0])
        #expect(child.wait(until: monotonicSeconds() + 10) == .exited(100))
        #expect(child.loggedSyscalls == ["socket": 1])
    }

    // MARK: - Parent death

    @Test func childrenDieWithTheirSupervisor() throws {
        var output: [Int32] = [-1, -1]
        #expect(pipe(&output) == 0)
        let supervisor = try ChildProcess.spawn(RingfenceBinary.path,
                                                ["sandbox", "__hold", "--profile", "\(SandboxFixtures.profiles)/agent.json"],
                                                environment: ["SWIFT_BACKTRACE": "enable=no"], stdout: output[1])
        close(output[1])
        defer { close(output[0]) }
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 256)
        while text.filter({ $0 == "\n" }).count < 2 {
            let count = read(output[0], &buffer, buffer.count)
            guard count > 0 else { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        let pids = text.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { pid_t($0) } }
        try #require(pids.count == 2, "supervisor printed: \(text)")
        #expect(pids.allSatisfy(SandboxFixtures.isAlive))
        kill(supervisor.pid, SIGKILL)
        _ = supervisor.wait()
        let deadline = monotonicSeconds() + 5
        while pids.contains(where: SandboxFixtures.isAlive), monotonicSeconds() < deadline { usleep(10_000) }
        #expect(!pids.contains(where: SandboxFixtures.isAlive), "still alive: \(pids.filter(SandboxFixtures.isAlive))")
    }

    // MARK: - Many cycles, nothing left behind

    /// Runs in a child process of its own, so that no other test's descriptors
    /// or children can disturb the count. Exit status 0: nothing leaked;
    /// 2: a crash was not reported as SIGSEGV; 3: descriptors leaked; 4: zombies.
    @Test func aThousandLaunchAndCrashCyclesLeakNothing() async {
        await #expect(processExitsWith: .success) {
            let forkServer = try SandboxFixtures.forkServer()
            let spec = try SandboxFixtures.spec()
            _ = try forkServer.launch(spec, entry: "crash-segv").wait()  // warm the filter cache
            let before = SandboxFixtures.openDescriptors
            for _ in 0..<1_000 {
                let child = try forkServer.launch(spec, entry: "crash-segv")
                if child.wait(until: monotonicSeconds() + 10) != .crashed(.segmentationFault) { exit(2) }
            }
            if SandboxFixtures.openDescriptors != before { exit(3) }
            if !SandboxFixtures.zombieChildren(of: [getpid(), forkServer.pid]).isEmpty { exit(4) }
        }
    }
}
