/// The static shape of one criterion's node graph: how deep it nests, whether
/// its links loop, and how many node visits one evaluation can take.
///
/// The validator and the resilient interpreter both use this before trusting
/// an instance, the way the eBPF verifier walks a program before loading it:
/// a cycle means evaluation may never end, and the step count bounds the work
/// per event (shared sub-graphs can make it exponential in the node count).
public struct CriterionShape: Hashable, Sendable {
    /// Nesting depth; a lone leaf is 1.
    public let depth: Int
    /// Upper bound of node visits per evaluation, saturating at `Int.max`.
    public let evaluationSteps: Int
    /// A node on a cycle, if the graph reachable from the root has one.
    public let cycleAt: UInt32?

    /// Analyses every criterion of `instance` in one pass (iterative, so a
    /// 200,000-deep chain is measured without recursion).
    public static func analyse<Nodes: RandomAccessCollection>(roots: [UInt32], nodes: Nodes) -> [CriterionShape]
    where Nodes.Element == CriterionNode, Nodes.Index == Int {
        let analysis = GraphWalk(links: nodes.map { ($0.child, $0.next) })
        return roots.map { analysis.shape(from: $0) }
    }
}

extension TemplateInstance {
    /// The shape of each criterion, in field order.
    public var criterionShapes: [CriterionShape] { CriterionShape.analyse(roots: criteria, nodes: nodes) }
}

extension InstanceDraft {
    public var criterionShapes: [CriterionShape] {
        let nodes = self.nodes.map {
            CriterionNode(kind: $0.kind, flags: $0.flags, next: $0.next, child: $0.child, payloadOffset: 0, payloadLength: 0)
        }
        return CriterionShape.analyse(roots: criteria, nodes: nodes)
    }
}

/// Depth-first walk with colours (white, grey, black) and post-order results.
private final class GraphWalk {
    let links: [(child: UInt32, next: UInt32)]
    var colour: [UInt8]
    var depth: [Int]
    var steps: [Int]
    var cycleNode: [UInt32?]

    init(links: [(UInt32, UInt32)]) {
        self.links = links.map { (child: $0.0, next: $0.1) }
        colour = Array(repeating: 0, count: links.count)
        depth = Array(repeating: 0, count: links.count)
        steps = Array(repeating: 0, count: links.count)
        cycleNode = Array(repeating: nil, count: links.count)
    }

    func shape(from root: UInt32) -> CriterionShape {
        guard Int(root) < links.count else { return CriterionShape(depth: 0, evaluationSteps: 0, cycleAt: nil) }
        visit(Int(root))
        return CriterionShape(depth: depth[Int(root)], evaluationSteps: steps[Int(root)], cycleAt: cycleNode[Int(root)])
    }

    private func visit(_ root: Int) {
        guard colour[root] == 0 else { return }
        var stack: [(node: Int, expanded: Bool)] = [(root, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                finish(node)
                continue
            }
            guard colour[node] == 0 else { continue }
            colour[node] = 1
            stack.append((node, true))
            for target in [links[node].child, links[node].next] where target != CriterionNode.none {
                let next = Int(target)
                guard next < links.count else { continue }
                if colour[next] == 1 { cycleNode[node] = target } else if colour[next] == 0 { stack.append((next, false)) }
            }
        }
    }

    private func finish(_ node: Int) {
        colour[node] = 2
        var nodeDepth = 1, nodeSteps = 1
        var cycle = cycleNode[node]
        let (child, next) = links[node]
        if child != CriterionNode.none, Int(child) < links.count {
            nodeDepth = 1 + depth[Int(child)]
            nodeSteps = Self.add(nodeSteps, steps[Int(child)])
            cycle = cycle ?? cycleNode[Int(child)]
        }
        if next != CriterionNode.none, Int(next) < links.count {
            nodeDepth = max(nodeDepth, depth[Int(next)])
            nodeSteps = Self.add(nodeSteps, steps[Int(next)])
            cycle = cycle ?? cycleNode[Int(next)]
        }
        if cycle != nil { nodeSteps = .max }
        depth[node] = nodeDepth
        steps[node] = nodeSteps
        cycleNode[node] = cycle
    }

    private static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
