import Logging
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// Measurements of the supervisor's IPC path and crash handling, with real
/// processes: throughput of user mode against kernel mode on the same rules
/// and events, crash-to-recorded latency, and crash-to-serving-again latency.
/// These are wall-clock figures by nature: they time the machine, not the simulation.
public struct HostBenchmark {
    public let agent: AgentConfiguration
    let launcher = SandboxAgentLauncher(logger: Logger(label: "ringfence.bench"))

    public init(agent: AgentConfiguration) { self.agent = agent }

    // MARK: - Throughput

    /// Events per second through the agent's interpreter in this process (kernel mode).
    public func kernelThroughput(_ batches: [EventBatch], content: [ChannelFile], rounds: Int) throws -> Double {
        let interpreter = agent.interpreter.make(sensor: agent.sensor)
        for channel in content { try interpreter.load(channel) }
        var counts = EvaluationCounts()
        for batch in batches { interpreter.evaluate(batch, into: &counts) }  // warm-up
        let start = monotonicSeconds()
        for _ in 0..<rounds { for batch in batches { interpreter.evaluate(batch, into: &counts) } }
        return Double(rounds * batches.reduce(0) { $0 + $1.count }) / (monotonicSeconds() - start)
    }

    /// Events per second through a sandboxed user-mode agent, as the host
    /// drives it: each batch copied into the shared ring, a doorbell frame,
    /// the verdicts back, one batch in flight.
    public func userThroughput(_ batches: [EventBatch], content: [[UInt8]], rounds: Int) throws -> Double {
        let connection = try launch(content)
        func run(_ rounds: Int) throws -> Int {
            var processed = 0
            for _ in 0..<rounds {
                for batch in batches { processed += try answer(connection, batch) }
            }
            return processed
        }
        _ = try run(1)  // warm-up, and the agent has loaded its content
        let start = monotonicSeconds()
        let processed = try run(rounds)
        return Double(processed) / (monotonicSeconds() - start)
    }

    // MARK: - Crashes

    /// Crash-to-recorded latency, seconds: from handing the agent a batch that
    /// crashes it (the July 19 read) to the supervisor's typed failure.
    public func crashToRecorded(badContent: [[UInt8]], trigger: EventBatch, samples: Int) throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<samples {
            let connection = try launch(badContent)
            _ = try answer(connection, EventBatch())  // loaded
            let sent = monotonicSeconds()
            connection.dispatch(trigger)
            guard case .ended = connection.awaitReply().outcome else { throw BenchmarkFailure(message: "the agent survived the trigger") }
            latencies.append(monotonicSeconds() - sent)
        }
        return latencies
    }

    /// Crash to serving again: the agent crashes on a fresh update, the
    /// supervisor quarantines it and restarts the agent on the known-good
    /// content, and the new agent answers its first batch.
    public func crashToServing(good: [[UInt8]], bad: [UInt8], trigger: EventBatch, samples: Int) throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<samples {
            let known = good.map { ContentUpdate(channel: channel(of: $0), bytes: $0, update: nil) }
            let supervisor = AgentSupervisor(name: agent.name, restart: agent.restart, rollbackWindow: .seconds(5), content: known)
            _ = supervisor.start(now: .zero)
            var connection = try launch(good)
            _ = try answer(connection, EventBatch())
            for case .deliver(let content) in supervisor.deliver(ContentUpdate(channel: channel(of: bad), bytes: bad, update: 1), now: .zero) {
                connection.deliver(content)
            }
            _ = try answer(connection, EventBatch())
            let crashed = monotonicSeconds()
            connection.dispatch(trigger)
            guard case .ended(let failure) = connection.awaitReply().outcome else { throw BenchmarkFailure(message: "the agent survived") }
            _ = supervisor.failed(failure, now: .zero)
            for case .launch(let content) in supervisor.tick(now: .zero) {
                connection = try launch(content.map(\.bytes))
            }
            _ = try answer(connection, trigger)
            latencies.append(monotonicSeconds() - crashed)
            connection.shutdown()
        }
        return latencies
    }

    // MARK: - Helpers

    private func launch(_ content: [[UInt8]]) throws -> AgentConnection {
        do {
            return try launcher.launch(agent, content: content.map { ContentUpdate(channel: channel(of: $0), bytes: $0, update: nil) }).0
        } catch {
            throw BenchmarkFailure(message: "the agent did not start: \(error.failure.detail ?? error.failure.kind.rawValue)")
        }
    }

    /// Dispatches a batch and returns how many events the agent scanned.
    private func answer(_ connection: AgentConnection, _ batch: EventBatch) throws -> Int {
        connection.dispatch(batch)
        switch connection.awaitReply().outcome {
        case .answered(let verdicts): return verdicts.count
        case .ended(let failure): throw BenchmarkFailure(message: "the agent ended: \(failure.kind.rawValue)")
        }
    }

    private func channel(of bytes: [UInt8]) -> UInt32 { (try? ChannelFile(parsing: bytes))?.header.channel ?? 0 }
}

public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
