import RingfenceContent
import RingfenceSensor

/// The CONFIGURE payload: which interpreter, which fields the sensor
/// supplies, how often to send a heartbeat, and the event ring's layout.
struct AgentSettingsWire: Equatable {
    var interpreter: InterpreterKind
    var heartbeatMilliseconds: UInt32
    var layout: EventRingLayout
    var supplies: [(type: UInt16, count: UInt16)]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.interpreter == rhs.interpreter && lhs.heartbeatMilliseconds == rhs.heartbeatMilliseconds && lhs.layout == rhs.layout
            && lhs.supplies.map(\.type) == rhs.supplies.map(\.type) && lhs.supplies.map(\.count) == rhs.supplies.map(\.count)
    }

    var encoded: [UInt8] {
        let kind: UInt32 = switch interpreter { case .unsafe: 0; case .checked: 1; case .resilient: 2 }
        var words: [UInt32] = [kind, heartbeatMilliseconds, UInt32(layout.slots), UInt32(layout.eventBytes), UInt32(layout.maxEvents),
                               UInt32(supplies.count)]
        words += supplies.map { UInt32($0.type) << 16 | UInt32($0.count) }
        return AgentFrame.words(words)
    }

    init(interpreter: InterpreterKind, heartbeatMilliseconds: UInt32, layout: EventRingLayout, sensor: SensorTemplates) {
        self.interpreter = interpreter
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.layout = layout
        self.supplies = sensor.types.map { ($0.id.rawValue, UInt16($0.suppliedFieldCount)) }
    }

    init?(_ frame: AgentFrame) {
        let kinds: [InterpreterKind] = [.unsafe, .checked, .resilient]
        let kind = Int(frame.word(0))
        let count = Int(frame.word(5))
        guard kind < kinds.count, count <= 64, frame.payload.count == (6 + count) * 4 else { return nil }
        interpreter = kinds[kind]
        heartbeatMilliseconds = max(1, frame.word(1))
        layout = EventRingLayout(slots: Int(frame.word(2)), eventBytes: Int(frame.word(3)), maxEvents: Int(frame.word(4)))
        supplies = (0..<count).map { (UInt16(frame.word(6 + $0) >> 16), UInt16(frame.word(6 + $0) & 0xFFFF)) }
    }

    var sensor: SensorTemplates {
        var counts: [TemplateTypeID: Int] = [:]
        for (type, count) in supplies { counts[TemplateTypeID(rawValue: type)] = Int(count) }
        return SensorTemplates.builtIn.supplying(counts)
    }
}
