import RingfenceContent

/// What the agent decided about one event.
public struct Verdict: Hashable, Sendable {
    /// The strongest action of the instances that matched (block beats the rest), or nil.
    public var action: RuleAction?
    /// The first instance that produced `action`.
    public var instance: UInt32
    /// How many instances matched.
    public var matches: Int

    public static let allow = Verdict(action: nil, instance: 0, matches: 0)

    public init(action: RuleAction?, instance: UInt32, matches: Int) {
        self.action = action
        self.instance = instance
        self.matches = matches
    }

    public var detected: Bool { action != nil }
    public var blocks: Bool { action == .block }

    /// Folds one more matching instance into the verdict.
    @inlinable
    public mutating func record(_ instanceAction: RuleAction, instance id: UInt32) {
        matches += 1
        if action == nil || (instanceAction == .block && action != .block) {
            action = instanceAction
            instance = id
        }
    }
}

/// Running totals of an evaluation, the numbers every report is built from.
public struct EvaluationCounts: Hashable, Sendable, Codable {
    public var evaluated = 0
    public var matched = 0
    public var blocked = 0
    public var malicious = 0
    public var detected = 0
    public var falsePositives = 0

    public init() {}

    @inlinable
    public mutating func add(_ verdict: Verdict, malicious isMalicious: Bool) {
        evaluated += 1
        if isMalicious { malicious += 1 }
        guard verdict.detected else { return }
        matched += 1
        if verdict.blocks { blocked += 1 }
        if isMalicious { detected += 1 } else { falsePositives += 1 }
    }

    /// Detected malicious events over all malicious events (1 when there were none).
    public var detectionRate: Double { malicious == 0 ? 1 : Double(detected) / Double(malicious) }
}
