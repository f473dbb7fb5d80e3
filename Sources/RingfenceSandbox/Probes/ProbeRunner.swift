import Foundation
import Glibc
import RingfenceSystem

/// How one probe ended, judged from the parent's typed result only.
public struct ProbeOutcome: Sendable {
    public enum Verdict: Equatable, Sendable {
        case blocked(String)
        case escaped
        case error(String)
    }

    public let probe: EscapeProbe
    public let termination: Termination
    public let verdict: Verdict

    /// Judges a termination. Exit statuses 1...99 are the errno that stopped
    /// the act, 100 means it got through (escape_probes.c).
    public static func judge(_ probe: EscapeProbe, _ termination: Termination) -> ProbeOutcome {
        let verdict: Verdict = switch termination {
        case .policyViolation(let violation): .blocked("seccomp: \(violation)")
        case .exited(100): .escaped
        case .exited(let code) where (1...99).contains(code): .blocked("\(ErrnoName.describe(code))")
        case .exited(let code): .error("unexpected exit status \(code)")
        case .memoryLimit: .blocked("memory limit (RLIMIT_AS)")
        case .cpuLimit: .blocked("CPU limit (RLIMIT_CPU, SIGXCPU)")
        case .timedOut: .blocked("wall-clock deadline")
        case .crashed(let signal): .blocked("killed by \(signal)")
        case .killedBySupervisor: .error("killed by the supervisor")
        case .setupFailed(let stage, let errno): .error("setup failed at \(stage): \(ErrnoName.describe(errno))")
        }
        return ProbeOutcome(probe: probe, termination: termination, verdict: verdict)
    }
}

/// Runs the escape corpus against a profile, each probe in a sandboxed child
/// of its own, through the fork server or the exec path.
public struct ProbeRunner {
    public var spec: SandboxSpec

    /// The limits the probes run under: tight enough that the bombs hit them fast.
    public static let limits = SandboxLimits(addressSpace: 256 << 20, cpuSeconds: 1, openFiles: 64, processes: 8, wallSeconds: 10)

    /// `limits` for `probe`: one CPU second only for the CPU spin; the others
    /// get ten, so that on a loaded machine (a memory bomb's page faults are
    /// CPU time too) only the limit a probe is about can stop it.
    public static func limits(for probe: EscapeProbe) -> SandboxLimits {
        var limits = limits
        if probe != .cpuSpin { limits.cpuSeconds = 10 }
        return limits
    }

    /// A probe spec: stdin, stdout and stderr on /dev/null, the reporter on fd 3.
    public init(policy: PolicyCompiler, handling: ViolationHandling, devNull: Int32) {
        spec = SandboxSpec(policy: policy, handling: handling, limits: Self.limits,
                           descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(devNull, as: 1), DescriptorMapping(devNull, as: 2)],
                           reportTarget: 3)
    }

    /// Runs `probes` through the fork server.
    public func run(_ probes: [EscapeProbe], forkServer: ForkServer) throws -> [ProbeOutcome] {
        try run(probes, sibling: forkServer) { probe, target, limits in
            var spec = spec
            spec.limits = limits
            return try forkServer.launch(spec, entry: "probe", arguments: [Int64(probe.rawValue), Int64(target)])
        }
    }

    /// Runs `probes` through the exec path, as `ringfence-probe ACT PID`.
    public func run(_ probes: [EscapeProbe], probeExecutable: String, launcher: ExecLauncher, forkServer: ForkServer) throws -> [ProbeOutcome] {
        try run(probes, sibling: forkServer) { probe, target, limits in
            var spec = spec
            spec.limits = limits
            // Without the Swift runtime's crash reporter (SwiftPM links it into the
            // probe): an abort must end the act, not run a backtracer under the filter.
            return try launcher.launch(spec, executable: probeExecutable, arguments: [probe.description, "\(target)"],
                                       environment: ["SWIFT_BACKTRACE=enable=no"])
        }
    }

    /// Each probe in a child of its own, aimed at the supervisor, at a
    /// sandboxed sibling, or at a process of the sandbox's uid that nothing
    /// here started. A signal act that got through shows in its exit status,
    /// and in the target: a sibling or bystander that died is an escape too.
    private func run(_ probes: [EscapeProbe], sibling server: ForkServer,
                     launch: (EscapeProbe, pid_t, SandboxLimits) throws -> SandboxedProcess) throws -> [ProbeOutcome] {
        let sibling = try server.launch(spec, entry: "sleep", arguments: [60_000])
        defer { sibling.kill(deadline: false); sibling.wait() }
        let bystander = probes.contains { $0.target == .unrelated } ? try Bystander(identity: spec.identity) : nil
        defer { bystander?.stop() }
        return try probes.map { probe in
            let target = switch probe.target {
            case .supervisor: getpid()
            case .sibling: sibling.pid
            case .unrelated: bystander?.pid ?? getpid()
            }
            let child = try launch(probe, target, Self.limits(for: probe))
            let outcome = ProbeOutcome.judge(probe, child.wait(until: monotonicSeconds() + (spec.limits.wallSeconds ?? 10)))
            let targetAlive = switch probe.target {
            case .supervisor: true
            case .sibling: sibling.isRunning
            case .unrelated: bystander?.isRunning ?? true
            }
            return targetAlive ? outcome : ProbeOutcome(probe: probe, termination: outcome.termination, verdict: .escaped)
        }
    }
}

/// A process of the sandbox's own uid that the sandbox did not start: the
/// target of `kill-unrelated`. As root, the sandbox runs as `identity`'s uid,
/// so the bystander is started as that uid too (through setpriv(1), from
/// util-linux); otherwise it runs as the caller, who is the sandbox's uid.
public struct Bystander {
    let process: ChildProcess

    public var pid: pid_t { process.pid }

    public init(identity: SandboxIdentity = .nobody) throws {
        let sleep = ["/bin/sleep", "60"]
        if geteuid() == 0 && identity.dropWhenRoot {
            process = try ChildProcess.spawn("/usr/bin/setpriv", ["--reuid=\(identity.uid)", "--regid=\(identity.gid)", "--clear-groups", "--"] + sleep)
        } else {
            process = try ChildProcess.spawn(sleep[0], Array(sleep.dropFirst()))
        }
        // setpriv execs sleep in the same process; wait until it has (a signal
        // to setpriv itself would prove nothing about the uid).
        let deadline = monotonicSeconds() + 5
        while monotonicSeconds() < deadline, (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) != "sleep\n" {
            pause(milliseconds: 1)
        }
    }

    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    public func stop() {
        kill(pid, SIGKILL)
        _ = process.wait()
    }
}
