import RingfenceSystem

/// Commands timed side by side: every round runs each of them once, in order,
/// so that the machine's drift during a run (up to 2x on this shared kind of
/// machine) falls on all of them alike. Round 0 warms caches and is not kept.
public struct InterleavedTiming {
    /// One command: its name, how often it runs (every `every`-th round; slow
    /// peers such as firejail need fewer samples), and one timed run in
    /// milliseconds, or nil when the run failed.
    public struct Runner {
        public var name: String
        public var every: Int
        public var run: () -> Double?

        public init(_ name: String, every: Int = 1, run: @escaping () -> Double?) {
            self.name = name
            self.every = every
            self.run = run
        }
    }

    /// A run that did not end as expected: the figures would mean nothing.
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public var description: String { "\(command) did not exit 0" }
    }

    public var runners: [Runner]
    public var rounds: Int

    public init(_ runners: [Runner], rounds: Int) {
        self.runners = runners
        self.rounds = rounds
    }

    /// The samples of each runner, in the runners' order.
    public func measure() throws(Failure) -> [(name: String, samples: Samples)] {
        var samples = [Samples](repeating: Samples(), count: runners.count)
        for round in 0...rounds {
            for (index, runner) in runners.enumerated() where round % runner.every == 0 {
                guard let milliseconds = runner.run() else { throw Failure(command: runner.name) }
                if round > 0 { samples[index].add(milliseconds) }
            }
        }
        return runners.indices.map { (runners[$0].name, samples[$0]) }
    }

    /// One whole run of a command, spawned from this process, to its exit;
    /// nil unless it exits 0.
    public static func timeCommand(_ executable: String, _ arguments: [String], descriptors: [(Int32, Int32)] = []) -> Double? {
        milliseconds {
            guard let child = try? ChildProcess.spawn(executable, arguments, descriptors: descriptors) else { return false }
            return child.wait() == .exited(0)
        }
    }

    /// How long `run` took, in milliseconds; nil when it reports failure.
    public static func milliseconds(_ run: () -> Bool) -> Double? {
        let start = monotonicSeconds()
        guard run() else { return nil }
        return (monotonicSeconds() - start) * 1000
    }
}
