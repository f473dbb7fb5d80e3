import Glibc
import RingfenceContent
import RingfenceSensor
import RingfenceSystem

/// One boot of a simulated host, on the simulated clock: the kernel's event
/// loop, its kernel-mode drivers and its supervised user-mode agents.
///
/// The loop moves the clock by batches of events. For each batch it handles
/// what falls due first (a failure seen earlier, a restart, an update's
/// delivery, the counts), runs the kernel-mode drivers over it, hands it to
/// every serving user-mode agent, and only then, once each agent has answered
/// or ended, moves the clock past it. The next batch is generated while the
/// agents scan this one. Nothing here reads the machine's clock, so a boot's
/// records are a function of its configuration, its disk and the agents'
/// behaviour on their input, however slow the machine.
///
/// Everything that touches the outside comes in: the disk, where records go,
/// how agents are started, the crash dump and the watchdog. Tests run the
/// logic with fakes, in microseconds and without a fork.
final class BootSession {
    /// Running totals go to the lab every simulated second, or, in a long
    /// boot, a hundred times over it: a three-hour window logs a few hundred
    /// `counts` records, not ten thousand.
    static func countsInterval(bootAt: SimulatedTime, end: SimulatedTime) -> SimulatedTime {
        let hundredth = (end - bootAt).microseconds / 100
        return .seconds(max(1, (hundredth + 999_999) / 1_000_000))
    }

    let configuration: HostConfiguration
    let disk: HostDisk
    let records: RecordSink
    let dump: CrashDump?
    let watchdog: Watchdog?
    private(set) var clock: SimulatedTime
    private var pump: EventPump
    /// Which of the pump's encodings each agent of the configuration reads.
    private let encoding: [Int]
    private var kernelAgents: [(index: Int, agent: KernelModeAgent, counts: AgentCounts)] = []
    private var supervised: [(index: Int, agent: SupervisedAgent)] = []
    private var deliveries: [ScheduledDelivery]
    private var nextCounts: SimulatedTime
    private var countsInterval: SimulatedTime
    private let launcher: AgentLauncher

    init(configuration: HostConfiguration, disk: HostDisk, records: RecordSink, launcher: AgentLauncher, dump: CrashDump? = nil,
         watchdog: Watchdog? = nil) {
        self.configuration = configuration
        self.disk = disk
        self.records = records
        self.launcher = launcher
        self.dump = dump
        self.watchdog = watchdog
        clock = configuration.bootAt
        deliveries = configuration.deliveries
        countsInterval = .seconds(1)
        nextCounts = .never
        var sensors: [SensorTemplates] = []
        var keys: [[String: Int]] = []
        encoding = configuration.agents.map { agent in
            if let known = keys.firstIndex(of: agent.supplies) { return known }
            keys.append(agent.supplies)
            sensors.append(agent.sensor)
            return sensors.count - 1
        }
        pump = EventPump(seed: configuration.seed &+ UInt64(configuration.boot), start: configuration.bootAt,
                         events: configuration.host.events, sensors: sensors)
    }

    /// When the boot ends: `duration` after the later of its start and the last update it will have delivered.
    var end: SimulatedTime {
        if configuration.safeMode { return configuration.bootAt + configuration.safeModeStay }
        let lastUpdate = ([configuration.lastDelivery] + deliveries.map(\.at)).compactMap { $0 }.max() ?? configuration.bootAt
        return max(configuration.bootAt, lastUpdate) + configuration.host.duration
    }

    /// Runs the boot to its end. A kernel-mode fault never returns: it ends the process.
    func run() throws(BootError) {
        let end = self.end
        countsInterval = Self.countsInterval(bootAt: configuration.bootAt, end: end)
        nextCounts = configuration.bootAt + countsInterval
        try boot()
        // A failure seen on one of the last batches is handled, at its time, before the boot ends.
        func stopAt() -> SimulatedTime { supervised.compactMap { $0.agent.pendingFailureTime }.reduce(end, max) }
        while clock < stopAt() && !configuration.safeMode {
            try handleDue()
            step(pump.next(from: clock, until: nextStop(before: stopAt())))
        }
        for (_, agent) in supervised { agent.settle(at: clock) }
        clock = max(clock, end)
        shutdown()
    }

    // MARK: - Boot

    private func boot() throws(BootError) {
        do { try disk.prepare() } catch { throw BootError(description: "cannot prepare the disk at \(disk.root): \(error)") }
        let mode: BootMode = configuration.safeMode ? .safeMode : .normal
        // The previous boot's record says whether it ended cleanly: one still "running" on disk crashed.
        let previous = disk.lastBoot().map { PreviousBoot(number: $0.number, mode: $0.mode, crashed: $0.phase == .running) }
        disk.recordBoot(configuration.boot, mode: mode, phase: .running)
        send(.booted(mode, previous: previous))
        // Safe mode: third-party drivers and services stay off.
        guard !configuration.safeMode else { return }
        let persisted = disk.channelFiles().compactMap { try? FileBytes.read($0) }
        for (index, agent) in configuration.agents.enumerated() where agent.isolation == .kernel {
            kernelAgents.append((index, KernelModeAgent(agent, trace: dump?.trace ?? InterpreterTrace()), AgentCounts(name: agent.name)))
            for bytes in persisted { load(bytes, kernelAgent: kernelAgents.count - 1, update: nil) }
        }
        let content = persisted.compactMap { bytes in
            (try? ChannelFile(parsing: bytes)).map { ContentUpdate(channel: $0.header.channel, bytes: bytes, update: nil) }
        }
        let quarantined = Dictionary(disk.quarantinedDigests().map { ($0, "quarantined on an earlier boot") }, uniquingKeysWith: { $1 })
        for (index, agent) in configuration.agents.enumerated() where agent.isolation == .user {
            let supervisedAgent = SupervisedAgent(agent, content: content, quarantined: quarantined, launcher: launcher, records: records, disk: disk)
            supervised.append((index, supervisedAgent))
            supervisedAgent.start(at: clock)
        }
    }

    // MARK: - What falls due

    /// The first thing after the clock that needs it to stop: the counts, an
    /// update, an agent's failure, restart or readiness; `end` at the latest.
    private func nextStop(before end: SimulatedTime) -> SimulatedTime {
        var stop = end
        func consider(_ time: SimulatedTime?) {
            if let time, time > clock, time < stop { stop = time }
        }
        consider(nextCounts)
        consider(deliveries.first?.at)
        for (_, agent) in supervised { consider(agent.nextStop(after: clock)) }
        return stop
    }

    private func handleDue() throws(BootError) {
        for (_, agent) in supervised { agent.advance(to: clock) }
        while let next = deliveries.first, next.at <= clock {
            deliveries.removeFirst()
            try deliver(next)
        }
        if clock >= nextCounts {
            send(.counts(allCounts))
            while nextCounts <= clock { nextCounts += countsInterval }
        }
    }

    private func deliver(_ delivery: ScheduledDelivery) throws(BootError) {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(delivery.path) } catch { throw BootError(description: "update \(delivery.update): \(error)") }
        let content = ContentUpdate(channel: delivery.channel, bytes: bytes, update: delivery.update)
        send(.updateDelivered(UpdateDelivery(update: delivery.update, channel: delivery.channel, digest: content.digest,
                                             label: delivery.label, fault: delivery.fault)))
        do {
            let path = try disk.install(bytes, channel: delivery.channel, update: delivery.update)
            send(.updateInstalled(update: delivery.update, channel: delivery.channel, file: String(path.split(separator: "/").last ?? "")))
        } catch {
            throw BootError(description: "update \(delivery.update): cannot install it: \(error)")
        }
        for index in kernelAgents.indices { load(bytes, kernelAgent: index, update: delivery.update) }
        for (_, agent) in supervised { agent.deliver(content, at: clock) }
    }

    /// A kernel-mode driver loads a channel file, under the watchdog and in the crash dump.
    private func load(_ bytes: [UInt8], kernelAgent position: Int, update: Int?) {
        let (index, agent, _) = kernelAgents[position]
        dump?.enter(driver: index, .load, channel: (try? ChannelFile(parsing: bytes))?.header.channel)
        watchdog?.arm()
        let result = agent.load(bytes)
        watchdog?.disarm()
        dump?.leave()
        send(.channelLoaded(agent: agent.configuration.name, update: update, result))
    }

    // MARK: - One batch

    private func step(_ batch: PumpedBatch) {
        let serving = supervised.filter { $0.agent.isServing(at: batch.start) && (batch.count > 0 || $0.agent.needsSync) }
        for (index, agent) in serving { agent.dispatch(batch.encodings[encoding[index]]) }
        if batch.count > 0 { runKernelAgents(over: batch) }
        pump.prefetch(from: batch.end)
        for (_, agent) in serving { agent.collect(batch) }
        for (_, agent) in supervised where !serving.contains(where: { $0.agent === agent }) && !agent.isServing(at: batch.start) {
            agent.missed(batch)
            agent.unprotected(batch.end - batch.start)
        }
        clock = batch.end
        if let dump {
            dump.clock = clock
            for (index, _, counts) in kernelAgents { dump.store(counts, at: index) }
            for (index, agent) in supervised { dump.store(agent.counts, at: index) }
        }
    }

    private func runKernelAgents(over batch: PumpedBatch) {
        for position in kernelAgents.indices {
            let (index, agent, _) = kernelAgents[position]
            dump?.enter(driver: index, .evaluate)
            watchdog?.arm()
            let verdicts = agent.evaluate(batch.encodings[encoding[index]])
            watchdog?.disarm()
            // The kernel's integrity check: an action that wrote past its buffer corrupted kernel state.
            if !agent.interpreter.integrityIntact {
                send(.bugcheck(agent: agent.configuration.name, .kernelSecurityCheckFailure,
                               reason: "kernel state next to the capture buffer was overwritten"))
                abort()
            }
            dump?.leave()
            var detected = 0
            for (event, verdict) in verdicts.enumerated() where batch.malicious[event] && verdict != VerdictByte.allow { detected += 1 }
            kernelAgents[position].counts.scanned(events: batch.count, malicious: batch.maliciousCount, detected: detected)
        }
    }

    // MARK: - The end

    private var allCounts: [AgentCounts] {
        var counts = configuration.agents.map { AgentCounts(name: $0.name) }
        for (index, _, agentCounts) in kernelAgents { counts[index] = agentCounts }
        for (index, agent) in supervised { counts[index] = agent.counts }
        return counts
    }

    private func shutdown() {
        for (_, agent) in supervised { agent.shutdown() }
        send(.shutdown(allCounts))
        disk.recordBoot(configuration.boot, mode: configuration.safeMode ? .safeMode : .normal, phase: .shutdown)
    }

    private func send(_ event: HostEvent) { records.send(HostRecord(event, at: clock)) }
}

/// A boot that cannot go on for a reason outside the simulation (its disk, its staged updates).
struct BootError: Error, CustomStringConvertible {
    let description: String
}
