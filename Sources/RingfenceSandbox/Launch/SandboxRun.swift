import Glibc
import RingfenceSystem

/// `ringfence sandbox run`: any program under the same child setup and policy
/// machinery as a user-mode agent, through the exec path, in the manner of
/// minijail0 or bwrap.
public struct SandboxRun {
    /// Exit status when the program broke the policy (minijail's value for a seccomp violation).
    public static let policyViolationStatus: Int32 = 253
    /// Exit status when the sandbox could not be set up: the program never ran.
    public static let setupFailureStatus: Int32 = 252

    public var spec: SandboxSpec
    public var command: [String]
    public var launcher: ExecLauncher

    /// Every profile file this run loaded, with the bytes that were compiled:
    /// the one named, then the shipped add-ons.
    public var loadedProfiles: [(path: String, bytes: [UInt8])] {
        [spec.policy, launcher.startup, launcher.staticStartup].compactMap { compiler in
            compiler.flatMap { compiler in compiler.sourceBytes.map { (compiler.source, $0) } }
        }
    }

    public init(spec: SandboxSpec, command: [String], launcher: ExecLauncher) {
        self.spec = spec
        self.command = command
        self.launcher = launcher
    }

    /// Loads the profile, and the shipped startup add-ons, into a launch. An
    /// unreadable or invalid profile is an error: nothing may run without its policy.
    public static func prepare(_ arguments: SandboxRunArguments) throws(SandboxPolicyError) -> SandboxRun {
        let profile = try profilePath(arguments.profile)
        let policy = try PolicyCompiler.load(profile)
        let launcher = try ExecLauncher.withShippedStartupProfiles()
        return SandboxRun(spec: arguments.spec(policy: policy), command: arguments.command, launcher: launcher)
    }

    /// The profile to load: the one given (a bare name such as `agent` is a
    /// shipped profile); else the shipped agent.json (``ShippedProfiles``).
    /// Never one from the working directory: a folder must not change which
    /// policy applies. A profile given as a path is never replaced by another.
    public static func profilePath(_ given: String?) throws(SandboxPolicyError) -> String {
        let name = given ?? SandboxRunArguments.defaultProfile
        guard ShippedProfiles.isName(name) else { return name }
        guard let path = ShippedProfiles.path(named: name) else {
            // Never a file of that name in the working directory instead.
            throw SandboxPolicyError(file: name, message: ShippedProfiles.folder == nil
                ? "no shipped profile: Ringfence's data was not found beside the executable; set RINGFENCE_HOME"
                : "no shipped profile of that name; shipped: \(ShippedProfiles.names.joined(separator: ", "))")
        }
        return path
    }

    /// Launches and waits. Never throws: a setup failure is a report too.
    public func run() -> Report {
        let start = monotonicSeconds()
        let executable = Self.resolve(command[0])
        let termination: Termination
        var status: WaitStatus?
        var usage = ResourceUsage.zero
        var logged: [String: Int] = [:]
        do {
            let child = try launcher.launch(spec, executable: executable, arguments: Array(command.dropFirst()),
                                            environment: nil)
            let job = ForegroundJob(group: child.pid)
            termination = child.wait(until: spec.limits.wallSeconds.map { start + $0 })
            job.end()
            status = child.waitStatus
            usage = child.usage ?? .zero
            logged = child.loggedSyscalls
        } catch let error as SandboxSetupError {
            termination = .setupFailed(error.stage, errno: error.errno)
        } catch let error as SandboxPolicyError {
            return Self.failedSetup(command: command, profile: spec.policy.source, handling: spec.handling, message: error.description,
                                    wall: monotonicSeconds() - start)
        } catch {
            return Self.failedSetup(command: command, profile: spec.policy.source, handling: spec.handling, message: "\(error)",
                                    wall: monotonicSeconds() - start)
        }
        var ending = Self.ending(termination, status: status)
        if case .setupFailed(.exec, let errno) = termination {
            // As bwrap does: name the program that could not be run.
            ending.description = "cannot run \(command[0]): \(ErrnoName.describe(errno))"
        }
        return Report(command: command, profile: spec.policy.source, handling: spec.handling.rawValue,
                      permissive: spec.policy.isPermissive || spec.handling == .log, skippedSyscalls: spec.policy.skippedAllowedNames,
                      termination: ending, exitStatus: Self.exitStatus(termination, status: status),
                      wallSeconds: monotonicSeconds() - start, userSeconds: usage.userSeconds, systemSeconds: usage.systemSeconds,
                      peakResidentBytes: usage.peakResidentBytes, loggedSyscalls: logged)
    }

    /// minijail's model: the program's own status; 128 + N for signal N; one
    /// fixed status for a policy violation and one for a failed setup.
    static func exitStatus(_ termination: Termination, status: WaitStatus?) -> Int32 {
        switch termination {
        case .policyViolation: policyViolationStatus
        case .setupFailed: setupFailureStatus
        case .exited(let code): code
        default: status?.shellStatus ?? 128 + SIGKILL
        }
    }

    static func ending(_ termination: Termination, status: WaitStatus?) -> Report.Ending {
        var ending = Report.Ending(kind: termination.kind, exitCode: status?.exitCode, signal: status?.signal?.name, description: termination.description)
        switch termination {
        case .exited: ending.kind = "exited"
        case .policyViolation(let violation):
            ending.syscall = violation.syscall
            ending.syscallNumber = violation.number
            ending.architecture = violation.architecture
            ending.description = violation.description
        case .setupFailed(let stage, let errno):
            ending.stage = stage.description
            ending.errno = ErrnoName.name(errno)
        default:
            break
        }
        return ending
    }

    static func failedSetup(command: [String], profile: String, handling: ViolationHandling, message: String, wall: Double) -> Report {
        Report(command: command, profile: profile, handling: handling.rawValue,
               termination: Report.Ending(kind: "setup-failed", stage: "policy", description: message), exitStatus: setupFailureStatus,
               wallSeconds: wall, userSeconds: 0, systemSeconds: 0, peakResidentBytes: 0, loggedSyscalls: [:])
    }

    /// `cmd` as execvp would find it: a path as given, or the first match in PATH.
    static func resolve(_ command: String) -> String {
        guard !command.contains("/") else { return command }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where access("\(folder)/\(command)", X_OK) == 0 { return "\(folder)/\(command)" }
        return command
    }
}
