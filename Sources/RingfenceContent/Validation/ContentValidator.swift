/// The cloud-side Content Validator: checks an update against the sensor it
/// targets before the update is deployed, much as the eBPF verifier checks a
/// program before the kernel loads it.
///
/// In `on` mode it rejects criteria on fields the sensor does not supply,
/// nesting beyond a bound, criterion links that loop or explode, regexes with
/// nested quantifiers or over the program-size bound, size overruns and any
/// structural or checksum error. `buggy` is the same validator with the real
/// July 2024 logic error: criteria beyond the supplied field count are never
/// looked at, so a non-wildcard criterion on field 21 passes.
public struct ContentValidator: Sendable {
    public let mode: ValidatorMode
    public let sensor: SensorTemplates
    public let definitions: TemplateDefinitions?
    public let limits: ValidatorLimits

    public init(mode: ValidatorMode, sensor: SensorTemplates = .builtIn, definitions: TemplateDefinitions? = nil,
                limits: ValidatorLimits = .standard) {
        self.mode = mode
        self.sensor = sensor
        self.definitions = definitions
        self.limits = limits
    }

    public func validate(_ bytes: [UInt8]) -> ValidationReport {
        guard mode != .off else { return ValidationReport(mode: mode, findings: [], instancesChecked: 0) }
        if bytes.count > limits.maxFileSize {
            return report([fileFinding(.limitExceeded(what: "file size", value: bytes.count, limit: limits.maxFileSize))], checked: 0)
        }
        do {
            return validate(try ChannelFile(parsing: bytes))
        } catch {
            return report([fileFinding(.malformed(error))], checked: 0)
        }
    }

    public func validate(_ file: ChannelFile) -> ValidationReport {
        guard mode != .off else { return ValidationReport(mode: mode, findings: [], instancesChecked: 0) }
        let header = file.header
        guard let type = sensor.type(header.templateType) else {
            return report([fileFinding(.unknownTemplateType(header.templateType))], checked: 0)
        }
        var findings: [ValidationFinding] = []
        if let defined = definitions?.definition(header.templateType)?.fieldCount, defined != Int(header.declaredFieldCount) {
            findings.append(fileFinding(.declaredCountMismatch(declared: Int(header.declaredFieldCount), defined: defined)))
        }
        if file.instances.count > limits.maxInstances {
            findings.append(fileFinding(.limitExceeded(what: "instance count", value: file.instances.count, limit: limits.maxInstances)))
        }
        for instance in file.instances {
            findings += check(instance, in: file, type: type)
        }
        return report(findings, checked: file.instances.count)
    }

    // MARK: - One instance

    private func check(_ instance: TemplateInstance, in file: ChannelFile, type: TemplateType) -> [ValidationFinding] {
        func finding(_ field: Int?, _ reason: ValidationFinding.Reason) -> ValidationFinding {
            ValidationFinding(instance: instance.id, field: field, fieldName: field.map { type.fieldName(at: $0) }, reason: reason)
        }
        if instance.nodes.count > limits.maxNodesPerInstance {
            return [finding(nil, .limitExceeded(what: "node count", value: instance.nodes.count, limit: limits.maxNodesPerInstance))]
        }
        let supplied = type.suppliedFieldCount
        // The July 2024 logic error: the buggy validator only ever looks at the
        // fields the sensor supplies, so whatever sits beyond them is unchecked.
        let inspected = mode == .buggy ? Array(instance.criteria.indices.prefix(supplied)) : Array(instance.criteria.indices)
        var findings: [ValidationFinding] = []
        let shapes = instance.criterionShapes
        var checkedNodes = Set<Int>()
        for field in inspected where !instance.isWildcard(field: field) {
            if field >= supplied {
                findings.append(finding(field, .fieldNotSupplied(supplied: supplied)))
            }
            let shape = shapes[field]
            if let node = shape.cycleAt {
                findings.append(finding(field, .unboundedEvaluation(cycleAtNode: node)))
            } else if shape.depth > limits.maxDepth {
                findings.append(finding(field, .nestingTooDeep(depth: shape.depth, limit: limits.maxDepth)))
            } else if shape.evaluationSteps > limits.maxEvaluationSteps {
                findings.append(finding(field, .tooManySteps(steps: shape.evaluationSteps, limit: limits.maxEvaluationSteps)))
            }
            for index in Self.reachable(from: [instance.criteria[field]], in: instance.nodes) where checkedNodes.insert(index).inserted {
                let node = instance.nodes[index]
                switch node.kind {
                case .literal where node.payloadLength > limits.maxLiteralLength:
                    findings.append(finding(field, .limitExceeded(what: "literal length", value: node.payloadLength,
                                                                  limit: limits.maxLiteralLength)))
                case .regex:
                    findings += checkRegex(file.text(of: node), caseInsensitive: node.caseInsensitive).map { finding(field, $0) }
                default:
                    break
                }
            }
        }
        return findings
    }

    private func checkRegex(_ pattern: String, caseInsensitive: Bool) -> [ValidationFinding.Reason] {
        guard pattern.utf8.count <= limits.maxLiteralLength else {
            return [.limitExceeded(what: "regex length", value: pattern.utf8.count, limit: limits.maxLiteralLength)]
        }
        do {
            let regex = try ByteRegex(pattern, caseInsensitive: caseInsensitive, limits: limits.regex)
            return regex.hazards.map { .catastrophicRegex("\($0) in '\(pattern)'") }
        } catch {
            return [.invalidRegex("\(error) in '\(pattern)'")]
        }
    }

    /// Nodes reachable from `roots` through child and next links (cycle-safe).
    static func reachable(from roots: [UInt32], in nodes: [CriterionNode]) -> [Int] {
        var seen = [Bool](repeating: false, count: nodes.count)
        var stack = roots.map(Int.init)
        var order: [Int] = []
        while let node = stack.popLast() {
            guard node < nodes.count, !seen[node] else { continue }
            seen[node] = true
            order.append(node)
            for link in [nodes[node].child, nodes[node].next] where link != CriterionNode.none { stack.append(Int(link)) }
        }
        return order
    }

    private func fileFinding(_ reason: ValidationFinding.Reason) -> ValidationFinding {
        ValidationFinding(instance: nil, field: nil, fieldName: nil, reason: reason)
    }

    private func report(_ findings: [ValidationFinding], checked: Int) -> ValidationReport {
        ValidationReport(mode: mode, findings: findings, instancesChecked: checked)
    }
}
