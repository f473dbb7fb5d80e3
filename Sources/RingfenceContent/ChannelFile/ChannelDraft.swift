/// An editable channel file: what the compiler produces from YAML sources,
/// what fault injection edits, and what ``ChannelEncoder`` turns into bytes.
///
/// Unlike ``ChannelFile`` it owns its payloads, so a fault can rewrite nodes,
/// splice in a cycle or chain 200,000 `not` nodes without any tree recursion.
public struct ChannelDraft: Hashable, Sendable {
    public var channel: UInt32
    public var templateType: TemplateTypeID
    public var declaredFieldCount: Int
    public var contentVersion: UInt64
    public var checksum: ChannelChecksum
    public var instances: [InstanceDraft]

    public init(channel: UInt32, templateType: TemplateTypeID, declaredFieldCount: Int, contentVersion: UInt64,
                checksum: ChannelChecksum, instances: [InstanceDraft]) {
        self.channel = channel
        self.templateType = templateType
        self.declaredFieldCount = declaredFieldCount
        self.contentVersion = contentVersion
        self.checksum = checksum
        self.instances = instances
    }

    /// Lifts a parsed file back into an editable draft (payloads are copied).
    public init(_ file: ChannelFile) {
        self.channel = file.header.channel
        self.templateType = file.header.templateType
        self.declaredFieldCount = Int(file.header.declaredFieldCount)
        self.contentVersion = file.header.contentVersion
        self.checksum = file.header.checksum
        self.instances = file.instances.map { instance in
            InstanceDraft(id: instance.id, action: instance.action, criteria: instance.criteria, nodes: instance.nodes.map { node in
                NodeDraft(kind: node.kind, flags: node.flags, next: node.next, child: node.child,
                          payload: node.kind.hasPayload ? Array(file.payload(of: node)) : [])
            })
        }
    }

    public func encoded() -> [UInt8] { ChannelEncoder.encode(self) }

    /// Appends a wildcard criterion to every instance until each has `count`,
    /// as the content pipeline did when a template type grew a field.
    public mutating func widen(toFieldCount count: Int) {
        guard count > declaredFieldCount else { return }
        for index in instances.indices {
            while instances[index].criteria.count < count {
                instances[index].criteria.append(instances[index].appendNode(.wildcard))
            }
        }
        declaredFieldCount = count
    }
}

/// An editable template instance.
public struct InstanceDraft: Hashable, Sendable {
    public var id: UInt32
    public var action: RuleAction
    /// Root node index per criterion (one per declared field).
    public var criteria: [UInt32]
    public var nodes: [NodeDraft]

    public init(id: UInt32, action: RuleAction, criteria: [UInt32], nodes: [NodeDraft]) {
        self.id = id
        self.action = action
        self.criteria = criteria
        self.nodes = nodes
    }

    /// Compiles criterion trees into nodes, in pre-order. Recursive: authored
    /// criteria come from YAML, whose nesting the reader already bounds.
    public init(id: UInt32, action: RuleAction, criteria trees: [Criterion]) {
        self.init(id: id, action: action, criteria: [], nodes: [])
        criteria = trees.map { append($0) }
    }

    /// Appends a criterion tree and returns the index of its root.
    @discardableResult
    public mutating func append(_ criterion: Criterion) -> UInt32 {
        switch criterion {
        case .wildcard:
            return appendNode(.wildcard)
        case .literal(let text, let caseInsensitive):
            return appendNode(.literal, payload: Array(text.utf8), caseInsensitive: caseInsensitive)
        case .regex(let text, let caseInsensitive):
            return appendNode(.regex, payload: Array(text.utf8), caseInsensitive: caseInsensitive)
        case .not(let child):
            let index = appendNode(.not)
            nodes[Int(index)].child = append(child)
            return index
        case .all(let children), .any(let children):
            let index = appendNode(criterion.isAll ? .all : .any)
            var previous: UInt32?
            for child in children {
                let childIndex = append(child)
                if let previous { nodes[Int(previous)].next = childIndex } else { nodes[Int(index)].child = childIndex }
                previous = childIndex
            }
            return index
        }
    }

    /// Appends one node with no links and returns its index.
    public mutating func appendNode(_ kind: CriterionNode.Kind, payload: [UInt8] = [], caseInsensitive: Bool = false) -> UInt32 {
        nodes.append(NodeDraft(kind: kind, flags: caseInsensitive ? CriterionNode.caseInsensitiveFlag : 0,
                               next: CriterionNode.none, child: CriterionNode.none, payload: payload))
        return UInt32(nodes.count - 1)
    }

    /// Replaces the criterion of one field with a new tree. The old nodes stay
    /// (unreferenced), which the format allows.
    public mutating func setCriterion(_ criterion: Criterion, field: Int) {
        criteria[field] = append(criterion)
    }
}

/// An editable criterion node.
public struct NodeDraft: Hashable, Sendable {
    public var kind: CriterionNode.Kind
    public var flags: UInt8
    public var next: UInt32
    public var child: UInt32
    public var payload: [UInt8]

    public init(kind: CriterionNode.Kind, flags: UInt8, next: UInt32, child: UInt32, payload: [UInt8]) {
        self.kind = kind
        self.flags = flags
        self.next = next
        self.child = child
        self.payload = payload
    }
}

extension Criterion {
    fileprivate var isAll: Bool { if case .all = self { true } else { false } }
}
