/// One reason the validator refuses (part of) an update.
public struct ValidationFinding: Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case malformed(ChannelFileError)
        case unknownTemplateType(TemplateTypeID)
        case declaredCountMismatch(declared: Int, defined: Int)
        case limitExceeded(what: String, value: Int, limit: Int)
        /// The July 19 defect: a criterion that makes the interpreter read an input the sensor never supplies.
        case fieldNotSupplied(supplied: Int)
        case nestingTooDeep(depth: Int, limit: Int)
        case unboundedEvaluation(cycleAtNode: UInt32)
        case tooManySteps(steps: Int, limit: Int)
        case invalidRegex(String)
        case catastrophicRegex(String)
        /// Run time only (the resilient interpreter): one evaluation used up its step budget.
        case stepBudgetExhausted(budget: Int)
    }

    /// The instance concerned, or nil for a file-level finding.
    public let instance: UInt32?
    /// The 0-based field concerned, if any.
    public let field: Int?
    public let fieldName: String?
    public let reason: Reason

    public init(instance: UInt32?, field: Int?, fieldName: String?, reason: Reason) {
        self.instance = instance
        self.field = field
        self.fieldName = fieldName
        self.reason = reason
    }

    public var description: String {
        var place: [String] = []
        if let instance { place.append("instance \(instance)") }
        if let field { place.append("field \(field + 1)" + (fieldName.map { " (\($0))" } ?? "")) }
        let prefix = place.isEmpty ? "" : place.joined(separator: ", ") + ": "
        return prefix + reasonText
    }

    public var reasonText: String {
        switch reason {
        case .malformed(let error): "malformed channel file: \(error)"
        case .unknownTemplateType(let id): "template type \(id) is not one the sensor implements"
        case .declaredCountMismatch(let declared, let defined):
            "header declares \(declared) fields, the template definitions say \(defined)"
        case .limitExceeded(let what, let value, let limit): "\(what) is \(value), over the limit of \(limit)"
        case .fieldNotSupplied(let supplied):
            "non-wildcard criterion on a field the sensor does not supply (it supplies \(supplied))"
        case .nestingTooDeep(let depth, let limit): "criterion nests \(depth) levels deep, the limit is \(limit)"
        case .unboundedEvaluation(let node): "criterion links loop back (at node \(node)): evaluation would never end"
        case .tooManySteps(let steps, let limit):
            "one evaluation can take \(steps == .max ? "unbounded" : String(steps)) steps, the limit is \(limit)"
        case .invalidRegex(let message): "regex rejected: \(message)"
        case .catastrophicRegex(let message): "regex can backtrack catastrophically: \(message)"
        case .stepBudgetExhausted(let budget): "evaluation used up its budget of \(budget) steps"
        }
    }
}

/// The validator's verdict on one update.
public struct ValidationReport: Hashable, Sendable {
    public let mode: ValidatorMode
    public let findings: [ValidationFinding]
    public let instancesChecked: Int

    public var accepted: Bool { findings.isEmpty }

    /// Instances with at least one finding.
    public var rejectedInstances: Set<UInt32> { Set(findings.compactMap(\.instance)) }
}
