import RingfenceContent

/// The July 2024 interpreter: it trusts content completely.
///
/// For each instance it first gathers the input of every field the instance
/// constrains, then compares. The gather reads the sensor's field array
/// through a raw pointer with no check that the sensor supplied that many
/// fields, so an instance with a criterion on field 21 of a 20-field event
/// reads past the array, onto the guard page, on the first event of its type,
/// and the process dies with SIGSEGV.
public final class UnsafeInterpreter: ContentInterpreter {
    public var kind: InterpreterKind { .unsafe }
    public var faults: [InstanceFault] { [] }

    let sensor: SensorTemplates
    var content = LoadedContent()
    public let effects = RuleEffects()
    public var trace = InterpreterTrace()
    var captureBuffer = [UInt8](repeating: 0, count: RuleEffects.captureSize)
    let frame = GuardedFieldFrame()
    /// The inputs of one instance, gathered before comparison.
    let gathered = UnsafeMutablePointer<FieldSlot>.allocate(capacity: 256)

    public init(sensor: SensorTemplates = .builtIn) { self.sensor = sensor }
    deinit { gathered.deallocate() }

    @discardableResult
    public func load(_ channel: ChannelFile) throws(ContentLoadError) -> LoadReport {
        // Unbounded regex compilation as well: an "oversized" pattern really allocates.
        try content.loadTrusting(channel, regexLimits: .unbounded)
    }

    public func unload(channel: UInt32) { content.remove(channel: channel) }

    public func evaluate(_ event: EventView) -> Verdict {
        let slots = frame.place(event)
        var verdict = Verdict.allow
        var budget = UnlimitedBudget()
        instances: for instance in content.instances(for: event.type) {
            if !effects.overrun { trace.mark(instance) }
            for (position, field) in instance.fields.enumerated() {
                gathered[position] = slots[field]  // no bounds check: the defect
            }
            for position in instance.fields.indices {
                guard instance.matches(instance.roots[position], event.bytes(gathered[position]), budget: &budget) else {
                    continue instances
                }
            }
            verdict.record(instance.action, instance: instance.id)
            if instance.action.hasEffect {
                effects.perform(instance.action, event.bytes(gathered[0]), checked: false, buffer: &captureBuffer)
            }
        }
        return verdict
    }
}
