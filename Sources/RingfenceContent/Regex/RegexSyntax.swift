// MARK: - RegexNode

/// The parsed form of a pattern: what the compiler lowers to instructions and
/// what the hazard analysis inspects.
///
/// Why a tree separate from the program: the hazard check reasons about
/// structure ("a quantified group containing a quantifier"), which is lost
/// once counted repetitions are unrolled into a flat instruction list.
/// Offsets are byte offsets into the pattern's UTF-8, so errors and hazards
/// can point at the exact spot a content author must fix.
indirect enum RegexNode: Sendable {
    /// Matches the empty string (an empty branch, `()`).
    case empty
    /// One literal byte.
    case byte(UInt8)
    /// An ASCII letter under case-insensitivity: either case matches.
    case eitherByte(UInt8, UInt8)
    /// A character class; the index refers to the parser's set table, so the
    /// compiler can share one set across every unrolled copy.
    case set(Int)
    /// `.`
    case anyExceptNewline
    /// `^`: start of the subject.
    case assertStart
    /// `$`: end of the subject.
    case assertEnd
    case concat([RegexNode])
    /// `a|b|c`; the offset is where the first branch starts.
    case alternation([RegexNode], offset: Int)
    /// `( )` or `(?: )`; the offset is that of the `(`.
    case group(RegexNode, offset: Int)
    /// An atom with a quantifier; the offset is where the atom starts (the `(`
    /// for a group), which is where hazards are reported.
    case quantified(RegexNode, RegexQuantifier, offset: Int)
}

// MARK: - RegexQuantifier

/// `* + ? {n} {n,} {n,m}` and their lazy forms.
struct RegexQuantifier: Sendable, Equatable {
    var min: Int
    /// nil for an unbounded quantifier (`*`, `+`, `{n,}`).
    var max: Int?
    var greedy: Bool
    /// Register used by the empty-loop guard, one per unbounded quantifier in
    /// the pattern (not per unrolled copy, so the register file stays small);
    /// -1 for bounded quantifiers, which cannot loop.
    var loopSlot: Int

    var isUnbounded: Bool { max == nil }
}

// MARK: - Structural queries

extension RegexNode {
    /// Whether the node can match without consuming a byte.
    ///
    /// Why it matters: an unbounded loop over a nullable body needs the
    /// progress guard, or `(a*)*` would spin forever at one position.
    var isNullable: Bool {
        switch self {
        case .empty, .assertStart, .assertEnd:
            return true
        case .byte, .eitherByte, .set, .anyExceptNewline:
            return false
        case .concat(let items):
            return items.allSatisfy(\.isNullable)
        case .alternation(let branches, _):
            return branches.contains(where: \.isNullable)
        case .group(let body, _):
            return body.isNullable
        case .quantified(let body, let quantifier, _):
            return quantifier.min == 0 || body.isNullable
        }
    }

    /// Whether the node contains anything that consumes input at all.
    var canConsume: Bool {
        switch self {
        case .empty, .assertStart, .assertEnd:
            return false
        case .byte, .eitherByte, .set, .anyExceptNewline:
            return true
        case .concat(let items), .alternation(let items, _):
            return items.contains(where: \.canConsume)
        case .group(let body, _), .quantified(let body, _, _):
            return body.canConsume
        }
    }

    /// The bytes a match of this node can begin with, and whether it can match
    /// empty (in which case a match may begin with whatever follows).
    ///
    /// Why: the search skips start positions whose byte cannot begin a match,
    /// and the hazard check compares the first bytes of alternation branches.
    func firstBytes(sets: [RegexByteSet]) -> (bytes: RegexByteSet, nullable: Bool) {
        switch self {
        case .empty, .assertStart, .assertEnd:
            return (RegexByteSet(), true)
        case .byte(let byte):
            return (RegexByteSet([byte]), false)
        case .eitherByte(let first, let second):
            return (RegexByteSet([first, second]), false)
        case .set(let index):
            return (sets[index], false)
        case .anyExceptNewline:
            return (.anyExceptNewline, false)
        case .concat(let items):
            var bytes = RegexByteSet()
            for item in items {
                let (first, nullable) = item.firstBytes(sets: sets)
                bytes.formUnion(first)
                if !nullable { return (bytes, false) }
            }
            return (bytes, true)
        case .alternation(let branches, _):
            var bytes = RegexByteSet()
            var nullable = false
            for branch in branches {
                let (first, branchNullable) = branch.firstBytes(sets: sets)
                bytes.formUnion(first)
                nullable = nullable || branchNullable
            }
            return (bytes, nullable)
        case .group(let body, _):
            return body.firstBytes(sets: sets)
        case .quantified(let body, let quantifier, _):
            let (first, nullable) = body.firstBytes(sets: sets)
            return (first, nullable || quantifier.min == 0)
        }
    }

    /// Whether every match must begin at the start of the subject (`^...`).
    ///
    /// Why: an anchored search tries position 0 only, instead of n positions.
    var isAnchoredAtStart: Bool {
        switch self {
        case .assertStart:
            return true
        case .concat(let items):
            return items.first?.isAnchoredAtStart ?? false
        case .alternation(let branches, _):
            return branches.allSatisfy(\.isAnchoredAtStart)
        case .group(let body, _):
            return body.isAnchoredAtStart
        case .quantified(let body, let quantifier, _):
            return quantifier.min > 0 && body.isAnchoredAtStart
        case .empty, .byte, .eitherByte, .set, .anyExceptNewline, .assertEnd:
            return false
        }
    }
}
