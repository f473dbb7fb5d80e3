/// A criterion node as it is stored in a channel file.
///
/// Nested criteria are a graph of nodes addressed by index within their
/// instance: `all`/`any` point at their first child and children are chained
/// through `next`; `not` points at its single child. A well-formed instance is
/// a tree, but the file format cannot forbid a cycle or a very deep chain;
/// catching those is the validator's job, as the eBPF verifier does for programs.
public struct CriterionNode: Hashable, Sendable {
    public enum Kind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        case wildcard = 0
        case literal = 1
        case regex = 2
        case all = 3
        case any = 4
        case not = 5

        public var description: String {
            switch self {
            case .wildcard: "wildcard"
            case .literal: "literal"
            case .regex: "regex"
            case .all: "all"
            case .any: "any"
            case .not: "not"
            }
        }

        /// Literal and regex nodes carry a byte payload; the others carry a child index.
        public var hasPayload: Bool { self == .literal || self == .regex }
    }

    /// Marks "no node" in `next` and `child`.
    public static let none: UInt32 = .max
    /// Flag bit: ASCII case-insensitive comparison.
    public static let caseInsensitiveFlag: UInt8 = 0x01

    public var kind: Kind
    public var flags: UInt8
    /// Next sibling in an `all`/`any` chain, or ``none``.
    public var next: UInt32
    /// First child (`all`, `any`) or the child (`not`), or ``none``.
    public var child: UInt32
    /// Payload location in the channel file's bytes (literal, regex).
    public var payloadOffset: Int
    public var payloadLength: Int

    public init(kind: Kind, flags: UInt8, next: UInt32, child: UInt32, payloadOffset: Int, payloadLength: Int) {
        self.kind = kind
        self.flags = flags
        self.next = next
        self.child = child
        self.payloadOffset = payloadOffset
        self.payloadLength = payloadLength
    }

    public var caseInsensitive: Bool { flags & Self.caseInsensitiveFlag != 0 }
}
