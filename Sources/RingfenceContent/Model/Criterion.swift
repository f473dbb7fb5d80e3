/// One criterion of a template instance, as an author writes it.
///
/// Each criterion applies to one input field (its position in the instance).
/// A wildcard matches anything and, crucially, makes the interpreter skip the
/// field entirely: that is how the pre-July-19 instances hid the fact that the
/// sensor never supplied field 21.
public indirect enum Criterion: Hashable, Sendable {
    case wildcard
    case literal(String, caseInsensitive: Bool)
    case regex(String, caseInsensitive: Bool)
    case all([Criterion])
    case any([Criterion])
    case not(Criterion)

    public var isWildcard: Bool { if case .wildcard = self { true } else { false } }

    /// Nesting depth: a leaf is 1, `not(leaf)` is 2. Computed iteratively so a
    /// pathologically deep criterion cannot overflow the stack of the tool.
    public var depth: Int {
        var deepest = 0
        var stack: [(Criterion, Int)] = [(self, 1)]
        while let (node, level) = stack.popLast() {
            deepest = max(deepest, level)
            switch node {
            case .wildcard, .literal, .regex: break
            case .all(let children), .any(let children): stack.append(contentsOf: children.map { ($0, level + 1) })
            case .not(let child): stack.append((child, level + 1))
            }
        }
        return deepest
    }
}
