import RingfenceContent

/// The interpreter as the post-incident remedies describe it: verify before
/// load, check at every access, bound every evaluation, and never let one bad
/// instance take the rest down.
///
/// At load it runs the content validator locally, against the fields this
/// sensor really supplies, and disables each instance that fails (a criterion
/// on a missing field, a cycle, excessive depth or steps, a hazardous or
/// oversized regex). While running it checks each field index against the
/// event and gives every instance a step budget per event; an instance that
/// breaks either is disabled with a typed fault and evaluation carries on.
public final class ResilientInterpreter: ContentInterpreter {
    public var kind: InterpreterKind { .resilient }
    public private(set) var faults: [InstanceFault] = []

    let sensor: SensorTemplates
    let validator: ContentValidator
    /// Steps one instance may take on one event (node visits and regex steps).
    public let stepBudget: Int
    var content = LoadedContent()
    public let effects = RuleEffects()
    public var trace = InterpreterTrace()

    public init(sensor: SensorTemplates = .builtIn, stepBudget: Int = 100_000) {
        self.sensor = sensor
        self.validator = ContentValidator(mode: .on, sensor: sensor)
        self.stepBudget = stepBudget
    }

    @discardableResult
    public func load(_ channel: ChannelFile) throws(ContentLoadError) -> LoadReport {
        let number = channel.header.channel
        guard sensor.type(channel.header.templateType) != nil else {
            throw ContentLoadError(channel: number, instance: nil,
                                   message: "template type \(channel.header.templateType) is not implemented by this sensor")
        }
        let report = validator.validate(channel)
        if let fileLevel = report.findings.first(where: { $0.instance == nil }) {
            throw ContentLoadError(channel: number, instance: nil, message: fileLevel.description)
        }
        var disabled: [InstanceFault] = []
        var instances: [CompiledInstance] = []
        for instance in channel.instances {
            if let finding = report.findings.first(where: { $0.instance == instance.id }) {
                disabled.append(InstanceFault(channel: number, phase: .load, finding: finding))
                continue
            }
            do {
                instances.append(try CompiledInstance(instance, in: channel, regexLimits: validator.limits.regex))
            } catch {
                let finding = ValidationFinding(instance: instance.id, field: nil, fieldName: nil, reason: .invalidRegex("\(error)"))
                disabled.append(InstanceFault(channel: number, phase: .load, finding: finding))
            }
        }
        faults.removeAll { $0.channel == number }
        faults += disabled
        content.replace(channel: number, type: channel.header.templateType, instances: instances)
        return LoadReport(channel: number, instancesLoaded: instances.count, disabled: disabled)
    }

    public func unload(channel: UInt32) {
        content.remove(channel: channel)
        faults.removeAll { $0.channel == channel }
    }

    public func evaluate(_ event: EventView) -> Verdict {
        var verdict = Verdict.allow
        var broken: [(instance: UInt32, field: Int, reason: ValidationFinding.Reason)] = []
        instances: for instance in content.instances(for: event.type) {
            trace.mark(instance)
            var budget = StepBudget(stepBudget)
            // Checked at the point of access, as well as at load: a sensor build
            // may supply fewer fields for some events than the content expects.
            if let missing = instance.fields.first(where: { $0 >= event.fieldCount }) {
                broken.append((instance.id, missing, .fieldNotSupplied(supplied: event.fieldCount)))
                continue instances
            }
            for (position, field) in instance.fields.enumerated() {
                let matched = instance.matches(instance.roots[position], event.bytes(event.slots[field]), budget: &budget)
                if budget.exhausted {
                    broken.append((instance.id, field, .stepBudgetExhausted(budget: stepBudget)))
                    continue instances
                }
                guard matched else { continue instances }
            }
            if instance.action == .captureField, let field = instance.fields.first,
               event.bytes(event.slots[field]).count > RuleEffects.captureSize {
                // It would not fit: refuse the copy and switch the instance off, rather than write past the buffer.
                broken.append((instance.id, field, .limitExceeded(what: "captured field length", value: event.bytes(event.slots[field]).count,
                                                                   limit: RuleEffects.captureSize)))
                continue instances
            }
            verdict.record(instance.action, instance: instance.id)
            if instance.action == .collectFile, let field = instance.fields.first { effects.collectFile(named: event.bytes(event.slots[field])) }
            if instance.action == .captureField, let field = instance.fields.first { effects.captureUnchecked(event.bytes(event.slots[field])) }
        }
        for (instance, field, reason) in broken { disable(instance, field: field, type: event.type, reason: reason) }
        return verdict
    }

    private func disable(_ instance: UInt32, field: Int, type: TemplateTypeID, reason: ValidationFinding.Reason) {
        guard let channel = content.channel(of: instance, type: type) else { return }
        content.remove(instance: instance, channel: channel)
        let name = sensor.type(type)?.fieldName(at: field)
        faults.append(InstanceFault(channel: channel, phase: .evaluation,
                                    finding: ValidationFinding(instance: instance, field: field, fieldName: name, reason: reason)))
    }
}
