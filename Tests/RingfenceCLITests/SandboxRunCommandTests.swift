import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// `ringfence sandbox run`, driven as a user drives it: the real binary, the
/// shipped profiles, exit statuses and the `--report` document.
@Suite(.timeLimit(.minutes(10))) struct SandboxRunCommandTests {
    static let profiles = "\(Fixtures.root)/Sandbox/profiles"
    static var probe: String {
        URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent().appendingPathComponent("ringfence-probe").path
    }

    /// What each act of the escape corpus ends in through `sandbox run` under
    /// agent.json: (exit status, report kind, syscall named). The exec path
    /// adds exec-startup.json, which allows openat for the loader, so reading
    /// /etc/shadow reaches the kernel's own check and fails with EACCES as uid
    /// 65534; clone3 is answered ENOSYS (so that libc falls back to clone),
    /// as on the fork-server path.
    static let expected: [EscapeProbe: (status: Int32, kind: String, syscall: String?)] = [
        .openShadow: (13, "exited", nil), .socket: (253, "policy-violation", "socket"),
        .execve: (253, "policy-violation", "execve"), .ptraceParent: (253, "policy-violation", "ptrace"),
        .killParent: (253, "policy-violation", "kill"), .killSibling: (253, "policy-violation", "kill"),
        .cloneNamespaces: (253, "policy-violation", "clone"), .clone3: (38, "exited", nil),
        .ioUring: (253, "policy-violation", "io_uring_setup"), .bpf: (253, "policy-violation", "bpf"),
        .unshare: (253, "policy-violation", "unshare"), .mount: (253, "policy-violation", "mount"),
        .personality: (253, "policy-violation", "personality"), .keyctl: (253, "policy-violation", "keyctl"),
        .i386Syscall: (253, "policy-violation", nil), .x32Syscall: (253, "policy-violation", nil),
        .forkBomb: (253, "policy-violation", "clone"), .memoryBomb: (134, "memory-limit", nil),
        .fdExhaustion: (253, "policy-violation", "dup"), .cpuSpin: (152, "cpu-limit", nil),
        // Under exec-startup.json, opens that could write, create or truncate are
        // refused by the filter itself (the mask covers every such flag).
        .openat2: (253, "policy-violation", "openat2"), .tgkillSibling: (253, "policy-violation", "tgkill"), .tkillSibling: (253, "policy-violation", "tkill"), .rtSigqueueinfoSibling: (253, "policy-violation", "rt_sigqueueinfo"), .pidfdSendSignalSibling: (253, "policy-violation", "pidfd_open"), .killUnrelated: (253, "policy-violation", "kill"), .killGroup: (253, "policy-violation", "kill"), .killEveryone: (253, "policy-violation", "kill"), .processVMWritevParent: (253, "policy-violation", "process_vm_writev"), .kcmp: (253, "policy-violation", "kcmp"), .userfaultfd: (253, "policy-violation", "userfaultfd"), .perfEventOpen: (253, "policy-violation", "perf_event_open"), .openByHandleAt: (253, "policy-violation", "open_by_handle_at"), .setns: (253, "policy-violation", "setns"), .tiocsti: (253, "policy-violation", "ioctl"), .memfdExecveat: (253, "policy-violation", "memfd_create"), .fanotifyInit: (253, "policy-violation", "fanotify_init"), .iopl: (253, "policy-violation", "iopl"), .modifyLDT: (253, "policy-violation", "modify_ldt"), .vmsplice: (253, "policy-violation", "vmsplice"), .openTruncate: (253, "policy-violation", "openat"), .openCreate: (253, "policy-violation", "openat"), .openWrite: (253, "policy-violation", "openat"), .thread11Of16: (253, "policy-violation", "clone"),
    ]

    /// Runs `ringfence sandbox run OPTIONS -- COMMAND` and decodes its report.
    static func sandboxRun(_ options: [String], _ command: [String],
                           descriptors: [(Int32, Int32)] = []) throws -> (output: ChildProcess.Output, report: SandboxRun.Report?) {
        let report = Fixtures.temporaryDirectory("sandbox-run") + "/report.json"
        let output = try ChildProcess.run(RingfenceBinary.path, ["sandbox", "run", "--report", report] + options + ["--"] + command,
                                          environment: ["SWIFT_BACKTRACE": "enable=no"], descriptors: descriptors)
        return (output, Self.report(at: report))
    }

    /// The `--report` document at `path`, if one was written and decodes.
    static func report(at path: String) -> SandboxRun.Report? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(SandboxRun.Report.self, from: $0) }
    }

    @Test(arguments: EscapeProbe.allCases)
    func everyProbeEndsAsItDoesForAnAgent(_ probe: EscapeProbe) throws {
        let limits = ["--memory", "256MiB", "--cpu", "\(ProbeRunner.limits(for: probe).cpuSeconds!)", "--nofile", "64", "--nproc", "8", "--wall", "10"]
        // Signals aimed at other processes go to a bystander of the sandbox's uid, never the test runner.
        let bystander = probe.target == .supervisor ? nil : try Bystander()
        defer { bystander?.stop() }
        let (output, report) = try Self.sandboxRun(["--profile", "\(Self.profiles)/agent.json"] + limits,
                                                   [Self.probe, probe.description, String(bystander?.pid ?? getpid())])
        #expect(bystander?.isRunning ?? true, "\(probe) reached a process it did not start")
        let expected = try #require(Self.expected[probe])
        #expect(output.status == .exited(expected.status), "\(probe): \(output.stderr)")
        let ending = try #require(report?.termination, "\(probe): no report")
        #expect(ending.kind == expected.kind, "\(probe)")
        #expect(ending.syscall == expected.syscall, "\(probe)")
        #expect(report?.exitStatus == expected.status)
        if let syscall = expected.syscall {
            let number = try #require(SyscallTable.number(of: syscall))
            #expect(ending.syscallNumber == number)
            #expect(output.stderr.contains("ringfence: policy violation: \(syscall) (nr \(number), x86_64)"), "\(output.stderr)")
        } else if expected.kind == "policy-violation" {
            // Killed outright by the filter: SIGSYS, and nothing names the call.
            #expect(ending.signal == "SIGSYS")
            #expect(ending.syscallNumber == nil)
        }
    }

    /// Builds a C program for a test into a folder the sandbox's uid can read.
    static func compile(_ sources: [String], flags: [String], name: String) throws -> String {
        let folder = Fixtures.temporaryDirectory("sandbox-c")
        chmod(folder, 0o755)
        let output = "\(folder)/\(name)"
        let result = try ChildProcess.run(Fixtures.cCompiler, flags + ["-o", output] + sources)
        try #require(result.status == .exited(0), "\(result.stderr)")
        return output
    }

    /// A statically linked program gets static-startup.json (arch_prctl for
    /// its TLS, and the rest of a static libc's start) instead of dying
    /// before main, and still cannot open a file.
    @Test func aStaticProgramRunsAndStillOpensNothing() throws {
        let source = Fixtures.writeTemporary("""
            #include <fcntl.h>
            #include <stdio.h>
            #include <string.h>
            int main(int argc, char **argv) {
                if (argc > 1 && strcmp(argv[1], "open") == 0) return open("/etc/hostname", O_RDONLY) >= 0 ? 0 : 1;
                puts("hello from a static program");
                return 0;
            }
            """, name: "hello.c")
        let program = try Self.compile([source], flags: ["-static", "-O2"], name: "hello-static")
        let (output, _) = try Self.sandboxRun([], [program])
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(output.stdout == "hello from a static program\n")
        let (opened, report) = try Self.sandboxRun([], [program, "open"])
        #expect(opened.status == .exited(SandboxRun.policyViolationStatus), "\(opened.stderr)")
        #expect(report?.termination.syscall == "openat")
    }

    /// The escape corpus built with optimisation, as a release build builds
    /// it: the memory bomb must still touch its memory and hit RLIMIT_AS,
    /// not be optimised away into an "escape".
    @Test func theMemoryBombIsStoppedWhenOptimised() throws {
        let root = Fixtures.root
        let probe = try Self.compile(["\(root)/Sandbox/Probe/main.c", "\(root)/Sandbox/CSandbox/escape_probes.c"],
                                     flags: ["-O3", "-I", "\(root)/Sandbox/CSandbox/include", "-pthread"], name: "probe-O3")
        let (output, report) = try Self.sandboxRun(["--memory", "256MiB", "--wall", "20"], [probe, "memory-bomb"])
        #expect(output.status == .exited(134), "\(output.stderr)")
        #expect(report?.termination.kind == "memory-limit")
    }

    @Test func theReportCarriesTimesAndPeakMemory() throws {
        let (output, report) = try Self.sandboxRun(["--log"], ["/bin/sh", "-c", "exit 7"])
        #expect(output.status == .exited(7))
        let decoded = try #require(report)
        #expect(decoded.termination.kind == "exited")
        #expect(decoded.termination.exitCode == 7)
        #expect(decoded.command == ["/bin/sh", "-c", "exit 7"])
        #expect(decoded.wallSeconds > 0 && decoded.wallSeconds < 10)
        #expect(decoded.userSeconds >= 0 && decoded.systemSeconds >= 0)
        #expect(decoded.peakResidentBytes > 0)
    }

    @Test func logModeListsOpenatAndTheProgramCompletes() throws {
        let folder = Fixtures.temporaryDirectory("sandbox-log")
        // Writable by the unprivileged uid the child runs as when the tests run as root.
        chmod(folder, 0o777)
        let (output, report) = try Self.sandboxRun(["--log"], ["/bin/sh", "-c", "echo written > \(folder)/out"])
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(try String(contentsOfFile: "\(folder)/out", encoding: .utf8) == "written\n")
        #expect(output.stderr.contains("\n  openat "), "\(output.stderr)")
        #expect((report?.loggedSyscalls["openat"] ?? 0) >= 1)
        #expect(report?.handling == "log")
    }

    @Test(arguments: ["missing", "directory", "not-json", "wrong-type"])
    func aBadProfileRunsNothing(_ defect: String) throws {
        let folder = Fixtures.temporaryDirectory("sandbox-fail-closed")
        chmod(folder, 0o777)
        let marker = "\(folder)/marker"
        let command = ["/bin/sh", "-c", "echo ran > \(marker)"]
        // The same command under a working (permissive) profile does create
        // the marker, so its absence below means it never ran.
        let (control, _) = try Self.sandboxRun(["--profile", "\(Self.profiles)/permissive-log.json"], command)
        #expect(control.status == .exited(0), "\(control.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker))
        unlink(marker)

        let profile: String
        switch defect {
        case "missing": profile = "\(folder)/absent.json"
        case "directory": profile = folder
        case "not-json": profile = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [,]}"#, name: "bad.json")
        default: profile = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]}"#, name: "typed.json")
        }
        let (output, _) = try Self.sandboxRun(["--profile", profile], command)
        #expect(output.status == .exited(SandboxRun.setupFailureStatus))
        #expect(output.stderr.contains(profile), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        if defect == "not-json" { #expect(output.stderr.contains("line 1, column 50")) }
        if defect == "wrong-type" { #expect(output.stderr.contains("syscalls[0].names: expected an array, found a string")) }
        // The add-on the exec path loads beside it is not to blame (issue 11: errors named both files).
        #expect(!output.stderr.contains("exec-startup.json"), "\(output.stderr)")
    }

    /// Docker's default profile runs a program once opted in (it allows
    /// execve), skipping the syscalls newer than this libseccomp with one
    /// warning that names them, and a note that the run was permissive.
    @Test func dockersDefaultProfileRunsAProgramWithAWarning() throws {
        let docker = URL(fileURLWithPath: Fixtures.root).deletingLastPathComponent().appendingPathComponent("shared/fixtures/seccomp/docker-default.json").path
        try #require(FileManager.default.fileExists(atPath: docker), "../shared/fixtures is not present")
        let (refused, _) = try Self.sandboxRun(["--profile", docker], ["/bin/sh", "-c", "exit 7"])
        #expect(refused.status == .exited(SandboxRun.setupFailureStatus))
        #expect(refused.stderr.contains("permissive profile"), "\(refused.stderr)")
        let (output, report) = try Self.sandboxRun(["--profile", docker, "--permissive"], ["/bin/sh", "-c", "exit 7"])
        #expect(output.status == .exited(7), "\(output.stderr)")
        #expect(output.stderr.contains("ringfence: warning: \(docker): allow rules name syscalls this libseccomp does not know; skipped: "), "\(output.stderr)")
        #expect(output.stderr.contains("mseal"))
        #expect(report?.permissive == true)
        #expect(report?.skippedSyscalls.contains("listmount") == true)
    }

    /// A folder must not change which policy applies: neither a
    /// Sandbox/profiles/agent.json in the working directory nor an
    /// exec-startup.json beside the profile the user named is loaded. The
    /// report lists every profile file loaded, with the SHA-256 of its bytes.
    @Test func aFolderDoesNotChangeWhichPolicyApplies() throws {
        let folder = Fixtures.temporaryDirectory("hostile-folder")
        let lax = #"{"defaultAction": "SCMP_ACT_ALLOW", "permissive": true}"#
        try FileManager.default.createDirectory(atPath: "\(folder)/Sandbox/profiles", withIntermediateDirectories: true)
        try lax.write(toFile: "\(folder)/Sandbox/profiles/agent.json", atomically: true, encoding: .utf8)
        try lax.write(toFile: "\(folder)/exec-startup.json", atomically: true, encoding: .utf8)
        try (try String(contentsOfFile: "\(Self.profiles)/agent.json", encoding: .utf8)).write(toFile: "\(folder)/mine.json", atomically: true, encoding: .utf8)
        let report = "\(folder)/report.json"
        for options in [[String](), ["--profile", "\(folder)/mine.json"]] {
            let output = try ChildProcess.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", folder, RingfenceBinary.path, "sandbox", "run",
                                                          "--report", report] + options + ["--", "/bin/sh", "-c", "id -u"],
                                              environment: ["SWIFT_BACKTRACE": "enable=no"])
            // The shipped agent.json kills sh at getuid; the lax one would not.
            #expect(output.status == .exited(SandboxRun.policyViolationStatus), "\(options): \(output.stderr)")
            let loaded = try #require(Self.report(at: report)).profiles
            #expect(loaded.map(\.path) == [options.isEmpty ? "\(Self.shippedFolder)/agent.json" : "\(folder)/mine.json",
                                            "\(Self.shippedFolder)/exec-startup.json", "\(Self.shippedFolder)/static-startup.json"], "\(loaded)")
            for profile in loaded {
                let digest = try ChildProcess.run("/usr/bin/sha256sum", [profile.path]).stdout.prefix(64)
                #expect(profile.sha256 == String(digest))
            }
        }
    }

    static var shippedFolder: String { PathConfinement.canonical(profiles)! }

    /// An error in the user's profile names that file only, even when the
    /// exec path has added exec-startup.json's rules to it.
    @Test func anUnknownNameInTheUsersProfileNamesThatFileAlone() throws {
        let profile = Fixtures.writeTemporary(#"{"defaultAction": "SCMP_ACT_KILL_PROCESS", "syscalls": [{"names": ["read", "nosuchcall"], "action": "SCMP_ACT_ALLOW"}]}"#,
                                              name: "unknown.json")
        let (output, _) = try Self.sandboxRun(["--profile", profile], ["/bin/true"])
        #expect(output.status == .exited(SandboxRun.setupFailureStatus))
        #expect(output.stderr == "ringfence: sandbox setup failed: \(profile): unknown syscall names: nosuchcall\n", "\(output.stderr)")
    }

    @Test func theDefaultProfileIsFoundFromAnyFolder() throws {
        // A folder with no Sandbox/profiles of its own: the checkout's agent.json applies.
        let folder = Fixtures.temporaryDirectory("sandbox-elsewhere")
        let report = "\(folder)/report.json"
        let output = try ChildProcess.run("/bin/sh", ["-c", #"cd "$1" && exec "$2" sandbox run --report "$3" -- /bin/true"#, "sh",
                                                      folder, RingfenceBinary.path, report])
        #expect(output.status == .exited(0), "\(output.stderr)")
        let decoded = try #require(Self.report(at: report))
        #expect(decoded.profile.hasPrefix("/") && decoded.profile.hasSuffix("/Sandbox/profiles/agent.json"), "\(decoded.profile)")
        #expect(!decoded.profile.contains("/../"))
        #expect(decoded.termination.kind == "exited")
    }

    @Test func aSignalIs128PlusItsNumber() throws {
        let (output, report) = try Self.sandboxRun(["--profile", "\(Self.profiles)/permissive-log.json"], ["/bin/sh", "-c", "kill -SEGV $$"])
        #expect(output.status == .exited(128 + SIGSEGV))
        #expect(report?.termination.kind == "crash")
        #expect(report?.termination.signal == "SIGSEGV")
    }

    /// The wall limit ends CMD and every process it started: sh's sleep holds
    /// stdout open, so a survivor would keep this run waiting for 30 s.
    @Test func theWallLimitKillsTheWholeProcessGroup() throws {
        let start = monotonicSeconds()
        let (output, report) = try Self.sandboxRun(["--profile", "\(Self.profiles)/permissive-log.json", "--wall", "0.5"],
                                                   ["/bin/sh", "-c", "sleep 30; echo late"])
        #expect(monotonicSeconds() - start < 10)
        #expect(output.status == .exited(128 + SIGKILL))
        #expect(report?.termination.kind == "hang")
        #expect(!output.stdout.contains("late"))
    }

    /// CMD runs in a process group of its own; a SIGTERM to the launcher
    /// reaches that whole group. Without forwarding, the launcher itself
    /// would die of it.
    @Test func aSignalToTheLauncherReachesCmdsGroup() throws {
        var output: [Int32] = [-1, -1]
        #expect(pipe(&output) == 0)
        let script = #"trap 'echo got-term; exit 9' TERM; echo ready; sleep 30 & wait"#
        let launcher = try ChildProcess.spawn(RingfenceBinary.path, ["sandbox", "run", "--profile", "\(Self.profiles)/permissive-log.json", "--wall", "20",
                                                                   "--", "/bin/sh", "-c", script], stdout: output[1])
        close(output[1])
        defer { close(output[0]) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let first = read(output[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(first, 0)), as: UTF8.self) == "ready\n")
        usleep(100_000)  // sh is in `wait` now
        #expect(kill(launcher.pid, SIGTERM) == 0)
        #expect(launcher.wait() == .exited(9))
        let rest = read(output[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(rest, 0)), as: UTF8.self) == "got-term\n")
    }

    /// Started from a terminal, CMD gets the terminal's foreground: it can
    /// read the terminal, where a background group would be stopped
    /// (SIGTTIN) until --wall ends it. script(1) provides the terminal.
    @Test(.enabled(if: access("/usr/bin/script", X_OK) == 0, "needs script(1) for a terminal"))
    func cmdCanReadTheTerminal() throws {
        let command = "'\(RingfenceBinary.path)' sandbox run --profile '\(Self.profiles)/permissive-log.json' --wall 5 -- /bin/sh -c 'read line; echo got:$line'"
        let output = try ChildProcess.run("/bin/sh", ["-c", #"printf 'hello\n' | script -qec "$1" /dev/null"#, "sh", command])
        #expect(output.status == .exited(0), "\(output.stdout) \(output.stderr)")
        #expect(output.stdout.contains("got:hello"), "\(output.stdout)")
    }

    @Test(.enabled(if: getuid() == 0, "the identity drop happens only as root"))
    func uidAndGidAreTheOnesAsked() throws {
        let (output, _) = try Self.sandboxRun(["--profile", "\(Self.profiles)/permissive-log.json", "--uid", "4321", "--gid", "4322"],
                                              ["/bin/sh", "-c", "id -u; id -g; id -G"])
        #expect(output.status == .exited(0), "\(output.stderr)")
        #expect(output.stdout == "4321\n4322\n4322\n")
    }

    @Test(.enabled(if: getuid() == 0, "new namespaces need root here"))
    func aNewPidNamespaceMakesCmdItsInit() throws {
        let (output, _) = try Self.sandboxRun(["--profile", "\(Self.profiles)/permissive-log.json", "--namespaces", "pid,net"],
                                              ["/bin/sh", "-c", "echo $$; cat /proc/net/dev | wc -l"])
        #expect(output.status == .exited(0), "\(output.stderr)")
        // pid 1, and a network namespace with only its loopback (two header lines and lo).
        #expect(output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["1", "3"], "\(output.stdout)")
    }

    @Test func aBadOptionRunsNothing() throws {
        let output = try RingfenceBinary.run(["sandbox", "run", "--memory", "lots", "--", "/bin/true"])
        #expect(output.status == .exited(SandboxRun.setupFailureStatus))
        #expect(output.stderr.contains("--memory: 'lots' is not a size"))
    }

    @Test func keepFdPassesExactlyTheNamedDescriptors() throws {
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devNull) }
        // The launcher inherits 7 and 8; only 7 is asked for.
        let (output, _) = try Self.sandboxRun(["--log", "--keep-fd", "7"], ["/bin/ls", "/proc/self/fd"],
                                              descriptors: [(devNull, 7), (devNull, 8)])
        #expect(output.status == .exited(0), "\(output.stderr)")
        let listed = Set(output.stdout.split(separator: "\n").compactMap { Int($0) })
        // ls holds one more descriptor of its own: the /proc/self/fd directory it reads (3).
        #expect(listed == [0, 1, 2, 3, 7], "\(output.stdout)")
    }

    @Test func helpListsTheSetupStagesInOrder() throws {
        let output = try RingfenceBinary.run(["sandbox", "run", "--help"])
        #expect(output.status == .exited(0))
        let positions = ["1. parent-death signal", "4. fd layout", "6. when started as root", "8. seccomp, last"].map {
            output.stdout.range(of: $0)?.lowerBound
        }
        #expect(positions.allSatisfy { $0 != nil }, "\(output.stdout)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(output.stdout.contains("--keep-fd N"))
    }
}
