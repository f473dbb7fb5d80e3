import Glibc
import RingfenceContent

/// A template instance prepared for fast evaluation: its non-wildcard criteria
/// as (field, root node) pairs, nodes as plain values, literals in one byte
/// arena and regexes compiled once.
///
/// Compilation never recurses and never follows links, so any graph the parser
/// accepted compiles; whether *evaluating* it terminates is another matter.
struct CompiledInstance: Sendable {
    struct Node: Sendable {
        var kind: CriterionNode.Kind
        var caseInsensitive: Bool
        /// Next sibling, or -1.
        var next: Int32
        /// Child node (all, any, not), literal offset, or regex index.
        var a: Int32
        /// Literal length.
        var b: Int32
    }

    let id: UInt32
    /// The channel the instance came in.
    let channel: UInt32
    let action: RuleAction
    /// 0-based input fields the instance reads, in criterion order.
    let fields: [Int]
    /// Root node of each entry in `fields`.
    let roots: [Int32]
    let nodes: [Node]
    let literals: [UInt8]
    let regexes: [ByteRegex]

    init(_ instance: TemplateInstance, in file: ChannelFile, regexLimits: RegexLimits) throws(RegexError) {
        id = instance.id
        channel = file.header.channel
        action = instance.action
        let constrained = instance.constrainedFields
        fields = constrained
        roots = constrained.map { Int32(instance.criteria[$0]) }
        var literals: [UInt8] = []
        var regexes: [ByteRegex] = []
        var nodes: [Node] = []
        nodes.reserveCapacity(instance.nodes.count)
        for node in instance.nodes {
            var compiled = Node(kind: node.kind, caseInsensitive: node.caseInsensitive,
                                next: node.next == CriterionNode.none ? -1 : Int32(node.next),
                                a: node.child == CriterionNode.none ? -1 : Int32(node.child), b: 0)
            switch node.kind {
            case .literal:
                compiled.a = Int32(literals.count)
                compiled.b = Int32(node.payloadLength)
                literals += file.payload(of: node)
            case .regex:
                compiled.a = Int32(regexes.count)
                regexes.append(try ByteRegex(file.text(of: node), caseInsensitive: node.caseInsensitive, limits: regexLimits))
            default:
                break
            }
            nodes.append(compiled)
        }
        self.nodes = nodes
        self.literals = literals
        self.regexes = regexes
    }

    // MARK: - Evaluation

    /// Does the criterion rooted at `index` accept `value`?
    ///
    /// Recursive on purpose: this is how a naive interpreter walks nested
    /// criteria, so a 200,000-deep chain overflows the stack (SIGSEGV) even in
    /// memory-safe code. Sibling chains are followed in a loop, so a cycle there
    /// never ends. `budget` is free for the unsafe and checked interpreters and
    /// counts steps for the resilient one.
    func matches<Budget: EvaluationBudget>(_ index: Int32, _ value: UnsafeBufferPointer<UInt8>, budget: inout Budget) -> Bool {
        guard budget.spend() else { return false }
        let node = nodes[Int(index)]
        switch node.kind {
        case .wildcard:
            return true
        case .literal:
            return literalEquals(node, value)
        case .regex:
            return budget.match(regexes[Int(node.a)], value)
        case .all:
            var child = node.a
            while child >= 0 {
                guard matches(child, value, budget: &budget) else { return false }
                child = nodes[Int(child)].next
            }
            return true
        case .any:
            var child = node.a
            while child >= 0 {
                if matches(child, value, budget: &budget) { return true }
                guard !budget.exhausted else { return false }
                child = nodes[Int(child)].next
            }
            return false
        case .not:
            let inner = matches(node.a, value, budget: &budget)
            return budget.exhausted ? false : !inner
        }
    }

    @inline(__always)
    private func literalEquals(_ node: Node, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(node.b)
        guard value.count == length else { return false }
        return literals.withUnsafeBufferPointer { arena in
            let start = arena.baseAddress! + Int(node.a)
            if !node.caseInsensitive { return length == 0 || memcmp(start, value.baseAddress!, length) == 0 }
            for offset in 0..<length where Self.fold(start[offset]) != Self.fold(value[offset]) { return false }
            return true
        }
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}

/// Work allowed for one evaluation. Generic so that the unbounded case compiles
/// to nothing at all in the unsafe and checked interpreters.
protocol EvaluationBudget {
    var exhausted: Bool { get }
    mutating func spend() -> Bool
    mutating func match(_ regex: ByteRegex, _ value: UnsafeBufferPointer<UInt8>) -> Bool
}

/// No bound: what the July 2024 interpreter had.
struct UnlimitedBudget: EvaluationBudget {
    var exhausted: Bool { false }
    @inline(__always) mutating func spend() -> Bool { true }
    @inline(__always) mutating func match(_ regex: ByteRegex, _ value: UnsafeBufferPointer<UInt8>) -> Bool { regex.matches(value) }
}

/// A fixed number of steps; a regex may use whatever is left.
struct StepBudget: EvaluationBudget {
    var remaining: Int
    var exhausted = false

    init(_ steps: Int) { remaining = steps }

    mutating func spend() -> Bool {
        guard remaining > 0 else { exhausted = true; return false }
        remaining -= 1
        return true
    }

    mutating func match(_ regex: ByteRegex, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let (result, steps) = regex.matchesCountingSteps(value, stepBudget: remaining)
        remaining -= min(remaining, steps)
        switch result {
        case .match: return true
        case .noMatch: return false
        case .budgetExhausted:
            exhausted = true
            remaining = 0
            return false
        }
    }
}
