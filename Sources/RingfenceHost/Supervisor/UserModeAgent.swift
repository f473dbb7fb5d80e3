import CSandbox
import Glibc
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// The host's side of one running user-mode agent: its sandboxed process, the
/// two pipes, the shared event ring, and the real-time watch over it.
///
/// Everything that comes back from the agent is bounded input: frames are
/// capped (``AgentFrame/maxAgentPayload``), reads are chunked, writes never
/// block (a full pipe waits for the agent, under the same liveness watch).
/// Garbage or an oversized frame kills the agent as a protocol error; a
/// spinning or blocked agent is killed as hung (``AgentLiveness``). When the
/// process ends, every frame it wrote is read before its end is handled, so
/// nothing it said is lost.
final class UserModeAgent: AgentConnection {
    /// How often the watch looks at a busy agent's CPU time and state.
    static let checkInterval: Int32 = 20
    static let maxPending = 128 << 20

    let configuration: AgentConfiguration
    let process: SandboxedProcess
    let ring: SharedMemory
    let layout: EventRingLayout
    private let cpuClock: ProcessCPUClock
    private var liveness: AgentLiveness
    private var toAgent: Int32
    private var fromAgent: Int32
    private var decoder = FrameDecoder(maxPayload: AgentFrame.maxAgentPayload)
    private var pending: [UInt8] = []
    private var outstanding: (id: UInt32, events: Int)?
    private var nextBatch: UInt32 = 1
    private var loads: [ChannelLoad] = []
    private var killedFor: (kind: AgentFailure.Kind, detail: String?)?

    init(configuration: AgentConfiguration, process: SandboxedProcess, ring: SharedMemory, layout: EventRingLayout,
         cpuClock: ProcessCPUClock, toAgent: Int32, fromAgent: Int32) {
        self.configuration = configuration
        self.process = process
        self.ring = ring
        self.layout = layout
        self.toAgent = toAgent
        self.fromAgent = fromAgent
        self.cpuClock = cpuClock
        liveness = AgentLiveness(limits: configuration.limits, cpu: cpuClock.seconds ?? 0)
    }

    deinit {
        if toAgent >= 0 { close(toAgent) }
        if fromAgent >= 0 { close(fromAgent) }
    }

    // MARK: - Sending

    func deliver(_ content: ContentUpdate) {
        send(AgentFrame(.content, value: content.channel, payload: content.bytes))
    }

    func configure(_ settings: AgentSettingsWire) { send(AgentFrame(.configure, payload: settings.encoded)) }

    /// Copies the batch into the ring's first slot (one batch is in flight at
    /// a time) and tells the agent.
    func dispatch(_ batch: EventBatch) {
        precondition(outstanding == nil && batch.bytes.count <= layout.eventBytes && batch.count <= layout.maxEvents,
                     "one batch at a time, cut to fit a slot (EventPump)")
        batch.bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { (ring.base + layout.eventArea(0)).copyMemory(from: base, byteCount: raw.count) }
        }
        let id = nextBatch
        nextBatch &+= 1
        outstanding = (id, batch.count)
        send(AgentFrame(.events, value: id, payload: AgentFrame.words([0, UInt32(batch.bytes.count)])))
    }

    func shutdown() { send(AgentFrame(.shutdown)) }

    private func send(_ frame: AgentFrame) {
        guard toAgent >= 0 else { return }
        pending += frame.encoded
        if pending.count > Self.maxPending { kill(.hang, "stopped reading its channel") }
        flush()
    }

    private func flush() {
        while !pending.isEmpty && toAgent >= 0 {
            let written = pending.withUnsafeBytes { write(toAgent, $0.baseAddress, $0.count) }
            if written > 0 {
                pending.removeFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && errno == EAGAIN {
                return
            } else {
                // EPIPE: the agent closed its end. Nothing more can reach it; its liveness watch decides.
                close(toAgent)
                toAgent = -1
                pending.removeAll()
            }
        }
    }

    // MARK: - Waiting

    func awaitReply() -> AgentReply {
        var lastWatch = monotonicSeconds()
        while true {
            if let outcome = decodeFrames() { return reply(outcome) }
            if let termination = process.termination { return reply(.ended(failure(termination))) }
            var fds = process.watchedDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if fromAgent >= 0 { fds.append(pollfd(fd: fromAgent, events: Int16(POLLIN), revents: 0)) }
            if !pending.isEmpty && toAgent >= 0 { fds.append(pollfd(fd: toAgent, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Self.checkInterval)
            // An agent that floods the pipe keeps poll busy: the watch runs on a timer, not only when all is quiet.
            if ready == 0 || monotonicSeconds() - lastWatch >= Double(Self.checkInterval) / 1000 {
                watch()
                lastWatch = monotonicSeconds()
            }
            guard ready > 0 else { continue }
            // The pipe before the pidfd: frames an agent wrote just before it died are its last words.
            for entry in fds where entry.fd == fromAgent && entry.revents != 0 { receive() }
            for entry in fds where entry.fd == toAgent && entry.revents != 0 { flush() }
            for entry in fds where entry.revents != 0 && entry.fd != fromAgent && entry.fd != toAgent {
                if entry.fd == process.pidfd { drain() }
                process.service(entry.fd, events: entry.revents)
            }
        }
    }

    private func reply(_ outcome: AgentReply.Outcome) -> AgentReply {
        defer { loads.removeAll() }
        return AgentReply(loads: loads, outcome: outcome)
    }

    /// One look at a busy agent.
    private func watch() {
        guard killedFor == nil, outstanding != nil, process.termination == nil else { return }
        let verdict = liveness.check(cpu: cpuClock.seconds, state: SchedulerState(pid: process.pid), wall: monotonicSeconds(),
                                     hostWaitingToWrite: !pending.isEmpty && toAgent >= 0)
        if verdict != .working { kill(.hang, liveness.detail(verdict)) }
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { read(fromAgent, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            // The agent closed its end: it is exiting, or it closed its descriptors. Its pidfd or its liveness will tell.
            close(fromAgent)
            fromAgent = -1
        }
    }

    /// Reads everything left in the pipe (the process has ended).
    private func drain() {
        var budget = 64
        while fromAgent >= 0 && budget > 0 {
            receive()
            budget -= 1
        }
    }

    /// Handles every complete frame; the batch's answer, if it came.
    private func decodeFrames() -> AgentReply.Outcome? {
        do {
            while let frame = try decoder.next() {
                if let outcome = handle(frame) { return outcome }
            }
        } catch {
            kill(.protocolError, error.description)
        }
        return nil
    }

    private func handle(_ frame: AgentFrame) -> AgentReply.Outcome? {
        switch frame.kind {
        case .heartbeat:
            return nil
        case .verdicts:
            guard let batch = outstanding, frame.value == batch.id, frame.word(0) == 0, Int(frame.word(1)) <= batch.events else {
                kill(.protocolError, "verdicts for a batch it was not given")
                return nil
            }
            outstanding = nil
            liveness.answered(cpu: cpuClock.seconds ?? 0)
            let verdicts = UnsafeBufferPointer(start: (ring.base + layout.verdictArea(0)).assumingMemoryBound(to: UInt8.self),
                                               count: Int(frame.word(1)))
            return .answered(verdicts: Array(verdicts))
        case .loaded:
            loads.append(.loaded(channel: frame.value, instances: Int(frame.word(0)), disabled: Int(frame.word(1)), detail: nil))
            return nil
        case .loadFailed:
            loads.append(.refused(reason: String(decoding: frame.payload.prefix(512), as: UTF8.self)))
            return nil
        default:
            kill(.protocolError, "sent a frame only the host may send")
            return nil
        }
    }

    /// Kills the agent; its pidfd then reports the end, and `reason` says why it was killed.
    private func kill(_ reason: AgentFailure.Kind, _ detail: String?) {
        guard killedFor == nil, process.termination == nil else { return }
        killedFor = (reason, detail)
        process.kill(deadline: reason == .hang)
    }

    private func failure(_ termination: Termination) -> AgentFailure {
        var failure = AgentFailure(termination, killedFor: killedFor?.kind)
        if case .timedOut = termination { failure.detail = killedFor?.detail }
        if case .killedBySupervisor = termination { failure.detail = killedFor?.detail }
        return failure
    }
}
