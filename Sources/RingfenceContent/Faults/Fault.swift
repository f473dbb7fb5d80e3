/// The fault catalog: every way Ringfence can break a content update.
///
/// Each fault is a deterministic function of a valid channel file, its options
/// and a seed, so any trial can be replayed byte for byte.
public enum Fault: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case fieldCountMismatch = "field-count-mismatch"
    case wildcardMasked = "wildcard-masked"
    case truncated
    case zeroed
    case badLength = "bad-length"
    case bitFlip = "bit-flip"
    case deepNesting = "deep-nesting"
    case regexBomb = "regex-bomb"
    case oversized
    case loop
    case forbiddenAction = "forbidden-action"
    case wildWrite = "wild-write"

    public var description: String { rawValue }

    /// What the fault does to the file, in one line.
    public var summary: String {
        switch self {
        case .fieldCountMismatch:
            "adds an instance with a non-wildcard criterion on field 21 when the sensor supplies 20 (July 19)"
        case .wildcardMasked:
            "adds an instance that declares field 21 but leaves it a wildcard (the pre-July-19 state)"
        case .truncated: "cuts the file short at a seeded offset"
        case .zeroed: "overwrites every byte with zero, as seen on some hosts on July 19"
        case .badLength: "sets a length field to point far past the end of the file (checksum kept valid)"
        case .bitFlip: "flips seeded bits anywhere in the file, as corruption in storage or transit would"
        case .deepNesting: "adds a criterion nested 200,000 levels deep (not(not(...)))"
        case .regexBomb: "adds a regex with nested quantifiers that backtracks exponentially on a hash field"
        case .oversized: "adds a regex whose counted repetitions unroll to a billion instructions (a memory bomb)"
        case .loop: "adds an any() whose sibling links loop back, so evaluation never ends"
        case .forbiddenAction: "adds an instance whose action collects the file an event names: a direct open()"
        case .wildWrite: "adds an instance whose action captures a field into a 64-byte buffer, without a length check"
        }
    }

    /// What happens next, by interpreter and validator.
    public var effect: String {
        switch self {
        case .fieldCountMismatch:
            "unsafe: SIGSEGV reading past the field array; checked: SIGILL (bounds trap); "
                + "resilient: instance disabled; validator on: rejected; buggy: passes"
        case .wildcardMasked:
            "nothing: the wildcard means field 21 is never read; every interpreter and validator accepts it"
        case .truncated, .zeroed, .badLength:
            "the safe parser refuses it with an offset; every interpreter keeps its old content; validator on/buggy: rejected"
        case .bitFlip:
            "with a checksum trailer: refused as a checksum mismatch; without one: a parse error or silently changed content"
        case .deepNesting:
            "unsafe and checked: stack overflow (SIGSEGV), memory safety does not help; "
                + "resilient: instance disabled at load; validator on/buggy: rejected"
        case .regexBomb:
            "unsafe and checked: evaluation hangs (watchdog or heartbeat); "
                + "resilient: step budget disables the instance; validator on/buggy: rejected"
        case .oversized:
            "unsafe and checked: compiling it exhausts memory (user mode: RLIMIT_AS, memory-limit; kernel mode: "
                + "MEMORY_MANAGEMENT); resilient: program-size limit disables it; validator on/buggy: rejected"
        case .loop:
            "unsafe and checked: evaluation never ends (kernel: DPC_WATCHDOG_VIOLATION; user: hang); "
                + "resilient: cycle found at load, instance disabled; validator on/buggy: rejected (bounded-step check)"
        case .forbiddenAction:
            "kernel mode: allowed, the open just happens; user mode: openat is outside the seccomp profile, "
                + "a policy violation; no validator objects, the action is legitimate content"
        case .wildWrite:
            "unsafe: writes past the buffer, the kernel integrity check finds the corruption "
                + "(kernel: KERNEL_SECURITY_CHECK_FAILURE; user: the agent aborts); checked: bounds trap; resilient: instance disabled"
        }
    }
}

/// Tunables for a fault. Fields are 1-based, as the incident report counts them.
public struct FaultOptions: Hashable, Sendable {
    /// The field a criterion-level fault targets (`field-count-mismatch`, `wildcard-masked`).
    public var field: Int = 21
    /// The literal placed on `field` by `field-count-mismatch`.
    public var value: String = "\\\\.\\pipe\\*"
    /// Nesting depth for `deep-nesting`.
    public var depth: Int = 200_000
    /// Number of bits for `bit-flip`.
    public var bits: Int = 1
    /// Counted repetition per level of `oversized`, nested three deep (1000 = a billion instructions).
    public var repetition: Int = 1000

    public init() {}
}
