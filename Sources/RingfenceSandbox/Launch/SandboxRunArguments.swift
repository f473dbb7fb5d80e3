import RingfenceSystem

/// The command line of `ringfence sandbox run`: `[options] [--] CMD [ARGS...]`.
///
/// Parsed by hand, not by ArgumentParser: `sandbox run` is a launcher that
/// people time against bwrap and minijail0, and ArgumentParser builds its
/// argument set by reflection, which costs more than the whole sandbox setup
/// (see BENCHMARKS.md, issue 6). The table below is the one source of truth:
/// the parser reads it, and the help text of both `ringfence` executables is
/// printed from it.
public struct SandboxRunArguments: Sendable {
    /// The shipped profile used when none is given (never one from the working directory).
    public static let defaultProfile = "agent"

    /// The profile given with --profile; nil for the default (``SandboxRun/profilePath(_:)``).
    public var profile: String?
    /// Permissive: every syscall outside the profile is recorded and allowed.
    public var log = false
    /// Accept a permissive profile (see ``PolicyCompiler/permissiveReasons``).
    public var permissive = false
    public var limits = SandboxLimits()
    public var identity = SandboxIdentity()
    public var namespaces: SandboxNamespaces = []
    /// Descriptors passed through besides stdin, stdout and stderr.
    public var keptDescriptors: [Int32] = []
    /// Where to write the JSON report, if anywhere.
    public var report: String?
    /// nil: notify where the kernel supports it, else trap.
    public var handling: ViolationHandling?
    /// CMD and its arguments.
    public var command: [String] = []
    /// `-h` or `--help` came before CMD.
    public var helpRequested = false
    /// `--version`: print ``RingfenceVersion`` and exit.
    public var versionRequested = false

    public init() {}

    /// A command-line mistake; CMD never ran.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// One option: its name without dashes, its value's placeholder (nil for
    /// a flag), its help line, and what it does to the arguments.
    struct Option: Sendable {
        var name: String
        /// nil for a flag.
        var value: String?
        var help: String
        var apply: @Sendable (inout SandboxRunArguments, String) throws(UsageError) -> Void
    }

    static let table: [Option] = [
        Option(name: "profile", value: "FILE", help: "OCI seccomp profile, or a shipped one by name (default \(defaultProfile))") { $0.profile = $1 },
        Option(name: "log", value: nil, help: "Permissive: CMD completes; off-profile syscalls listed") { options, _ in
            options.log = true
        },
        Option(name: "permissive", value: nil, help: "Accept a permissive profile (default allow/log/notify, or allows execve...)") { options, _ in
            options.permissive = true
        },
        Option(name: "memory", value: "SIZE", help: "Address-space limit, e.g. 256MiB") { options, text throws(UsageError) in
            guard let bytes = ByteSize.parse(text), bytes > 0 else { throw UsageError(description: "--memory: '\(text)' is not a size like 256MiB") }
            options.limits.addressSpace = bytes
        },
        Option(name: "cpu", value: "SECONDS", help: "CPU seconds (SIGXCPU, then SIGKILL a second later)") { options, text throws(UsageError) in
            options.limits.cpuSeconds = try positive(text, "cpu")
        },
        Option(name: "wall", value: "SECONDS", help: "Wall-clock seconds; then CMD's whole group is killed") { options, text throws(UsageError) in
            guard let seconds = Double(text), seconds > 0, seconds.isFinite else { throw UsageError(description: "--wall: '\(text)' is not a number of seconds") }
            options.limits.wallSeconds = seconds
        },
        Option(name: "nofile", value: "N", help: "Open-file limit") { options, text throws(UsageError) in
            options.limits.openFiles = try positive(text, "nofile")
        },
        Option(name: "nproc", value: "N", help: "Process limit (counted per uid; root ignores it)") { options, text throws(UsageError) in
            options.limits.processes = try positive(text, "nproc")
        },
        Option(name: "uid", value: "UID", help: "uid to run as when started as root; default 65534") { options, text throws(UsageError) in
            options.identity.uid = try id(text, "uid")
        },
        Option(name: "gid", value: "GID", help: "gid to run as when started as root; default 65534") { options, text throws(UsageError) in
            options.identity.gid = try id(text, "gid")
        },
        Option(name: "namespaces", value: "LIST", help: "New namespaces among pid,net,ipc,mount (needs root)") { options, text throws(UsageError) in
            guard let namespaces = SandboxNamespaces(names: text) else { throw UsageError(description: "--namespaces: '\(text)' is not a list of pid, net, ipc, mount") }
            options.namespaces = namespaces
        },
        Option(name: "keep-fd", value: "N", help: "Keep fd N open (repeatable); all others but 0-2 close") { options, text throws(UsageError) in
            guard let fd = Int32(text), fd > 2 else { throw UsageError(description: "--keep-fd: '\(text)' is not a descriptor above 2") }
            options.keptDescriptors.append(fd)
        },
        Option(name: "report", value: "FILE", help: "Write a JSON report: termination, syscall, times, RSS") { $0.report = $1 },
        Option(name: "handling", value: "HOW", help: "How violations are caught: notify (default) or trap") { options, text throws(UsageError) in
            guard let handling = ViolationHandling(rawValue: text), handling != .log else { throw UsageError(description: "--handling: '\(text)' is not notify or trap") }
            options.handling = handling
        },
    ]

    /// `[options] [--] CMD [ARGS...]`. Options take `--name VALUE` or
    /// `--name=VALUE`; the first word that is not an option starts CMD, as with
    /// bwrap and minijail0, and `--` ends the options explicitly.
    public static func parse(_ arguments: [String]) throws(UsageError) -> SandboxRunArguments {
        var options = SandboxRunArguments()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                index += 1
                break
            }
            if word == "-h" || word == "--help" {
                options.helpRequested = true
                return options
            }
            if word == "--version" {
                options.versionRequested = true
                return options
            }
            guard word.hasPrefix("--") else { break }
            let body = word.dropFirst(2)
            let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard let option = table.first(where: { $0.name == name }) else {
                throw UsageError(description: "unknown option '\(word)' (see ringfence sandbox run --help)")
            }
            var value = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
            if option.value == nil {
                guard value == nil else { throw UsageError(description: "--\(name) takes no value") }
            } else if value == nil {
                index += 1
                guard index < arguments.count else { throw UsageError(description: "--\(name) needs a value (\(option.value!))") }
                value = arguments[index]
            }
            try option.apply(&options, value ?? "")
            index += 1
        }
        options.command = Array(arguments[index...])
        guard !options.command.isEmpty else { throw UsageError(description: "no program given: ringfence sandbox run [options] -- CMD [ARGS...]") }
        return options
    }

    /// The options, one per line, for the help text.
    static var optionLines: String {
        table.map { option in
            let left = "--\(option.name)" + (option.value.map { " \($0)" } ?? "")
            return "  " + left + String(repeating: " ", count: max(1, 20 - left.count)) + option.help
        }.joined(separator: "\n")
    }

    /// The help text's body: options, the setup checklist, exit statuses.
    public static var help: String {
        """
        Options:
        \(optionLines)

        The child is set up in this order before CMD's execve:
        \(SetupStage.checklist)

        Only stdin, stdout, stderr and the --keep-fd descriptors stay open. A dynamically linked CMD also \
        gets Sandbox/profiles/exec-startup.json, what its loader needs before main (a static one, static-startup.json). CMD inherits the environment.

        CMD runs in a process group of its own: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to ringfence are passed on \
        to that group, and started from a terminal, CMD gets the terminal's foreground.

        Exit status (minijail's model): CMD's own status; 128+N when it dies by signal N; \
        \(SandboxRun.policyViolationStatus) for a policy violation (the syscall is printed on stderr); \
        \(SandboxRun.setupFailureStatus) when CMD never ran: a bad option, an unreadable or invalid profile, \
        or a sandbox that could not be set up.
        """
    }

    /// The spec these arguments describe, for `policy` (loaded from `profile`).
    public func spec(policy: PolicyCompiler) -> SandboxSpec {
        var policy = policy
        // --log is profile learning: an opt-in to running unconfined, as --permissive is.
        policy.allowsPermissive = policy.allowsPermissive || permissive || log
        return SandboxSpec(policy: policy, handling: log ? .log : policy.handling(preferring: handling ?? .preferred), limits: limits,
                    identity: identity, namespaces: namespaces,
                    descriptors: ([0, 1, 2] + keptDescriptors).map { DescriptorMapping($0, as: $0) })
    }

    private static func positive(_ text: String, _ name: String) throws(UsageError) -> Int {
        guard let value = Int(text), value > 0 else { throw UsageError(description: "--\(name): '\(text)' is not a positive whole number") }
        return value
    }

    private static func id(_ text: String, _ name: String) throws(UsageError) -> UInt32 {
        guard let value = UInt32(text) else { throw UsageError(description: "--\(name): '\(text)' is not a numeric id") }
        return value
    }
}
