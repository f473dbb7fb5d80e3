import Glibc
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// Measurements of the supervisor's IPC path and crash handling, with real
/// processes: throughput of user mode against kernel mode on the same rules
/// and events, crash-to-recorded latency, and crash-to-serving-again latency.
public struct HostBenchmark {
    public let policy: PolicyCompiler
    public let agent: AgentConfiguration
    let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
    let layout = EventRingLayout.standard

    public init(policy: PolicyCompiler, agent: AgentConfiguration) {
        self.policy = policy
        self.agent = agent
    }

    // MARK: - Throughput

    /// Events per second through `interpreter` evaluated in this process (kernel mode).
    public func kernelThroughput(_ batches: [EventBatch], content: [ChannelFile], rounds: Int) throws -> Double {
        let interpreter = agent.interpreter.make(sensor: agent.sensor)
        for channel in content { try interpreter.load(channel) }
        var counts = EvaluationCounts()
        for batch in batches { interpreter.evaluate(batch, into: &counts) }  // warm-up
        let start = monotonicTime()
        for _ in 0..<rounds { for batch in batches { interpreter.evaluate(batch, into: &counts) } }
        return Double(rounds * batches.reduce(0) { $0 + $1.count }) / (monotonicTime() - start)
    }

    /// Events per second through a sandboxed user-mode agent: batches copied
    /// into the shared ring, a doorbell frame each, verdicts back, every slot busy.
    public func userThroughput(_ batches: [EventBatch], content: [[UInt8]], rounds: Int, forkServer: ForkServer) throws -> Double {
        let process = try UserModeAgent.launch(agent, policy: policy, forkServer: forkServer, devNull: devNull,
                                               content: content.map { ContentUpdate(channel: channel(of: $0), bytes: $0, update: nil) },
                                               layout: layout, now: monotonicTime())
        let malicious = batches.map { batch in var flags: [Bool] = []; batch.forEach { flags.append($0.malicious) }; return flags }
        var processed = 0
        func run(_ rounds: Int) throws {
            var next = 0
            let total = rounds * batches.count
            var answered = 0
            while answered < total {
                while next < total, process.send(batches[next % batches.count], malicious: malicious[next % batches.count], now: monotonicTime()) {
                    next += 1
                }
                for event in pump(process, timeout: 1000) {
                    switch event {
                    case .verdicts(let count, _, _):
                        answered += 1
                        processed += count
                    case .ended(let failure, _, _):
                        throw BenchmarkFailure(message: "the agent ended: \(failure)")
                    default:
                        break
                    }
                }
            }
        }
        try run(1)  // warm-up, and the agent has loaded its content
        processed = 0
        let start = monotonicTime()
        try run(rounds)
        let elapsed = monotonicTime() - start
        process.kill(.protocolError)
        _ = pump(process, timeout: 1000)
        return Double(processed) / elapsed
    }

    // MARK: - Crashes

    /// Crash-to-recorded latency, seconds: from sending a batch that crashes the
    /// agent (the July 19 read) to the supervisor's typed failure.
    public func crashToRecorded(badContent: [[UInt8]], trigger: EventBatch, samples: Int, forkServer: ForkServer) throws -> [Double] {
        var latencies: [Double] = []
        for _ in 0..<samples {
            let process = try launch(badContent, forkServer: forkServer)
            try waitUntilLoaded(process, channels: badContent.count)
            let sent = monotonicTime()
            guard process.send(trigger, malicious: Array(repeating: false, count: trigger.count), now: sent) else { continue }
            latencies.append(try waitForEnd(process) - sent)
        }
        return latencies
    }

    /// Crash to serving again: the agent crashes on a fresh update, the
    /// supervisor quarantines it and restarts the agent on the known-good
    /// content, and the new agent answers its first batch.
    public func crashToServing(good: [[UInt8]], bad: [UInt8], trigger: EventBatch, samples: Int, forkServer: ForkServer) throws -> [Double] {
        var latencies: [Double] = []
        let noMalice = Array(repeating: false, count: trigger.count)
        for _ in 0..<samples {
            let known = good.map { ContentUpdate(channel: channel(of: $0), bytes: $0, update: nil) }
            let supervisor = AgentSupervisor(name: agent.name, restart: agent.restart, rollbackWindow: 5, content: known)
            _ = supervisor.start(now: monotonicTime())
            var process = try launch(good, forkServer: forkServer)
            try waitUntilLoaded(process, channels: good.count)
            let update = ContentUpdate(channel: channel(of: bad), bytes: bad, update: 1)
            for case .deliver(let content) in supervisor.deliver(update, now: monotonicTime()) { process.deliver(content, now: monotonicTime()) }
            try waitUntilLoaded(process, channels: 1)
            let crashed = monotonicTime()
            guard process.send(trigger, malicious: noMalice, now: crashed) else { continue }
            let ended = try waitForEnd(process)
            _ = supervisor.failed(AgentFailure(kind: .crash), now: ended)
            for case .launch(let content) in supervisor.tick(now: monotonicTime()) {
                process = try UserModeAgent.launch(agent, policy: policy, forkServer: forkServer, devNull: devNull,
                                                   content: content, layout: layout, now: monotonicTime())
            }
            guard process.send(trigger, malicious: noMalice, now: monotonicTime()) else { continue }
            var served = false
            while !served {
                for event in pump(process, timeout: 1000) {
                    if case .verdicts = event { served = true }
                    if case .ended(let failure, _, _) = event { throw BenchmarkFailure(message: "the restarted agent ended: \(failure)") }
                }
            }
            latencies.append(monotonicTime() - crashed)
            process.kill(.protocolError)
            _ = pump(process, timeout: 1000)
        }
        return latencies
    }

    // MARK: - Helpers

    private func launch(_ content: [[UInt8]], forkServer: ForkServer) throws -> UserModeAgent {
        try UserModeAgent.launch(agent, policy: policy, forkServer: forkServer, devNull: devNull,
                                 content: content.map { ContentUpdate(channel: channel(of: $0), bytes: $0, update: nil) },
                                 layout: layout, now: monotonicTime())
    }

    private func channel(of bytes: [UInt8]) -> UInt32 { (try? ChannelFile(parsing: bytes))?.header.channel ?? 0 }

    private func waitUntilLoaded(_ process: UserModeAgent, channels: Int) throws {
        var loaded = 0
        while loaded < channels {
            for event in pump(process, timeout: 1000) {
                if case .loaded = event { loaded += 1 }
                if case .ended(let failure, _, _) = event { throw BenchmarkFailure(message: "the agent ended while loading: \(failure)") }
            }
        }
    }

    private func waitForEnd(_ process: UserModeAgent) throws -> Double {
        while true {
            for event in pump(process, timeout: 1000) {
                if case .ended = event { return monotonicTime() }
            }
        }
    }

    /// One poll over the agent's descriptors, serviced.
    private func pump(_ process: UserModeAgent, timeout: Int32) -> [UserModeAgent.Event] {
        var requests = process.pollRequests
        guard !requests.isEmpty, poll(&requests, nfds_t(requests.count), timeout) > 0 else { return [] }
        return requests.filter { $0.revents != 0 }.flatMap { process.service($0.fd, events: $0.revents, now: monotonicTime()) }
    }
}

public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
