// MARK: - RegexInstruction

/// One instruction of the backtracking VM.
///
/// Why so small (12 bytes, 32-bit operands): counted repetitions are unrolled,
/// and the "oversized regex" fault is a program of ~10^9 instructions that a
/// naive sensor really tries to allocate; the footprint per instruction is
/// what turns that into a memory bomb of predictable size.
enum RegexInstruction: Sendable, Equatable {
    /// Consume this byte.
    case byte(UInt8)
    /// Consume either byte (an ASCII letter under case-insensitivity).
    case eitherByte(UInt8, UInt8)
    /// Consume a byte in `sets[index]`.
    case set(Int32)
    /// Consume any byte but `\n`.
    case anyExceptNewline
    /// Continue at `preferred`; on failure, resume at `alternative`.
    case split(preferred: Int32, alternative: Int32)
    case jump(Int32)
    case assertStart
    case assertEnd
    /// Remember the position at the start of a loop iteration in a register.
    case loopMark(Int32)
    /// Fail the iteration unless the position moved since its `loopMark`.
    case loopCheck(Int32)
    case match
}

// MARK: - RegexProgram

/// A compiled pattern: instructions plus what the search loop needs.
struct RegexProgram: Sendable {
    var instructions: ContiguousArray<RegexInstruction>
    var sets: ContiguousArray<RegexByteSet>
    /// Registers needed by `loopMark`/`loopCheck`.
    var loopSlotCount: Int
    /// Only position 0 can start a match.
    var anchoredAtStart: Bool
    /// Bytes a match must start with; nil when any position may match
    /// (the pattern can match empty, or can start with any byte).
    var firstBytes: RegexByteSet?
    /// `firstBytes` when it holds a single byte, scanned for by plain compare.
    var firstByte: UInt8?
}

// MARK: - RegexCompiler

/// Lowers a `RegexNode` tree to a `RegexProgram`.
///
/// Layouts (L = loop head, X = exit):
/// - `a|b`:   split(1, next); a; jump X; next: b; X:
/// - `e?`:    split(body, X); body; X:  (lazy swaps the split's targets)
/// - `e{n,m}`: n copies of e, then m-n nested optionals sharing one exit
///   (nested, so once one optional copy fails the rest are skipped)
/// - `e*`:    L: split(L+1, X); [loopMark] e [loopCheck]; jump L; X:
///   where the marks are emitted only when `e` can match empty. They are the
///   empty-loop guard: an iteration that consumed nothing fails, so `(a*)*`
///   terminates, while the search stays a plain, exhaustive backtracker.
/// - `e{n,}`: n-1 copies of e, then L: e; split(L, X); X: when e cannot
///   match empty (this covers `e+`); otherwise n copies of e, then `e*`.
struct RegexCompiler {
    private var code = ContiguousArray<RegexInstruction>()

    static func compile(
        _ root: RegexNode,
        sets: [RegexByteSet],
        loopSlotCount: Int,
        limits: RegexLimits
    ) throws(RegexError) -> RegexProgram {
        let size = saturatingAdd(root.plannedSize, 1)
        if let maxSize = limits.maxProgramSize, size > maxSize {
            let offset = root.offsetOfFirstNode(largerThan: maxSize) ?? 0
            throw RegexError(
                offset: offset,
                reason: "compiled program needs \(describe(size)) instructions, over the program size limit of \(maxSize)")
        }
        // Not a safety guard: split and jump targets are 32-bit, so a program
        // this large cannot be represented at all. (`((a{1000}){1000}){1000}`,
        // 10^9 instructions, still fits and is really allocated.)
        if size >= Int(Int32.max) {
            throw RegexError(
                offset: 0,
                reason: "compiled program needs \(describe(size)) instructions, beyond the 32-bit instruction index range")
        }
        var compiler = RegexCompiler()
        compiler.code.reserveCapacity(size)
        compiler.emit(root)
        compiler.code.append(.match)
        assert(compiler.code.count == size, "plannedSize must mirror emit")
        let (first, nullable) = root.firstBytes(sets: sets)
        let filter = nullable || first.count == 256 ? nil : first
        return RegexProgram(
            instructions: compiler.code,
            sets: ContiguousArray(sets),
            loopSlotCount: loopSlotCount,
            anchoredAtStart: root.isAnchoredAtStart,
            firstBytes: filter,
            firstByte: filter?.singleMember)
    }

    // MARK: - Emission

    private var here: Int32 { Int32(truncatingIfNeeded: code.count) }

    private mutating func emit(_ node: RegexNode) {
        switch node {
        case .empty:
            break
        case .byte(let value):
            code.append(.byte(value))
        case .eitherByte(let first, let second):
            code.append(.eitherByte(first, second))
        case .set(let index):
            code.append(.set(Int32(truncatingIfNeeded: index)))
        case .anyExceptNewline:
            code.append(.anyExceptNewline)
        case .assertStart:
            code.append(.assertStart)
        case .assertEnd:
            code.append(.assertEnd)
        case .concat(let items):
            for item in items { emit(item) }
        case .group(let body, _):
            emit(body)
        case .alternation(let branches, _):
            emitAlternation(branches)
        case .quantified(let body, let quantifier, _):
            emitQuantified(body, quantifier)
        }
    }

    private mutating func emitAlternation(_ branches: [RegexNode]) {
        var jumpsToExit: [Int] = []
        for branch in branches.dropLast() {
            let split = code.count
            code.append(.match)  // placeholder, patched below
            emit(branch)
            jumpsToExit.append(code.count)
            code.append(.match)  // placeholder for the jump to the exit
            code[split] = .split(preferred: Int32(truncatingIfNeeded: split + 1), alternative: here)
        }
        emit(branches[branches.count - 1])
        let exit = here
        for jump in jumpsToExit { code[jump] = .jump(exit) }
    }

    private mutating func emitQuantified(_ body: RegexNode, _ quantifier: RegexQuantifier) {
        let greedy = quantifier.greedy
        if let max = quantifier.max {
            for _ in 0..<quantifier.min { emit(body) }
            guard max > quantifier.min else { return }
            var splits: [Int] = []
            for _ in quantifier.min..<max {
                splits.append(code.count)
                code.append(.match)  // placeholder
                emit(body)
            }
            let exit = here
            for split in splits {
                code[split] = Self.split(toBody: Int32(truncatingIfNeeded: split + 1), exit: exit, greedy: greedy)
            }
            return
        }
        let nullable = body.isNullable
        if quantifier.min >= 1 && !nullable {
            for _ in 1..<quantifier.min { emit(body) }
            let loop = here
            emit(body)
            code.append(Self.split(toBody: loop, exit: here + 1, greedy: greedy))
            return
        }
        for _ in 0..<quantifier.min { emit(body) }
        let loop = code.count
        code.append(.match)  // placeholder
        let slot = Int32(truncatingIfNeeded: quantifier.loopSlot)
        if nullable { code.append(.loopMark(slot)) }
        emit(body)
        if nullable { code.append(.loopCheck(slot)) }
        code.append(.jump(Int32(truncatingIfNeeded: loop)))
        code[loop] = Self.split(toBody: Int32(truncatingIfNeeded: loop + 1), exit: here, greedy: greedy)
    }

    private static func split(toBody body: Int32, exit: Int32, greedy: Bool) -> RegexInstruction {
        greedy ? .split(preferred: body, alternative: exit) : .split(preferred: exit, alternative: body)
    }

    // MARK: - Size arithmetic

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    static func saturatingMultiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }

    private static func describe(_ size: Int) -> String {
        size == Int.max ? "at least \(Int.max)" : String(size)
    }
}

// MARK: - Planned size

extension RegexNode {
    /// Instructions `RegexCompiler.emit` will produce for this node (without
    /// the final `match`), computed without emitting, and saturating.
    ///
    /// Why: the limit must be checked before allocating, so that a bounded
    /// sensor rejects `((a{1000}){1000}){1000}` in microseconds. Must mirror
    /// the layouts documented on `RegexCompiler`.
    var plannedSize: Int {
        switch self {
        case .empty:
            return 0
        case .byte, .eitherByte, .set, .anyExceptNewline, .assertStart, .assertEnd:
            return 1
        case .concat(let items):
            return items.reduce(0) { RegexCompiler.saturatingAdd($0, $1.plannedSize) }
        case .alternation(let branches, _):
            let bodies = branches.reduce(0) { RegexCompiler.saturatingAdd($0, $1.plannedSize) }
            return RegexCompiler.saturatingAdd(bodies, 2 * (branches.count - 1))
        case .group(let body, _):
            return body.plannedSize
        case .quantified(let body, let quantifier, _):
            let bodySize = body.plannedSize
            let required = RegexCompiler.saturatingMultiply(bodySize, quantifier.min)
            if let max = quantifier.max {
                let optional = RegexCompiler.saturatingMultiply(RegexCompiler.saturatingAdd(bodySize, 1), max - quantifier.min)
                return RegexCompiler.saturatingAdd(required, optional)
            }
            let nullable = body.isNullable
            if quantifier.min >= 1 && !nullable {
                return RegexCompiler.saturatingAdd(required, 1)
            }
            let loop = RegexCompiler.saturatingAdd(bodySize, nullable ? 4 : 2)
            return RegexCompiler.saturatingAdd(required, loop)
        }
    }

    /// Offset of the innermost, leftmost quantified node whose own planned size
    /// exceeds `limit`: the repetition a rule author has to shrink.
    func offsetOfFirstNode(largerThan limit: Int) -> Int? {
        switch self {
        case .concat(let items), .alternation(let items, _):
            for item in items {
                if let offset = item.offsetOfFirstNode(largerThan: limit) { return offset }
            }
            return nil
        case .group(let body, _):
            return body.offsetOfFirstNode(largerThan: limit)
        case .quantified(let body, _, let offset):
            if let inner = body.offsetOfFirstNode(largerThan: limit) { return inner }
            return plannedSize > limit ? offset : nil
        default:
            return nil
        }
    }
}
