// MARK: - RegexBacktrackEntry

/// One entry of the explicit backtrack stack.
///
/// `pc >= 0`: a choice point, resume at `pc` with the input at `position`.
/// `pc < 0`: an undo record, restore register `~pc` to `position` (the value
/// it had before a `loopMark` overwrote it). Keeping undo records on the same
/// stack is what makes the empty-loop registers correct under backtracking.
struct RegexBacktrackEntry {
    var pc: Int32
    var position: Int
}

// MARK: - RegexBacktrackStack

/// A growable stack that starts in caller-provided scratch memory.
///
/// Why: ordinary rules never push more than a few dozen entries, so a
/// stack-allocated scratch buffer makes a match allocation-free; a deep
/// backtrack spills to the heap instead of recursing on the native stack.
struct RegexBacktrackStack: ~Copyable {
    private var base: UnsafeMutablePointer<RegexBacktrackEntry>
    private var capacity: Int
    private var count = 0
    private var ownsBase = false

    init(scratch: UnsafeMutableBufferPointer<RegexBacktrackEntry>) {
        base = scratch.baseAddress!
        capacity = scratch.count
    }

    deinit {
        if ownsBase { base.deallocate() }
    }

    @inline(__always)
    mutating func push(pc: Int32, position: Int) {
        if count == capacity { grow() }
        (base + count).initialize(to: RegexBacktrackEntry(pc: pc, position: position))
        count += 1
    }

    @inline(__always)
    mutating func pop() -> RegexBacktrackEntry? {
        guard count > 0 else { return nil }
        count -= 1
        return base[count]
    }

    mutating func removeAll() {
        count = 0
    }

    @inline(never)
    private mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<RegexBacktrackEntry>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        if ownsBase { base.deallocate() }
        base = newBase
        capacity = newCapacity
        ownsBase = true
    }
}

// MARK: - Search

extension RegexProgram {
    /// Entries that fit in the stack-allocated scratch buffer (1 KiB).
    static let scratchEntries = 64

    /// Runs the search and reports the result with the steps it took.
    ///
    /// The one implementation behind both `ByteRegex.matches` variants: the
    /// unbounded one passes `Int.max`. It is a plain exhaustive backtracker
    /// with no memoisation, on purpose: a catastrophic pattern must really
    /// take exponential time, as it did on the sensor.
    func run(_ subject: UnsafeBufferPointer<UInt8>, budget: Int) -> (result: RegexBoundedResult, steps: Int) {
        instructions.withUnsafeBufferPointer { code in
            sets.withUnsafeBufferPointer { sets in
                withUnsafeTemporaryAllocation(of: RegexBacktrackEntry.self, capacity: Self.scratchEntries) { scratch in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(1, loopSlotCount)) { registers in
                        registers.initialize(repeating: -1)
                        var stack = RegexBacktrackStack(scratch: scratch)
                        return search(code, sets, registers, &stack, subject, budget)
                    }
                }
            }
        }
    }

    /// Tries each candidate start position in turn.
    private func search(
        _ code: UnsafeBufferPointer<RegexInstruction>,
        _ sets: UnsafeBufferPointer<RegexByteSet>,
        _ registers: UnsafeMutableBufferPointer<Int>,
        _ stack: inout RegexBacktrackStack,
        _ subject: UnsafeBufferPointer<UInt8>,
        _ budget: Int
    ) -> (result: RegexBoundedResult, steps: Int) {
        let count = subject.count
        let lastStart = anchoredAtStart ? 0 : count
        var steps = 0
        var start = 0
        while start <= lastStart {
            // A match here must consume subject[start], so skip bytes that
            // cannot begin one (and the end, which has no byte).
            if let firstByte {
                while start < count && subject[start] != firstByte { start += 1 }
                if start >= count || start > lastStart { break }
            } else if let firstBytes {
                while start < count && !firstBytes.contains(subject[start]) { start += 1 }
                if start >= count || start > lastStart { break }
            }
            stack.removeAll()
            let outcome = execute(code, sets, registers, &stack, subject, start, budget, &steps)
            if let outcome { return (outcome, steps) }
            start += 1
        }
        return (.noMatch, steps)
    }

    /// Runs the VM from one start position: `.match`, `.budgetExhausted`, or
    /// nil when every path from this position failed.
    @inline(__always)
    private func execute(
        _ code: UnsafeBufferPointer<RegexInstruction>,
        _ sets: UnsafeBufferPointer<RegexByteSet>,
        _ registers: UnsafeMutableBufferPointer<Int>,
        _ stack: inout RegexBacktrackStack,
        _ subject: UnsafeBufferPointer<UInt8>,
        _ start: Int,
        _ budget: Int,
        _ steps: inout Int
    ) -> RegexBoundedResult? {
        let count = subject.count
        var pc = 0
        var position = start
        execute: while true {
            if steps >= budget { return .budgetExhausted(steps: steps) }
            steps &+= 1
            switch code[pc] {
            case .byte(let value):
                if position < count && subject[position] == value {
                    position += 1
                    pc += 1
                    continue execute
                }
            case .eitherByte(let first, let second):
                if position < count {
                    let byte = subject[position]
                    if byte == first || byte == second {
                        position += 1
                        pc += 1
                        continue execute
                    }
                }
            case .set(let index):
                if position < count && sets[Int(index)].contains(subject[position]) {
                    position += 1
                    pc += 1
                    continue execute
                }
            case .anyExceptNewline:
                if position < count && subject[position] != 0x0A {
                    position += 1
                    pc += 1
                    continue execute
                }
            case .split(let preferred, let alternative):
                stack.push(pc: alternative, position: position)
                pc = Int(preferred)
                continue execute
            case .jump(let target):
                pc = Int(target)
                continue execute
            case .assertStart:
                if position == 0 {
                    pc += 1
                    continue execute
                }
            case .assertEnd:
                if position == count {
                    pc += 1
                    continue execute
                }
            case .loopMark(let slot):
                stack.push(pc: ~slot, position: registers[Int(slot)])
                registers[Int(slot)] = position
                pc += 1
                continue execute
            case .loopCheck(let slot):
                if registers[Int(slot)] != position {
                    pc += 1
                    continue execute
                }
            case .match:
                return .match
            }
            // The instruction failed: resume at the latest choice point,
            // undoing register writes made after it.
            while let entry = stack.pop() {
                if entry.pc < 0 {
                    registers[Int(~entry.pc)] = entry.position
                    continue
                }
                pc = Int(entry.pc)
                position = entry.position
                continue execute
            }
            return nil
        }
    }
}
