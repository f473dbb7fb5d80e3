import RingfenceSensor

/// One user-mode agent within a boot: its supervisor's decisions carried out
/// on the simulated clock, its process (through an ``AgentConnection``), and
/// its totals.
///
/// A failure is seen on the batch the agent died on; it is handled when the
/// clock reaches its simulated time (the batch's end, plus what detecting a
/// hang costs), so records stay in time order. Meanwhile the supervisor does
/// not know yet: updates delivered in that window wait for its decision, so
/// that the content the agent died on is the one quarantined. Until a
/// restarted agent has paid its `startup`, it does not serve.
final class SupervisedAgent {
    let configuration: AgentConfiguration
    let supervisor: AgentSupervisor
    let launcher: AgentLauncher
    let records: RecordSink
    let disk: HostDisk
    private(set) var counts: AgentCounts
    private var connection: AgentConnection?
    /// Content handed to the process and not yet reported loaded, oldest first.
    private var unconfirmed: [ContentUpdate] = []
    private var servingFrom = SimulatedTime.zero
    private var pendingFailure: (at: SimulatedTime, failure: AgentFailure)?
    /// Updates that arrived while a failure was pending, in order.
    private var heldDeliveries: [ContentUpdate] = []
    /// Something reached the agent since it last answered: it must be shown a
    /// batch, an empty one if need be, so that what it did is seen at a known time.
    private(set) var needsSync = false

    init(_ configuration: AgentConfiguration, content: [ContentUpdate], quarantined: [String: String], launcher: AgentLauncher,
         records: RecordSink, disk: HostDisk) {
        self.configuration = configuration
        self.supervisor = AgentSupervisor(name: configuration.name, restart: configuration.restart, rollbackWindow: configuration.rollbackWindow,
                                          content: content, quarantined: quarantined)
        self.launcher = launcher
        self.records = records
        self.disk = disk
        self.counts = AgentCounts(name: configuration.name)
    }

    var name: String { configuration.name }

    /// When a failure already seen will be handled, if one is pending.
    var pendingFailureTime: SimulatedTime? { pendingFailure?.at }

    /// Does the agent scan events that happen at `time`?
    func isServing(at time: SimulatedTime) -> Bool { connection != nil && pendingFailure == nil && time >= servingFrom }

    /// The next time this agent needs the clock to stop: a failure to handle,
    /// a restart, or the moment a restarted agent starts serving.
    func nextStop(after clock: SimulatedTime) -> SimulatedTime? {
        var stops = [pendingFailure?.at, supervisor.restartDue].compactMap { $0 }
        if connection != nil && servingFrom > clock { stops.append(servingFrom) }
        return stops.min()
    }

    // MARK: - Carrying out the supervisor's decisions

    /// Boot: the agent starts with the boot, and serves from its first moment.
    func start(at time: SimulatedTime) {
        perform(supervisor.start(now: time), at: time, startup: .zero)
    }

    func deliver(_ content: ContentUpdate, at time: SimulatedTime) {
        guard pendingFailure == nil else {
            heldDeliveries.append(content)
            return
        }
        perform(supervisor.deliver(content, now: time), at: time, startup: configuration.startup)
    }

    /// Handles whatever falls due at `time`: a failure seen earlier (and the
    /// updates held behind it), a restart.
    func advance(to time: SimulatedTime) {
        guard settle(at: time) else { return }
        perform(supervisor.tick(now: time), at: time, startup: configuration.startup)
    }

    /// Handles a failure due by `time`, and the updates held behind it;
    /// false while one is still pending. At the end of a boot this is all
    /// that runs: the failure is recorded, and nothing restarts.
    @discardableResult
    func settle(at time: SimulatedTime) -> Bool {
        guard let pending = pendingFailure else { return true }
        guard pending.at <= time else { return false }
        pendingFailure = nil
        perform(supervisor.failed(pending.failure, now: pending.at), at: pending.at, startup: configuration.startup)
        let held = heldDeliveries
        heldDeliveries.removeAll()
        for content in held { perform(supervisor.deliver(content, now: pending.at), at: pending.at, startup: configuration.startup) }
        return true
    }

    private func perform(_ actions: [AgentSupervisor.Action], at time: SimulatedTime, startup: SimulatedTime) {
        for action in actions {
            switch action {
            case .record(let event):
                // The quarantine list lives on the host's disk, so it outlives this boot.
                if case .quarantine(_, _, _, let digest, let reason) = event { disk.quarantine(digest, reason: reason) }
                records.send(HostRecord(event, at: time))
            case .deliver(let content):
                connection?.deliver(content)
                unconfirmed.append(content)
                needsSync = true
            case .launch(let content):
                launch(content, at: time, startup: startup)
            }
        }
    }

    private func launch(_ content: [ContentUpdate], at time: SimulatedTime, startup: SimulatedTime) {
        connection = nil
        do {
            let (connection, wall) = try launcher.launch(configuration, content: content)
            self.connection = connection
            unconfirmed = content
            servingFrom = time + startup
            needsSync = true
            records.send(HostRecord(.agentStarted(agent: name, wall: wall), at: time))
        } catch {
            // Fail closed: no agent runs without its sandbox. It counts as a failure of the agent.
            perform(supervisor.failed(error.failure, now: time), at: time, startup: startup)
        }
    }

    // MARK: - Batches

    /// Hands the agent the batch (its own sensor's encoding).
    func dispatch(_ batch: EventBatch) {
        connection?.dispatch(batch)
        needsSync = false
    }

    /// Waits for the agent's answer to the batch it was given, and accounts for it.
    func collect(_ batch: PumpedBatch) {
        guard let connection else { return }
        let reply = connection.awaitReply()
        for load in reply.loads {
            let update = unconfirmed.isEmpty ? nil : unconfirmed.removeFirst().update
            records.send(HostRecord(.channelLoaded(agent: name, update: update, load), at: batch.start))
        }
        switch reply.outcome {
        case .answered(let verdicts):
            var detected = 0
            for (index, verdict) in verdicts.enumerated() where batch.malicious[index] && verdict != VerdictByte.allow { detected += 1 }
            let scannedMalicious = batch.malicious.prefix(verdicts.count).reduce(0) { $0 + ($1 ? 1 : 0) }
            counts.scanned(events: verdicts.count, malicious: scannedMalicious, detected: detected)
            if verdicts.count < batch.count {
                records.send(HostRecord(.eventsDropped(agent: name, events: batch.count, scanned: verdicts.count), at: batch.end))
                counts.unscanned(events: batch.count - verdicts.count, malicious: batch.maliciousCount - scannedMalicious,
                                 failMode: configuration.failMode)
            }
            supervisor.healthy(now: batch.end)
        case .ended(let failure):
            // The batch it died on is lost with it; the failure is handled when
            // the clock gets there: at once for a crash, after the detection time for a hang.
            self.connection = nil
            unconfirmed.removeAll()
            counts.unscanned(events: batch.count, malicious: batch.maliciousCount, failMode: configuration.failMode)
            counts.unprotected += batch.end - batch.start
            let detection = failure.kind == .hang ? configuration.limits.hangDetection : .zero
            pendingFailure = (batch.end + detection, failure)
        }
    }

    /// Events that happened while the agent was not serving.
    func missed(_ batch: PumpedBatch) {
        counts.unscanned(events: batch.count, malicious: batch.maliciousCount, failMode: configuration.failMode)
    }

    /// Simulated time passing while the agent does not serve.
    func unprotected(_ span: SimulatedTime) { counts.unprotected += span }

    func shutdown() {
        connection?.shutdown()
        connection = nil
    }
}
