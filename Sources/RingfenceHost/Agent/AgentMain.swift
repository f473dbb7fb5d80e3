import Glibc
import RingfenceContent
import RingfenceSandbox
import RingfenceSensor

/// The built-in user-mode agent: the fork server's "agent" entry.
///
/// It runs under the agent's seccomp filter with four descriptors: 3 receives
/// frames from the host, 4 sends frames back, 5 is the shared event ring, and
/// (for the trap reporter) 6 is the report fd. It is synchronous and uses
/// nothing but read, write, poll and memory, which is what agent.json allows.
public enum AgentMain {
    public static let input: Int32 = 3
    public static let output: Int32 = 4
    public static let ring: Int32 = 5
    public static let report: Int32 = 6

    public static let entry: SandboxEntry = { _ in AgentLoop().run() }
}

final class AgentLoop {
    var decoder = FrameDecoder(maxPayload: AgentFrame.maxHostPayload)
    var interpreter: (any ContentInterpreter)?
    var ring: SharedMemory?
    var layout = EventRingLayout.standard
    var heartbeatMilliseconds: Int32 = 100
    var buffer = [UInt8](repeating: 0, count: 1 << 16)

    func run() -> Int32 {
        while true {
            var poller = pollfd(fd: AgentMain.input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, heartbeatMilliseconds)
            if ready == 0 {
                send(AgentFrame(.heartbeat))
                continue
            }
            if ready < 0 { if errno == EINTR { continue } else { return 3 } }
            let count = buffer.withUnsafeMutableBytes { read(AgentMain.input, $0.baseAddress, $0.count) }
            if count == 0 { return 0 }  // the host closed the channel
            if count < 0 { if errno == EINTR || errno == EAGAIN { continue } else { return 4 } }
            buffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            do {
                while let frame = try decoder.next() {
                    if frame.kind == .shutdown { return 0 }
                    handle(frame)
                }
            } catch {
                return 5  // the host sent garbage: nothing sensible left to do
            }
        }
    }

    func handle(_ frame: AgentFrame) {
        switch frame.kind {
        case .configure:
            guard let settings = AgentSettingsWire(frame) else { return }
            interpreter = settings.interpreter.make(sensor: settings.sensor)
            heartbeatMilliseconds = Int32(clamping: settings.heartbeatMilliseconds)
            layout = settings.layout
            ring = SharedMemory(mapping: AgentMain.ring, size: layout.totalSize)
        case .content:
            load(frame.payload)
        case .events:
            evaluate(batch: frame.value, slot: Int(frame.word(0)), byteCount: Int(frame.word(1)))
        default:
            break
        }
    }

    func load(_ bytes: [UInt8]) {
        guard let interpreter else { return }
        do {
            let file = try ChannelFile(parsing: bytes)
            let report = try interpreter.load(file)
            send(AgentFrame(.loaded, value: file.header.channel,
                            payload: AgentFrame.words([UInt32(report.instancesLoaded), UInt32(report.disabled.count)])))
        } catch let error as ChannelFileError {
            send(AgentFrame(.loadFailed, payload: Array(error.description.utf8.prefix(512))))
        } catch {
            send(AgentFrame(.loadFailed, payload: Array("\(error)".utf8.prefix(512))))
        }
    }

    /// Evaluates the events in `slot` and writes one verdict byte per event.
    func evaluate(batch: UInt32, slot: Int, byteCount: Int) {
        guard let interpreter, let ring, slot >= 0, slot < layout.slots, byteCount <= layout.eventBytes else { return }
        let events = UnsafeRawBufferPointer(start: ring.base + layout.eventArea(slot), count: byteCount)
        let verdicts = (ring.base + layout.verdictArea(slot)).assumingMemoryBound(to: UInt8.self)
        var reader = EventReader(events)
        var evaluated = 0
        while evaluated < layout.maxEvents, let event = try? reader.next() {
            let verdict = interpreter.evaluate(event)
            verdicts[evaluated] = verdict.byte
            evaluated += 1
        }
        // The agent's own integrity check: state next to the capture buffer is intact, or this process is done.
        if !interpreter.integrityIntact { abort() }
        send(AgentFrame(.verdicts, value: batch, payload: AgentFrame.words([UInt32(slot), UInt32(evaluated)])))
    }

    func send(_ frame: AgentFrame) {
        let bytes = frame.encoded
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(AgentMain.output, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 { if errno == EINTR { continue } else { return } }
            written += result
        }
    }
}
