// MARK: - RegexHazard

/// A structural reason a pattern may backtrack catastrophically.
///
/// Why static: the cloud-side content validator must refuse a regex bomb
/// before any sensor runs it, and running it to find out is exactly the
/// hang being prevented. The check is the classic approximation: it finds
/// the shapes that cause exponential backtracking (nested unbounded
/// quantifiers, overlapping alternatives under a loop) and does not try to
/// prove that a flagged pattern really blows up.
public struct RegexHazard: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An unbounded quantifier over something that itself contains an
        /// unbounded quantifier able to consume input: `(a+)+`, `(\w*)*`.
        case nestedQuantifier
        /// An alternation whose branches can begin with the same byte, under
        /// an unbounded quantifier: `(a|ab)*`.
        case ambiguousAlternationUnderQuantifier
    }

    public let kind: Kind
    /// Offset in the pattern of the outer quantified atom (its `(` for a group).
    public let offset: Int

    public init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        switch kind {
        case .nestedQuantifier:
            return "regex offset \(offset): nested unbounded quantifier (catastrophic backtracking)"
        case .ambiguousAlternationUnderQuantifier:
            return "regex offset \(offset): overlapping alternatives under an unbounded quantifier (catastrophic backtracking)"
        }
    }
}

// MARK: - RegexHazardAnalyzer

/// Walks the parsed tree and reports hazards at each unbounded quantifier.
///
/// Nested hazards are each reported: `((a+)+)+` yields offsets 0 and 1,
/// so a validator message points at every loop that needs rewriting.
struct RegexHazardAnalyzer {
    /// The parser's set table, to resolve first bytes of classes.
    let sets: [RegexByteSet]

    func hazards(in root: RegexNode) -> [RegexHazard] {
        var found: [RegexHazard] = []
        visit(root, into: &found)
        return found
    }

    private func visit(_ node: RegexNode, into found: inout [RegexHazard]) {
        switch node {
        case .concat(let items), .alternation(let items, _):
            for item in items { visit(item, into: &found) }
        case .group(let body, _):
            visit(body, into: &found)
        case .quantified(let body, let quantifier, let offset):
            if quantifier.isUnbounded {
                if containsConsumingLoop(body) {
                    found.append(RegexHazard(kind: .nestedQuantifier, offset: offset))
                }
                if containsAmbiguousAlternation(body) {
                    found.append(RegexHazard(kind: .ambiguousAlternationUnderQuantifier, offset: offset))
                }
            }
            visit(body, into: &found)
        case .empty, .byte, .eitherByte, .set, .anyExceptNewline, .assertStart, .assertEnd:
            break
        }
    }

    // MARK: - Shapes

    /// An unbounded quantifier whose body can consume input. `(()*)+` is not
    /// one: its inner loop can only match empty, which the guard cuts off.
    private func containsConsumingLoop(_ node: RegexNode) -> Bool {
        switch node {
        case .concat(let items), .alternation(let items, _):
            return items.contains(where: containsConsumingLoop)
        case .group(let body, _):
            return containsConsumingLoop(body)
        case .quantified(let body, let quantifier, _):
            if quantifier.isUnbounded && body.canConsume { return true }
            return containsConsumingLoop(body)
        case .empty, .byte, .eitherByte, .set, .anyExceptNewline, .assertStart, .assertEnd:
            return false
        }
    }

    /// An alternation two of whose branches share a possible first byte: the
    /// loop can then split the same input between branches in many ways.
    private func containsAmbiguousAlternation(_ node: RegexNode) -> Bool {
        switch node {
        case .concat(let items):
            return items.contains(where: containsAmbiguousAlternation)
        case .alternation(let branches, _):
            let firsts = branches.map { $0.firstBytes(sets: sets).bytes }
            for (index, first) in firsts.enumerated() {
                for other in firsts[(index + 1)...] where first.intersects(other) {
                    return true
                }
            }
            return branches.contains(where: containsAmbiguousAlternation)
        case .group(let body, _), .quantified(let body, _, _):
            return containsAmbiguousAlternation(body)
        case .empty, .byte, .eitherByte, .set, .anyExceptNewline, .assertStart, .assertEnd:
            return false
        }
    }
}
