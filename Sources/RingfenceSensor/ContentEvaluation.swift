import RingfenceContent

/// Runs one interpreter over generated telemetry in this process: the engine
/// behind `ringfence content eval` and the interpreter benchmark.
///
/// There is no isolation here by design. With the unsafe or checked
/// interpreter on faulty content the calling process dies, exactly as a
/// kernel-mode sensor takes its host down.
public struct ContentEvaluation {
    public let interpreter: any ContentInterpreter
    public private(set) var loads: [LoadReport] = []

    public init(kind: InterpreterKind, sensor: SensorTemplates = .builtIn) {
        interpreter = kind.make(sensor: sensor)
    }

    /// Loads channels in order; a channel that cannot be loaded is reported and skipped.
    public mutating func load(_ channels: [ChannelFile]) -> [ContentLoadError] {
        var errors: [ContentLoadError] = []
        for channel in channels {
            do { loads.append(try interpreter.load(channel)) } catch { errors.append(error) }
        }
        return errors
    }

    /// Generates `events` events from `seed` in batches and evaluates them.
    /// `beforeBatch` runs before each batch (to flush progress before a
    /// crash); `corrupted` runs when the integrity check fails after a batch
    /// (an action wrote past its buffer), and the run stops there.
    public func run(events: Int, seed: UInt64, mix: EventMix, sensor: SensorTemplates = .builtIn,
                    batchSize: Int = 4096, beforeBatch: (Int) -> Void = { _ in },
                    corrupted: () -> Void = {}) -> EvaluationCounts {
        var generator = TelemetryGenerator(seed: seed, mix: mix, sensor: sensor)
        var counts = EvaluationCounts()
        var batch = EventBatch(reservingCapacity: batchSize * 640)
        var remaining = events
        while remaining > 0 {
            let size = min(batchSize, remaining)
            batch.removeAll()
            generator.generate(size, into: &batch)
            beforeBatch(events - remaining)
            interpreter.evaluate(batch, into: &counts)
            if !interpreter.integrityIntact {
                corrupted()
                break
            }
            remaining -= size
        }
        return counts
    }
}
