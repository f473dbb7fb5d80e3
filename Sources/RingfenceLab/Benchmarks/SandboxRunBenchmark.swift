import Glibc

/// `ringfence sandbox run -- /bin/true` as a user runs it, a whole command
/// from spawn to exit, against the peers people compare it with: bwrap and
/// firejail where they are installed, and `/bin/true` alone. minijail0 and
/// nsjail are not packaged for Debian, so they are not measured here.
///
/// The profile is the default one (`Sandbox/profiles/agent.json`, relative to
/// the working directory), so this runs from the package root.
public struct SandboxRunBenchmark {
    /// The `ringfence` front executable under test.
    public var ringfence: String
    public var rounds: Int

    public init(ringfence: String, rounds: Int) {
        self.ringfence = ringfence
        self.rounds = rounds
    }

    /// The commands measured, in the order each round runs them.
    public var runners: [InterleavedTiming.Runner] {
        var commands: [(name: String, every: Int, argv: [String])] = [
            ("/bin/true", 1, ["/bin/true"]),
            ("ringfence sandbox run -- /bin/true", 1, [ringfence, "sandbox", "run", "--", "/bin/true"]),
        ]
        if access("/usr/bin/bwrap", X_OK) == 0 {
            commands.append(("bwrap --ro-bind / / /bin/true", 1, ["/usr/bin/bwrap", "--ro-bind", "/", "/", "/bin/true"]))
        }
        // firejail takes tens of milliseconds: a quarter of the rounds is plenty.
        if access("/usr/bin/firejail", X_OK) == 0 {
            commands.append(("firejail --noprofile /bin/true", 4, ["/usr/bin/firejail", "--quiet", "--noprofile", "/bin/true"]))
        }
        return commands.map { command in
            InterleavedTiming.Runner(command.name, every: command.every) {
                InterleavedTiming.timeCommand(command.argv[0], Array(command.argv.dropFirst()))
            }
        }
    }

    /// The samples of each command, in milliseconds.
    public func run() throws(InterleavedTiming.Failure) -> [(name: String, samples: Samples)] {
        try InterleavedTiming(runners, rounds: rounds).measure()
    }
}
