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

    /// A probe spec: stdin, stdout and stderr on /dev/null, the reporter on fd 3.
    public init(policy: PolicyCompiler, handling: ViolationHandling, devNull: Int32) {
        spec = SandboxSpec(policy: policy, handling: handling, limits: Self.limits,
                           descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(devNull, as: 1), DescriptorMapping(devNull, as: 2)],
                           reportTarget: 3)
    }

    /// Runs `probes` through the fork server.
    public func run(_ probes: [EscapeProbe], forkServer: ForkServer) throws -> [ProbeOutcome] {
        try run(probes, sibling: forkServer) { probe, target in
            try forkServer.launch(spec, entry: "probe", arguments: [Int64(probe.rawValue), Int64(target)])
        }
    }

    /// Runs `probes` through the exec path, as `ringfence-probe ACT PID`.
    public func run(_ probes: [EscapeProbe], probeExecutable: String, launcher: ExecLauncher, forkServer: ForkServer) throws -> [ProbeOutcome] {
        try run(probes, sibling: forkServer) { probe, target in
            // Without the Swift runtime's crash reporter (SwiftPM links it into the
            // probe): an abort must end the act, not run a backtracer under the filter.
            try launcher.launch(spec, executable: probeExecutable, arguments: [probe.description, "\(target)"],
                                environment: ["SWIFT_BACKTRACE=enable=no"])
        }
    }

    /// Each probe in a child of its own, with a sandboxed sibling to aim the
    /// kill-sibling probe at and the supervisor as the "parent" target.
    private func run(_ probes: [EscapeProbe], sibling server: ForkServer,
                     launch: (EscapeProbe, pid_t) throws -> SandboxedProcess) throws -> [ProbeOutcome] {
        let sibling = try server.launch(spec, entry: "sleep", arguments: [60_000])
        defer { sibling.kill(deadline: false); sibling.wait() }
        return try probes.map { probe in
            let child = try launch(probe, probe == .killSibling ? sibling.pid : getpid())
            return ProbeOutcome.judge(probe, child.wait(until: monotonicSeconds() + (spec.limits.wallSeconds ?? 10)))
        }
    }
}
