/// Renders a criterion graph as a one-line expression for people:
/// `any(regex '^a', not('x'))`.
///
/// Rendering is bounded: nesting beyond `maxDepth` is elided and a link back
/// to a node already on the path is shown as `<cycle to node N>`, so a hostile
/// file cannot make the inspector recurse without end.
public struct CriterionText {
    public let file: ChannelFile
    public let instance: TemplateInstance
    public var maxDepth = 12

    public init(file: ChannelFile, instance: TemplateInstance) {
        self.file = file
        self.instance = instance
    }

    public func render(field: Int) -> String {
        var path = Set<UInt32>()
        return render(instance.criteria[field], depth: 0, path: &path)
    }

    private func render(_ index: UInt32, depth: Int, path: inout Set<UInt32>) -> String {
        guard depth < maxDepth else { return "…(nesting continues)" }
        guard path.insert(index).inserted else { return "<cycle to node \(index)>" }
        defer { path.remove(index) }
        let node = instance.nodes[Int(index)]
        let flag = node.caseInsensitive ? " ignoreCase" : ""
        switch node.kind {
        case .wildcard: return "*"
        case .literal: return "'\(file.text(of: node))'\(flag)"
        case .regex: return "regex '\(file.text(of: node))'\(flag)"
        case .not: return "not(\(render(node.child, depth: depth + 1, path: &path)))"
        case .all, .any:
            var parts: [String] = []
            var child = node.child
            var siblings = Set<UInt32>()
            while child != CriterionNode.none {
                guard siblings.insert(child).inserted, parts.count < 64 else {
                    parts.append(siblings.contains(child) ? "<cycle to node \(child)>" : "…")
                    break
                }
                parts.append(render(child, depth: depth + 1, path: &path))
                child = instance.nodes[Int(child)].next
            }
            return "\(node.kind)(\(parts.joined(separator: ", ")))"
        }
    }
}
