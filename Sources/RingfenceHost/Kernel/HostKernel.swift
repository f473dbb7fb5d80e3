import Foundation
import Glibc
import Logging
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// One boot of a simulated host: the kernel, its disk, its kernel-mode agents
/// and the supervisor of its user-mode agents.
///
/// Boot sequence: the kernel starts; kernel-mode agents load the persisted
/// channel files, early, as a boot-start driver does; the supervisor starts
/// the user-mode agents; then events flow at the configured rate. Updates
/// arrive from the lab (the cloud) on the control channel: the kernel installs
/// each on disk, then tells every agent to load it.
///
/// Single-threaded: one poll loop serves the event clock, the lab, every
/// agent's pipes and pidfd and the seccomp listeners. The watchdog is re-armed
/// on every pass.
public final class HostKernel {
    struct Supervised {
        let configuration: AgentConfiguration
        let supervisor: AgentSupervisor
        var process: UserModeAgent?
        var counts: AgentCounts
    }

    let configuration: HostConfiguration
    let disk: HostDisk
    let records: RecordSink
    let control: Int32
    let logger: Logger
    let started = monotonicTime()
    let tick = 0.01
    let layout = EventRingLayout.standard
    var kernelAgents: [KernelModeAgent] = []
    var supervised: [Supervised] = []
    var forkServer: ForkServer?
    var policies: [String: PolicyCompiler] = [:]
    var generator: TelemetryGenerator
    var controlDecoder = LineDecoder()
    var pendingEvents = 0.0
    var lastSupervised = 0.0
    let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)

    public init(configuration: HostConfiguration, disk: HostDisk, control: Int32, status: Int32,
                logger: Logger = Logger(label: "ringfence.host")) {
        self.configuration = configuration
        self.disk = disk
        self.control = control
        self.records = RecordSink(fd: status)
        self.logger = logger
        self.generator = TelemetryGenerator(seed: configuration.seed &+ UInt64(configuration.boot), mix: configuration.eventMix)
    }

    var uptime: Double { monotonicTime() - started }

    /// Runs the boot to its end and returns the exit status (0). A kernel-mode
    /// fault never returns: it ends the process by its signal.
    public func run() -> Int32 {
        // A driver has no crash reporter: its fault must end the host by the raw signal.
        CrashSignals.restoreDefaultActions()
        signal(SIGPIPE, SIG_IGN)
        // The simulated machine has finite memory: a kernel-mode memory bomb
        // exhausts it (MEMORY_MANAGEMENT) instead of the machine running the lab.
        var memory = rlimit(rlim_cur: rlim_t(configuration.memoryBytes), rlim_max: rlim_t(configuration.memoryBytes))
        setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory)
        boot()
        let watchdog = Watchdog(seconds: configuration.watchdogSeconds)
        var nextTick = uptime
        var nextCounts = uptime + 0.1
        while uptime < configuration.runSeconds {
            watchdog.arm()
            let now = uptime
            if now >= nextTick {
                dispatchEvents(seconds: tick)
                nextTick += tick
            }
            superviseAll(now: now)
            if now >= nextCounts {
                reportCounts()
                nextCounts += 0.1
            }
            waitForWork(until: min(nextTick, configuration.runSeconds))
        }
        watchdog.disarm()
        shutdown()
        return 0
    }

    // MARK: - Boot

    private func boot() {
        try? disk.prepare()
        let mode = configuration.safeMode ? "safe-mode" : "normal"
        var booted = HostRecord(.booted, uptime: uptime, detail: mode)
        // The previous boot's record says whether it ended cleanly: a boot that is
        // still "running" on disk is one that crashed.
        if let last = disk.lastBoot() { booted.reason = "previous boot \(last.number) (\(last.mode)): \(last.phase == "running" ? "crashed" : "clean")" }
        disk.recordBoot(configuration.boot, mode: mode, phase: "running")
        records.send(booted)
        // Safe mode: third-party drivers and services stay off.
        guard !configuration.safeMode else { return }
        let persisted = disk.channelFiles().compactMap { path in FileManager.default.contents(atPath: path).map { [UInt8]($0) } }
        for agentConfiguration in configuration.agents where agentConfiguration.isolation == .kernel {
            let agent = KernelModeAgent(agentConfiguration)
            kernelAgents.append(agent)
            for bytes in persisted { reportLoad(agent.load(bytes), agent: agent.configuration.name, update: nil) }
        }
        let content = persisted.compactMap { bytes in
            (try? ChannelFile(parsing: bytes)).map { ContentUpdate(channel: $0.header.channel, bytes: bytes, update: nil) }
        }
        let quarantined = Dictionary(disk.quarantinedDigests().map { ($0, "quarantined on an earlier boot") }, uniquingKeysWith: { $1 })
        for agentConfiguration in configuration.agents where agentConfiguration.isolation == .user {
            let supervisor = AgentSupervisor(name: agentConfiguration.name, restart: agentConfiguration.restart,
                                             rollbackWindow: agentConfiguration.rollbackWindowSeconds, content: content, quarantined: quarantined)
            supervised.append(Supervised(configuration: agentConfiguration, supervisor: supervisor, process: nil,
                                         counts: AgentCounts(name: agentConfiguration.name)))
            perform(supervisor.start(now: uptime), agent: supervised.count - 1)
        }
    }

    private func reportLoad(_ result: Result<LoadReport, LoadRefusal>, agent: String, update: Int?) {
        var record = HostRecord(.channelLoaded, uptime: uptime, agent: agent)
        record.update = update
        switch result {
        case .success(let report):
            record.channel = report.channel
            record.detail = "\(report.instancesLoaded) instances"
            if !report.disabled.isEmpty {
                record.reason = "\(report.disabled.count) disabled: " + report.disabled.map { $0.description }.joined(separator: "; ")
            }
        case .failure(let refusal):
            record.detail = "refused"
            record.reason = refusal.reason
        }
        records.send(record)
    }

    // MARK: - Events

    private func dispatchEvents(seconds: Double) {
        pendingEvents += Double(configuration.eventRate) * seconds
        let count = min(Int(pendingEvents), layout.maxEvents)
        pendingEvents -= Double(count)
        guard count > 0 else { return }
        var batch = EventBatch(reservingCapacity: count * 600)
        generator.generate(count, into: &batch)
        // Kernel mode: on this thread. A fault here is the host's.
        for agent in kernelAgents {
            agent.evaluate(batch)
            // The kernel's integrity check: an action that wrote past its buffer corrupted kernel state.
            if !agent.interpreter.integrityIntact { bugcheck(.kernelSecurityCheckFailure, agent: agent.configuration.name) }
        }
        guard !supervised.isEmpty else { return }
        var malicious: [Bool] = []
        malicious.reserveCapacity(batch.count)
        batch.forEach { malicious.append($0.malicious) }
        let maliciousCount = malicious.filter { $0 }.count
        for index in supervised.indices {
            supervised[index].counts.generated += batch.count
            supervised[index].counts.malicious += maliciousCount
            if let process = supervised[index].process, process.send(batch, malicious: malicious, now: uptime) { continue }
            unscanned(batch.count, agent: index)
        }
    }

    /// Events the agent could not scan: passed (fail open) or blocked (fail closed).
    private func unscanned(_ events: Int, agent index: Int) {
        switch supervised[index].configuration.failMode {
        case .open: supervised[index].counts.missed += events
        case .closed: supervised[index].counts.blocked += events
        }
    }

    /// Stops the host on purpose, as a kernel does when it finds its own state
    /// corrupted: the stop code goes to the lab first, then the process aborts.
    private func bugcheck(_ code: StopCode, agent: String) -> Never {
        var record = HostRecord(.bugcheck, uptime: uptime, agent: agent, detail: code.rawValue)
        record.reason = "kernel state next to the capture buffer was overwritten"
        records.send(record)
        abort()
    }

    /// Stop codes the kernel raises itself (the lab maps signals to the rest).
    enum StopCode: String {
        case kernelSecurityCheckFailure = "KERNEL_SECURITY_CHECK_FAILURE"
    }

    // MARK: - Supervision

    private func superviseAll(now: Double) {
        let elapsed = now - lastSupervised
        lastSupervised = now
        for index in supervised.indices {
            if supervised[index].process == nil { supervised[index].counts.unprotectedSeconds += elapsed }
            supervised[index].process?.checkDeadlines(now: now)
            perform(supervised[index].supervisor.tick(now: now), agent: index)
        }
    }

    private func perform(_ actions: [AgentSupervisor.Action], agent index: Int) {
        for action in actions {
            switch action {
            case .record(let record):
                // The quarantine list lives on the host's disk, so it outlives this boot.
                if record.kind == .quarantine, let digest = record.digest { disk.quarantine(digest, reason: record.reason ?? "") }
                records.send(record)
            case .deliver(let content):
                supervised[index].process?.deliver(content, now: uptime)
            case .launch(let content):
                launch(agent: index, content: content)
            }
        }
    }

    private func launch(agent index: Int, content: [ContentUpdate]) {
        let configuration = supervised[index].configuration
        do {
            if forkServer == nil { forkServer = try ForkServer(logger: logger) }
            let policy = try policies[configuration.profile] ?? PolicyCompiler.load(configuration.profile)
            policies[configuration.profile] = policy
            let agent = try UserModeAgent.launch(configuration, policy: policy, forkServer: forkServer!, devNull: devNull,
                                                 content: content, layout: layout, now: uptime)
            supervised[index].process = agent
            var record = HostRecord(.agentStarted, uptime: uptime, agent: configuration.name, detail: "pid \(agent.process.pid)")
            record.milliseconds = agent.process.launchSeconds * 1000
            records.send(record)
        } catch {
            // Fail closed: no agent runs without its sandbox. It counts as a failure of the agent.
            perform(supervised[index].supervisor.failed(AgentFailure(kind: .exit, detail: "sandbox setup failed: \(error)"), now: uptime),
                    agent: index)
        }
    }

    private func handle(_ events: [UserModeAgent.Event], agent index: Int) {
        let name = supervised[index].configuration.name
        for event in events {
            switch event {
            case .verdicts(let processed, let detected, _):
                supervised[index].counts.processed += processed
                supervised[index].counts.detected += detected
            case .healthy:
                supervised[index].supervisor.healthy(now: uptime)
            case .loaded(let channel, let instances, let disabled):
                var record = HostRecord(.channelLoaded, uptime: uptime, agent: name, detail: "\(instances) instances")
                record.channel = channel
                if disabled > 0 { record.reason = "\(disabled) disabled" }
                records.send(record)
            case .loadFailed(let reason):
                var record = HostRecord(.channelLoaded, uptime: uptime, agent: name, detail: "refused")
                record.reason = reason
                records.send(record)
            case .ended(let failure, let lost, _):
                unscanned(lost, agent: index)
                supervised[index].process = nil
                perform(supervised[index].supervisor.failed(failure, now: uptime), agent: index)
            }
        }
    }

    // MARK: - The loop's wait

    private func waitForWork(until deadline: Double) {
        var requests = [pollfd(fd: control, events: Int16(POLLIN), revents: 0)]
        var owners: [Int] = [-1]
        for (index, agent) in supervised.enumerated() {
            for request in agent.process?.pollRequests ?? [] {
                requests.append(request)
                owners.append(index)
            }
        }
        let timeout = Int32(max(0, min((deadline - uptime) * 1000, 10)).rounded(.up))
        guard poll(&requests, nfds_t(requests.count), timeout) > 0 else { return }
        for (position, request) in requests.enumerated() where request.revents != 0 {
            let index = owners[position]
            if index < 0 {
                readControl()
            } else if let process = supervised[index].process {
                handle(process.service(request.fd, events: request.revents, now: uptime), agent: index)
            }
        }
    }

    // MARK: - The lab's messages

    private func readControl() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(control, $0.baseAddress, $0.count) }
        guard count > 0 else { return }
        for line in controlDecoder.append(buffer[0..<count]) {
            guard let message = try? JSONDecoder().decode(LabMessage.self, from: Data(line)) else { continue }
            if let delivery = message.deliver { install(delivery) }
        }
    }

    private func install(_ delivery: LabMessage.Delivery) {
        guard let data = FileManager.default.contents(atPath: delivery.path) else { return }
        let bytes = [UInt8](data)
        var record = HostRecord(.updateInstalled, uptime: uptime)
        record.update = delivery.update
        record.channel = delivery.channel
        record.digest = ContentDigest.sha256Hex(bytes)
        do {
            record.reason = try disk.install(bytes, channel: delivery.channel, update: delivery.update)
        } catch {
            record.reason = "could not install: \(error)"
        }
        records.send(record)
        for agent in kernelAgents { reportLoad(agent.load(bytes), agent: agent.configuration.name, update: delivery.update) }
        let content = ContentUpdate(channel: delivery.channel, bytes: bytes, update: delivery.update)
        for index in supervised.indices { perform(supervised[index].supervisor.deliver(content, now: uptime), agent: index) }
    }

    // MARK: - Shutdown

    private func currentCounts() -> [AgentCounts] {
        kernelAgents.map(\.counts) + supervised.map { agent in
            var counts = agent.counts
            counts.restarts = agent.supervisor.restarts
            counts.rollbacks = agent.supervisor.rollbacks
            counts.quarantined = agent.supervisor.quarantined.keys.sorted()
            if case .permanentlyFailed = agent.supervisor.state { counts.permanentlyFailed = true }
            return counts
        }
    }

    private func reportCounts() {
        var record = HostRecord(.counts, uptime: uptime)
        record.counts = currentCounts()
        records.send(record)
    }

    private func shutdown() {
        // Let outstanding batches come back, so that every event is accounted
        // for: processed, or else missed (blocked) at the end.
        let drainUntil = uptime + (supervised.map(\.configuration.verdictDeadlineSeconds).max() ?? 0)
        while uptime < drainUntil, supervised.contains(where: { ($0.process?.eventsInFlight ?? 0) > 0 }) {
            waitForWork(until: drainUntil)
        }
        for index in supervised.indices {
            unscanned(supervised[index].process?.eventsInFlight ?? 0, agent: index)
            supervised[index].process?.shutdown(now: uptime)
        }
        reportCounts()
        var record = HostRecord(.shutdown, uptime: uptime)
        record.counts = currentCounts()
        records.send(record)
        disk.recordBoot(configuration.boot, mode: configuration.safeMode ? "safe-mode" : "normal", phase: "shutdown")
        supervised.removeAll()
        forkServer = nil
    }
}

/// What the lab sends a host, one JSON object per line.
public struct LabMessage: Codable, Sendable {
    public struct Delivery: Codable, Sendable {
        /// 1-based, in delivery order.
        public var update: Int
        public var channel: UInt32
        /// The staged file (`incoming/`), written by the lab.
        public var path: String

        public init(update: Int, channel: UInt32, path: String) {
            self.update = update
            self.channel = channel
            self.path = path
        }
    }

    public var deliver: Delivery?

    public init(deliver: Delivery?) { self.deliver = deliver }
}

/// Splits a byte stream into lines.
public struct LineDecoder {
    private var buffer: [UInt8] = []

    public init() {}

    public mutating func append(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        buffer += bytes
        var lines: [[UInt8]] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(Array(buffer[..<newline]))
            buffer.removeFirst(newline + 1)
        }
        if buffer.count > 1 << 20 { buffer.removeAll() }  // no line is that long: drop garbage
        return lines
    }
}

func monotonicTime() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
