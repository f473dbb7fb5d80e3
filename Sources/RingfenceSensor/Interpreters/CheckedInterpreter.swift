import RingfenceContent

/// The memory-safe rewrite: the same interpreter, with the event's fields in a
/// Swift array whose subscript is always bounds-checked.
///
/// The field-21 read can no longer touch wild memory; it traps (SIGILL on
/// x86_64, SIGTRAP on arm64) instead. That is safe, but it is still a crash:
/// in kernel mode the host goes down just the same. Memory safety alone is not
/// availability.
public final class CheckedInterpreter: ContentInterpreter {
    public var kind: InterpreterKind { .checked }
    public var faults: [InstanceFault] { [] }

    let sensor: SensorTemplates
    var content = LoadedContent()
    public let effects = RuleEffects()
    public var trace = InterpreterTrace()
    var captureBuffer = [UInt8](repeating: 0, count: RuleEffects.captureSize)
    /// Reused between events so that checked evaluation allocates nothing.
    var fields: [FieldSlot] = []
    /// The inputs of one instance, gathered before comparison.
    var gathered = [FieldSlot](repeating: FieldSlot(offset: 0, length: 0), count: 256)

    public init(sensor: SensorTemplates = .builtIn) {
        self.sensor = sensor
        fields.reserveCapacity(256)
    }

    @discardableResult
    public func load(_ channel: ChannelFile) throws(ContentLoadError) -> LoadReport {
        try content.loadTrusting(channel, regexLimits: .unbounded)
    }

    public func unload(channel: UInt32) { content.remove(channel: channel) }

    public func evaluate(_ event: EventView) -> Verdict {
        fields.removeAll(keepingCapacity: true)
        fields.append(contentsOf: UnsafeBufferPointer(start: event.slots, count: event.fieldCount))
        var verdict = Verdict.allow
        var budget = UnlimitedBudget()
        instances: for instance in content.instances(for: event.type) {
            if !effects.overrun { trace.mark(instance) }
            for (position, field) in instance.fields.enumerated() {
                gathered[position] = fields[field]  // bounds-checked: traps on field 21 of 20
            }
            for position in instance.fields.indices {
                guard instance.matches(instance.roots[position], event.bytes(gathered[position]), budget: &budget) else {
                    continue instances
                }
            }
            verdict.record(instance.action, instance: instance.id)
            if instance.action.hasEffect {
                effects.perform(instance.action, event.bytes(gathered[0]), checked: true, buffer: &captureBuffer)
            }
        }
        return verdict
    }
}
