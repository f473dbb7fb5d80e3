/// Renders a criterion graph as a one-line expression for people:
/// `any(regex '^a', not('x'))`.
///
/// Rendering is bounded: nesting beyond `maxDepth` is elided, a link back
/// to a node already on the path is shown as `<cycle to node N>`, and at most
/// `maxNodes` nodes are rendered in all (children shared between parents, a
/// valid graph, would otherwise be rendered once per path: 64 per level, six
/// levels deep, is 64⁶), so a hostile file cannot make the inspector run without end.
public struct CriterionText {
    public let file: ChannelFile
    public let instance: TemplateInstance
    public var maxDepth = 12
    public var maxNodes = 4_096

    public init(file: ChannelFile, instance: TemplateInstance) {
        self.file = file
        self.instance = instance
    }

    public func render(field: Int) -> String {
        var path = Set<UInt32>()
        var budget = maxNodes
        return render(instance.criteria[field], depth: 0, path: &path, budget: &budget)
    }

    private func render(_ index: UInt32, depth: Int, path: inout Set<UInt32>, budget: inout Int) -> String {
        guard depth < maxDepth else { return "…(nesting continues)" }
        guard budget > 0 else { return "…" }
        budget -= 1
        guard path.insert(index).inserted else { return "<cycle to node \(index)>" }
        defer { path.remove(index) }
        let node = instance.nodes[Int(index)]
        let flag = node.caseInsensitive ? " ignoreCase" : ""
        switch node.kind {
        case .wildcard: return "*"
        case .literal: return "'\(file.text(of: node))'\(flag)"
        case .regex: return "regex '\(file.text(of: node))'\(flag)"
        case .not: return "not(\(render(node.child, depth: depth + 1, path: &path, budget: &budget)))"
        case .all, .any:
            var parts: [String] = []
            var child = node.child
            var siblings = Set<UInt32>()
            while child != CriterionNode.none {
                guard siblings.insert(child).inserted, parts.count < 64 else {
                    parts.append(siblings.contains(child) ? "<cycle to node \(child)>" : "…")
                    break
                }
                parts.append(render(child, depth: depth + 1, path: &path, budget: &budget))
                child = instance.nodes[Int(child)].next
            }
            return "\(node.kind)(\(parts.joined(separator: ", ")))"
        }
    }
}
