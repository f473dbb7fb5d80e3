/// A channel file that the safe parser has checked structurally.
///
/// "Structurally" means every length, count and index stays inside the file.
/// It does *not* mean the content is sensible: an instance may still name a
/// field the sensor does not supply, nest a thousand levels deep, chain its
/// nodes in a cycle or carry a catastrophic regex. Those are the validator's
/// and the interpreters' concern, exactly as in the real incident.
public struct ChannelFile: Sendable {
    public let header: ChannelHeader
    public let instances: [TemplateInstance]
    /// The whole file; node payloads are ranges into it.
    public let bytes: [UInt8]

    init(header: ChannelHeader, instances: [TemplateInstance], bytes: [UInt8]) {
        self.header = header
        self.instances = instances
        self.bytes = bytes
    }

    /// Parses and checks `bytes`. Never traps, whatever the input.
    public init(parsing bytes: [UInt8], limits: ChannelLimits = .standard) throws(ChannelFileError) {
        self = try ChannelParser(bytes: bytes, limits: limits).parse()
    }

    /// The payload of a literal or regex node.
    public func payload(of node: CriterionNode) -> ArraySlice<UInt8> {
        bytes[node.payloadOffset..<(node.payloadOffset + node.payloadLength)]
    }

    /// The payload as text (invalid UTF-8 is repaired, for display only).
    public func text(of node: CriterionNode) -> String {
        String(decoding: payload(of: node), as: UTF8.self)
    }
}

/// One template instance (rule) of a parsed channel file.
public struct TemplateInstance: Hashable, Sendable {
    public let id: UInt32
    public let action: RuleAction
    /// Offset of the instance in its file, for error messages.
    public let offset: Int
    /// Root node index for each criterion, one per declared field.
    public let criteria: [UInt32]
    public let nodes: [CriterionNode]

    public init(id: UInt32, action: RuleAction, offset: Int, criteria: [UInt32], nodes: [CriterionNode]) {
        self.id = id
        self.action = action
        self.offset = offset
        self.criteria = criteria
        self.nodes = nodes
    }

    /// True when the criterion at `field` (0-based) is absent or a bare wildcard:
    /// the interpreter never reads that input.
    public func isWildcard(field: Int) -> Bool {
        guard field < criteria.count else { return true }
        return nodes[Int(criteria[field])].kind == .wildcard
    }

    /// 0-based positions of the criteria that are not bare wildcards.
    public var constrainedFields: [Int] {
        criteria.indices.filter { !isWildcard(field: $0) }
    }
}

/// Bounds the safe parser enforces, so a hostile file cannot make it allocate
/// without limit. They are far above what real content needs.
public struct ChannelLimits: Hashable, Sendable {
    public var maxFileSize: Int
    public var maxInstances: Int
    public var maxNodesPerInstance: Int
    /// An event carries at most 255 fields (its field count is one byte), so no
    /// template can declare more.
    public static let maxFields: UInt16 = 255

    public init(maxFileSize: Int, maxInstances: Int, maxNodesPerInstance: Int) {
        self.maxFileSize = maxFileSize
        self.maxInstances = maxInstances
        self.maxNodesPerInstance = maxNodesPerInstance
    }

    /// 64 MiB, a million instances and a million nodes per instance: generous
    /// enough that the deep-nesting and oversized faults reach the interpreter.
    public static let standard = ChannelLimits(maxFileSize: 64 << 20, maxInstances: 1 << 20, maxNodesPerInstance: 1 << 20)
}
