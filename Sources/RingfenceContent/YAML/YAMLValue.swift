import Yams

/// One node of a strictly-read YAML document, with the key path that led to it
/// so that every error can say where it is.
public struct YAMLValue {
    public let node: Node
    public let file: String
    public let path: [String]

    init(node: Node, file: String, path: [String]) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// `agents[0].limits.memory`
    public var pathString: String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") || text.isEmpty { text += component } else { text += ".\(component)" }
        }
        return text
    }

    public var line: Int? { node.mark?.line }

    public func error(_ message: String) -> YAMLSourceError {
        YAMLSourceError(file: file, path: pathString, line: node.mark?.line, column: node.mark?.column, message: message)
    }

    // MARK: - Shape checks

    /// A document may hold at most this many nodes once aliases are expanded:
    /// a "billion laughs" alias bomb is refused here, before anything walks it.
    public static let maxNodes = 100_000

    func checkStructure(depth: Int) throws(YAMLSourceError) {
        var count = 0
        try checkStructure(depth: depth, count: &count)
    }

    private func checkStructure(depth: Int, count: inout Int) throws(YAMLSourceError) {
        count += 1
        guard count <= Self.maxNodes else {
            throw error("document expands to more than \(Self.maxNodes) nodes (an alias bomb?)")
        }
        guard depth <= StrictYAML.maxDepth else { throw error("nesting deeper than \(StrictYAML.maxDepth) levels") }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try YAMLValue(node: value, file: file, path: path + [key.string ?? "?"]).checkStructure(depth: depth + 1, count: &count)
            }
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                try YAMLValue(node: element, file: file, path: path + ["[\(index)]"]).checkStructure(depth: depth + 1, count: &count)
            }
        case .scalar, .alias:
            break
        }
    }

    // MARK: - Typed access

    public var isScalar: Bool { if case .scalar = node { true } else { false } }
    public var isMapping: Bool { if case .mapping = node { true } else { false } }
    public var isSequence: Bool { if case .sequence = node { true } else { false } }

    /// A mapping whose keys must all be in `allowed` and include `required`.
    public func mapping(allowed: [String], required: [String] = []) throws(YAMLSourceError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping with keys \(allowed.joined(separator: ", "))") }
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw YAMLValue(node: keyNode, file: file, path: path).error("keys must be plain strings")
            }
            let key = scalar.string
            let value = YAMLValue(node: valueNode, file: file, path: path + [key])
            guard allowed.contains(key) else {
                let place = YAMLValue(node: keyNode, file: file, path: path + [key])
                throw place.error("unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))")
            }
            entries.append((key, value))
        }
        for key in required where !entries.contains(where: { $0.key == key }) {
            throw error("missing required key '\(key)'")
        }
        return YAMLMapping(value: self, entries: entries)
    }

    /// A mapping with arbitrary keys, in document order (e.g. field name → criterion).
    public func entries() throws(YAMLSourceError) -> [(key: String, value: YAMLValue)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping") }
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw YAMLValue(node: keyNode, file: file, path: path).error("keys must be plain strings")
            }
            entries.append((key, YAMLValue(node: valueNode, file: file, path: path + [key])))
        }
        return entries
    }

    public func sequence() throws(YAMLSourceError) -> [YAMLValue] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { YAMLValue(node: $1, file: file, path: path + ["[\($0)]"]) }
    }

    /// A list, or a single value treated as a list of one.
    public func list() throws(YAMLSourceError) -> [YAMLValue] {
        isSequence ? try sequence() : [self]
    }

    public func string() throws(YAMLSourceError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string") }
        return scalar.string
    }

    public func int(in range: ClosedRange<Int>) throws(YAMLSourceError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a whole number")
        }
        guard range.contains(value) else { throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    public func double(in range: ClosedRange<Double>) throws(YAMLSourceError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number")
        }
        guard range.contains(value) else { throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    public func bool() throws(YAMLSourceError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false") }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, found '\(scalar.string)'")
        }
    }

    /// One of a fixed set of words, e.g. `kernel | user`.
    public func choice<T>(_ choices: KeyValuePairs<String, T>) throws(YAMLSourceError) -> T {
        let word = try string()
        guard let match = choices.first(where: { $0.key == word }) else {
            throw error("'\(word)' is not one of: \(choices.map(\.key).joined(separator: ", "))")
        }
        return match.value
    }
}

/// A checked mapping: every key is known, every required key present.
public struct YAMLMapping {
    public let value: YAMLValue
    public let entries: [(key: String, value: YAMLValue)]

    public subscript(key: String) -> YAMLValue? { entries.first { $0.key == key }?.value }

    public func required(_ key: String) throws(YAMLSourceError) -> YAMLValue {
        guard let found = self[key] else { throw value.error("missing required key '\(key)'") }
        return found
    }
}
