import CSandbox
import Glibc
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// The host's side of one running user-mode agent: its sandboxed process, the
/// two pipes, the shared event ring, and the deadlines.
///
/// Everything that comes back from the agent is bounded: frames are capped
/// (``AgentFrame/maxAgentPayload``), each service reads at most 64 KiB, writes
/// never block (a full pipe is a deadline, not a stall). A missed heartbeat
/// (three intervals) or verdict deadline kills the agent as hung; garbage or
/// an oversized frame kills it as a protocol error.
final class UserModeAgent {
    /// A batch the agent has not answered yet.
    struct Batch {
        let slot: Int
        let events: Int
        let malicious: [Bool]
        let sentAt: Double
    }

    enum Event {
        case verdicts(processed: Int, detected: Int, malicious: Int)
        case loaded(channel: UInt32, instances: Int, disabled: Int)
        case loadFailed(reason: String)
        case healthy
        /// The process has ended; in-flight batches are returned for accounting.
        case ended(AgentFailure, lostEvents: Int, lostMalicious: Int)
    }

    let configuration: AgentConfiguration
    let process: SandboxedProcess
    let ring: SharedMemory
    let layout: EventRingLayout
    private var toAgent: Int32
    private var fromAgent: Int32
    private var decoder = FrameDecoder(maxPayload: AgentFrame.maxAgentPayload)
    private var freeSlots: [Int]
    private var inFlight: [UInt32: Batch] = [:]
    private var nextBatch: UInt32 = 1
    private var pending: [UInt8] = []
    private var pendingSince: Double?
    private var lastHeard: Double
    private var killReason: AgentFailure.Kind?
    private var ended = false
    static let maxPending = 128 << 20

    init(configuration: AgentConfiguration, process: SandboxedProcess, ring: SharedMemory, layout: EventRingLayout,
         toAgent: Int32, fromAgent: Int32, now: Double) {
        self.configuration = configuration
        self.process = process
        self.ring = ring
        self.layout = layout
        self.toAgent = toAgent
        self.fromAgent = fromAgent
        self.freeSlots = Array((0..<layout.slots).reversed())
        self.lastHeard = now
    }

    deinit {
        if toAgent >= 0 { close(toAgent) }
        if fromAgent >= 0 { close(fromAgent) }
    }

    /// Launches an agent through the fork server and gives it its settings and content.
    static func launch(_ configuration: AgentConfiguration, policy: PolicyCompiler, forkServer: ForkServer, devNull: Int32,
                       content: [ContentUpdate], layout: EventRingLayout, now: Double) throws -> UserModeAgent {
        var hostToAgent: [Int32] = [-1, -1], agentToHost: [Int32] = [-1, -1]
        guard rf_pipe_cloexec(&hostToAgent) == 0 else { throw SandboxSetupError(stage: .fileDescriptors, errno: errno) }
        guard rf_pipe_cloexec(&agentToHost) == 0 else {
            hostToAgent.forEach { close($0) }
            throw SandboxSetupError(stage: .fileDescriptors, errno: errno)
        }
        let ring = try SharedMemory(name: "ringfence-\(configuration.name)", size: layout.totalSize)
        let spec = SandboxSpec(
            policy: policy, handling: configuration.violations,
            limits: SandboxLimits(addressSpace: configuration.memoryBytes, cpuSeconds: configuration.cpuSeconds, openFiles: 64, processes: 4),
            descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(devNull, as: 1), DescriptorMapping(devNull, as: 2),
                          DescriptorMapping(hostToAgent[0], as: AgentMain.input), DescriptorMapping(agentToHost[1], as: AgentMain.output),
                          DescriptorMapping(ring.fd, as: AgentMain.ring)],
            reportTarget: AgentMain.report)
        let process: SandboxedProcess
        do {
            process = try forkServer.launch(spec, entry: configuration.entry)
        } catch {
            (hostToAgent + agentToHost).forEach { close($0) }
            throw error
        }
        close(hostToAgent[0])
        close(agentToHost[1])
        for fd in [hostToAgent[1], agentToHost[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let agent = UserModeAgent(configuration: configuration, process: process, ring: ring, layout: layout,
                                  toAgent: hostToAgent[1], fromAgent: agentToHost[0], now: now)
        let settings = AgentSettingsWire(interpreter: configuration.interpreter,
                                         heartbeatMilliseconds: UInt32(max(1, configuration.heartbeatSeconds * 1000)),
                                         layout: layout, sensor: configuration.sensor)
        agent.send(AgentFrame(.configure, payload: settings.encoded), now: now)
        for update in content { agent.deliver(update, now: now) }
        return agent
    }

    // MARK: - Sending

    func deliver(_ content: ContentUpdate, now: Double) {
        send(AgentFrame(.content, value: content.channel, payload: content.bytes), now: now)
    }

    /// Puts a batch in a free slot of the ring and tells the agent. False when
    /// every slot is still in flight (the agent is behind): the caller counts
    /// the events as missed or blocked.
    func send(_ batch: EventBatch, malicious: [Bool], now: Double) -> Bool {
        guard !ended, batch.bytes.count <= layout.eventBytes, batch.count <= layout.maxEvents, let slot = freeSlots.popLast() else { return false }
        batch.bytes.withUnsafeBytes { (ring.base + layout.eventArea(slot)).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let id = nextBatch
        nextBatch &+= 1
        inFlight[id] = Batch(slot: slot, events: batch.count, malicious: malicious, sentAt: now)
        send(AgentFrame(.events, value: id, payload: AgentFrame.words([UInt32(slot), UInt32(batch.bytes.count)])), now: now)
        return true
    }

    func shutdown(now: Double) { send(AgentFrame(.shutdown), now: now) }

    /// Events sent and not yet answered.
    var eventsInFlight: Int { inFlight.values.reduce(0) { $0 + $1.events } }

    private func send(_ frame: AgentFrame, now: Double) {
        guard !ended else { return }
        pending += frame.encoded
        if pending.count > Self.maxPending { kill(.hang); return }
        flush(now: now)
    }

    private func flush(now: Double) {
        while !pending.isEmpty {
            let written = pending.withUnsafeBytes { write(toAgent, $0.baseAddress, $0.count) }
            if written > 0 {
                pending.removeFirst(written)
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && errno == EAGAIN {
                if pendingSince == nil { pendingSince = now }
                return
            }
            return  // EPIPE: the agent is gone; its pidfd will say how
        }
        pendingSince = nil
    }

    // MARK: - Watching

    /// Descriptors to poll, with the events of interest.
    var pollRequests: [pollfd] {
        guard !ended else { return [] }
        var fds = process.watchedDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if fromAgent >= 0 { fds.append(pollfd(fd: fromAgent, events: Int16(POLLIN), revents: 0)) }
        if !pending.isEmpty && toAgent >= 0 { fds.append(pollfd(fd: toAgent, events: Int16(POLLOUT), revents: 0)) }
        return fds
    }

    /// Handles readiness of one of ``pollRequests``.
    func service(_ fd: Int32, events: Int16, now: Double) -> [Event] {
        guard !ended else { return [] }
        if fd == toAgent {
            flush(now: now)
            return []
        }
        if fd == fromAgent { return receive(now: now) }
        process.service(fd, events: events)
        return finishIfEnded()
    }

    private func receive(now: Double) -> [Event] {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { read(fromAgent, $0.baseAddress, $0.count) }
        if count == 0 {
            // The agent closed its end: it is exiting or has closed its fds. Its pidfd will tell.
            close(fromAgent)
            fromAgent = -1
            return []
        }
        guard count > 0 else { return [] }
        buffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        var events: [Event] = []
        do {
            while let frame = try decoder.next() { events += handle(frame, now: now) }
        } catch {
            kill(.protocolError)
        }
        return events
    }

    private func handle(_ frame: AgentFrame, now: Double) -> [Event] {
        switch frame.kind {
        case .heartbeat:
            lastHeard = now
            return [.healthy]
        case .verdicts:
            guard let batch = inFlight.removeValue(forKey: frame.value), Int(frame.word(0)) == batch.slot,
                  Int(frame.word(1)) <= batch.events else {
                kill(.protocolError)
                return []
            }
            lastHeard = now
            let verdicts = UnsafeBufferPointer(start: (ring.base + layout.verdictArea(batch.slot)).assumingMemoryBound(to: UInt8.self),
                                               count: batch.events)
            let processed = Int(frame.word(1))
            var detected = 0
            for index in 0..<processed where batch.malicious[index] && verdicts[index] != VerdictByte.allow { detected += 1 }
            freeSlots.append(batch.slot)
            // Events the agent skipped (a malformed batch) were not scanned.
            return [.verdicts(processed: processed, detected: detected, malicious: batch.malicious.filter { $0 }.count), .healthy]
        case .loaded:
            lastHeard = now
            return [.loaded(channel: frame.value, instances: Int(frame.word(0)), disabled: Int(frame.word(1)))]
        case .loadFailed:
            lastHeard = now
            return [.loadFailed(reason: String(decoding: frame.payload, as: UTF8.self))]
        default:
            kill(.protocolError)  // only the host sends the other kinds
            return []
        }
    }

    /// Kills a hung agent: a missed heartbeat (three intervals), a verdict
    /// not back in time, or a write that has not drained in time.
    func checkDeadlines(now: Double) {
        guard !ended, killReason == nil else { return }
        let deadline = configuration.verdictDeadlineSeconds
        if now - lastHeard > configuration.heartbeatSeconds * 3
            || inFlight.values.contains(where: { now - $0.sentAt > deadline })
            || pendingSince.map({ now - $0 > deadline }) == true {
            kill(.hang)
        }
    }

    /// Kills the agent for `reason`; its pidfd then reports the end.
    func kill(_ reason: AgentFailure.Kind) {
        guard killReason == nil, !ended else { return }
        killReason = reason
        process.kill(deadline: reason == .hang)
    }

    private func finishIfEnded() -> [Event] {
        guard let termination = process.termination else { return [] }
        ended = true
        let lost = inFlight.values.reduce(0) { $0 + $1.events }
        let lostMalicious = inFlight.values.reduce(0) { $0 + $1.malicious.filter { $0 }.count }
        inFlight.removeAll()
        return [.ended(AgentFailure(termination, killedFor: killReason), lostEvents: lost, lostMalicious: lostMalicious)]
    }
}
