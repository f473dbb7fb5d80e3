// MARK: - ByteRegex

/// A regular expression matched against raw bytes: the regex criterion of a
/// template instance, applied to a telemetry field value.
///
/// Why a custom engine rather than `Regex` or `NSRegularExpression`:
/// - field values arrive as UTF-8 byte buffers, and building a `String` per
///   match would dominate the cost of evaluating a rule;
/// - the simulation needs two behaviours from one matcher: a naive sensor
///   that really backtracks exponentially on a regex bomb (and really hangs),
///   and a resilient one that stops after a step budget;
/// - the content validator needs static hazard analysis of the pattern.
///
/// Semantics are byte-oriented with ASCII classes; see the syntax notes on
/// `init`. A value is immutable and `Sendable`, so one compiled rule can be
/// shared by every interpreter thread.
public struct ByteRegex: Sendable {
    public let pattern: String
    /// Whether matching folds ASCII case: requested by the caller, or turned on
    /// by a leading `(?i)` in the pattern.
    public let caseInsensitive: Bool
    /// Static hazards found in the pattern (used by the cloud-side content validator).
    public let hazards: [RegexHazard]
    let program: RegexProgram

    /// Compiles `pattern`. Throws RegexError naming the byte offset in the pattern and the reason.
    ///
    /// Syntax: literals and escaped punctuation; `\d \D \w \W \s \S \t \n \r
    /// \f \v \0 \xHH`; `.` (any byte but `\n`); classes `[a-z]`, `[^...]`;
    /// groups `( )` and `(?: )` (no captures); `|`; greedy and lazy
    /// `* + ? {n} {n,} {n,m}`; `^` and `$` (start and end of the subject);
    /// a leading `(?i)`. Backreferences, lookaround and word boundaries are
    /// rejected. `limits` bounds counted repetitions and the unrolled program.
    public init(_ pattern: String, caseInsensitive: Bool = false, limits: RegexLimits = .standard) throws(RegexError) {
        var parser = RegexParser(pattern: pattern, caseInsensitive: caseInsensitive, limits: limits)
        let root = try parser.parse()
        self.pattern = pattern
        self.caseInsensitive = parser.caseInsensitive
        self.hazards = RegexHazardAnalyzer(sets: parser.sets).hazards(in: root)
        self.program = try RegexCompiler.compile(
            root, sets: parser.sets, loopSlotCount: parser.loopSlotCount, limits: limits)
    }

    /// Number of instructions in the compiled program (counted repetitions are unrolled, so `a{1000}` is ~1000).
    public var programSize: Int { program.instructions.count }

    /// Parses and analyses `pattern` without compiling it.
    ///
    /// Why: authoring tools and the validator must be able to look at the
    /// "oversized" fault (`((a{1000}){1000}){1000}`) without setting it off.
    /// This checks syntax and the counted-repetition limit, finds hazards and
    /// computes the program size compilation would need, all in time and
    /// memory proportional to the pattern, whatever `limits.maxProgramSize` says.
    public static func inspect(
        _ pattern: String,
        caseInsensitive: Bool = false,
        limits: RegexLimits = .unbounded
    ) throws(RegexError) -> RegexInspection {
        var parser = RegexParser(pattern: pattern, caseInsensitive: caseInsensitive, limits: limits)
        let root = try parser.parse()
        return RegexInspection(
            plannedProgramSize: RegexCompiler.saturatingAdd(root.plannedSize, 1),
            hazards: RegexHazardAnalyzer(sets: parser.sets).hazards(in: root),
            caseInsensitive: parser.caseInsensitive)
    }

    // MARK: - Matching

    /// Unbounded search: true if the pattern matches anywhere in `subject` (unanchored unless ^ / $).
    ///
    /// Naive backtracking with no memoisation: a catastrophic pattern really
    /// takes exponential time. This is deliberate: it is the naive sensor.
    public func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        program.run(subject, budget: .max).result == .match
    }

    /// The same search with a budget of backtracking steps (one step = one
    /// instruction executed, counted across all start positions).
    public func matches(_ subject: UnsafeBufferPointer<UInt8>, stepBudget: Int) -> RegexBoundedResult {
        program.run(subject, budget: stepBudget).result
    }

    /// The bounded search, also reporting how many steps it took; for
    /// measuring how a pattern's cost grows with the subject.
    public func matchesCountingSteps(
        _ subject: UnsafeBufferPointer<UInt8>,
        stepBudget: Int = .max
    ) -> (result: RegexBoundedResult, steps: Int) {
        program.run(subject, budget: stepBudget)
    }

    /// Convenience for tests/tools.
    public func matches(_ subject: String) -> Bool {
        var subject = subject
        return subject.withUTF8 { matches($0) }
    }

    /// Convenience for tests/tools.
    public func matches(_ subject: String, stepBudget: Int) -> RegexBoundedResult {
        var subject = subject
        return subject.withUTF8 { matches($0, stepBudget: stepBudget) }
    }
}

// MARK: - RegexInspection

/// What `ByteRegex.inspect` learns about a pattern without compiling it.
public struct RegexInspection: Sendable, Equatable {
    /// Instructions the compiled program would have (`programSize`),
    /// saturating at `Int.max`.
    public let plannedProgramSize: Int
    public let hazards: [RegexHazard]
    /// Whether matching would fold ASCII case (argument or leading `(?i)`).
    public let caseInsensitive: Bool
}

// MARK: - RegexBoundedResult

/// Outcome of a budgeted search.
public enum RegexBoundedResult: Sendable, Equatable {
    case match
    case noMatch
    /// The search was stopped after `steps` instructions without an answer.
    case budgetExhausted(steps: Int)
}

// MARK: - RegexLimits

/// Compile-time resource limits.
///
/// Why configurable: the validator and the resilient sensor use `.standard`,
/// while the naive sensor uses `.unbounded`, so the "oversized" fault
/// exhausts memory for real instead of being caught.
public struct RegexLimits: Sendable, Equatable {
    /// Largest compiled program accepted; nil = unbounded (what a naive sensor does).
    public var maxProgramSize: Int?
    /// Largest n allowed in {n} / {n,m} / {n,}; larger is a parse error.
    public var maxCountedRepetition: Int

    public init(maxProgramSize: Int? = 20_000, maxCountedRepetition: Int = 1000) {
        self.maxProgramSize = maxProgramSize
        self.maxCountedRepetition = maxCountedRepetition
    }

    public static let standard = RegexLimits(maxProgramSize: 20_000, maxCountedRepetition: 1000)
    public static let unbounded = RegexLimits(maxProgramSize: nil, maxCountedRepetition: Int.max)
}

// MARK: - RegexError

/// A pattern that does not compile: where (byte offset into the pattern's
/// UTF-8) and why, worded for the rule author.
public struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "regex offset \(offset): \(reason)" }
}
