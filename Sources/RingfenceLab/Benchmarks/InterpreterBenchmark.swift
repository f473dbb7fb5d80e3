import RingfenceContent
import RingfenceSensor
import RingfenceSystem

/// Evaluation rate of each interpreter over the same events and rules, with
/// the interpreters interleaved round by round so machine drift hits all alike.
public struct InterpreterBenchmark {
    public struct Result: Sendable {
        public let kind: InterpreterKind
        public let eventsPerSecond: Samples
        public let counts: EvaluationCounts
    }

    public let channels: [ChannelFile]
    public let events: Int
    public let rounds: Int
    public let seed: UInt64

    public init(channels: [ChannelFile], events: Int = 200_000, rounds: Int = 7, seed: UInt64 = 291) {
        self.channels = channels
        self.events = events
        self.rounds = rounds
        self.seed = seed
    }

    public func run() throws -> [Result] {
        var generator = TelemetryGenerator(seed: seed, mix: .standard)
        let batch = generator.batch(events)
        let interpreters = try InterpreterKind.allCases.map { kind in
            let interpreter = kind.make()
            for channel in channels { try interpreter.load(channel) }
            return interpreter
        }
        var samples = [Samples](repeating: Samples(), count: interpreters.count)
        var counts = [EvaluationCounts](repeating: EvaluationCounts(), count: interpreters.count)
        for round in 0...rounds {  // round 0 warms up and is not recorded
            for (index, interpreter) in interpreters.enumerated() {
                var roundCounts = EvaluationCounts()
                let start = monotonicSeconds()
                interpreter.evaluate(batch, into: &roundCounts)
                let elapsed = monotonicSeconds() - start
                if round > 0 { samples[index].add(Double(batch.count) / elapsed) }
                counts[index] = roundCounts
            }
        }
        return interpreters.indices.map { Result(kind: interpreters[$0].kind, eventsPerSecond: samples[$0], counts: counts[$0]) }
    }
}
