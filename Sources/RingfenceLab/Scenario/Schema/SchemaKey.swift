import RingfenceContent
import Yams

/// One key of a mapping in a scenario file: its name, where its value lives
/// in the decoded scenario, and how it is read and written. A mapping is a
/// list of these (``ScenarioSchema``); both the decoder and the replay
/// bundle's writer go through it, so a key, its default and its choices are
/// defined once.
struct SchemaKey<Root> {
    let name: String
    let required: Bool
    /// The keys below this one, for documentation and tests (`events.rate`).
    let paths: [String]
    let read: (YAMLValue, inout Root, ScenarioReading) throws(YAMLSourceError) -> Void
    /// nil leaves the key out (an unset expectation).
    let write: (Root, ScenarioWriting) -> Node?

    /// A value at `path`; `omitted` leaves it out of a written file (then it reads back as its default).
    static func value<Value>(_ name: String, _ path: WritableKeyPath<Root, Value>, _ codec: ValueCodec<Value>,
                             required: Bool = false, omitted: @escaping (Value) -> Bool = { _ in false }) -> Self {
        Self(name: name, required: required, paths: [name],
             read: { value, root, context throws(YAMLSourceError) in root[keyPath: path] = try codec.read(value, context) },
             write: { root, context in omitted(root[keyPath: path]) ? nil : codec.write(root[keyPath: path], context) })
    }

    /// A value that may be absent; absent, it is not written.
    static func optional<Value>(_ name: String, _ path: WritableKeyPath<Root, Value?>, _ codec: ValueCodec<Value>) -> Self {
        Self(name: name, required: false, paths: [name],
             read: { value, root, context throws(YAMLSourceError) in root[keyPath: path] = try codec.read(value, context) },
             write: { root, context in root[keyPath: path].map { codec.write($0, context) } })
    }

    /// A nested mapping.
    static func section<Section>(_ name: String, _ path: WritableKeyPath<Root, Section>, _ keys: [SchemaKey<Section>]) -> Self {
        Self(name: name, required: false, paths: [name] + keys.flatMap { key in key.paths.map { "\(name).\($0)" } },
             read: { value, root, context throws(YAMLSourceError) in try readMapping(value, into: &root[keyPath: path], keys: keys, context) },
             write: { root, context in writeMapping(root[keyPath: path], keys: keys, context) })
    }

    /// A list of mappings, each starting from `element`'s defaults; `check`
    /// sees the whole list, the list's node and each item's (duplicate names, say).
    static func list<Element>(_ name: String, _ path: WritableKeyPath<Root, [Element]>, required: Bool = false,
                              element: @escaping (ScenarioReading) -> Element, _ keys: [SchemaKey<Element>],
                              check: @escaping ([Element], YAMLValue, [YAMLValue]) throws(YAMLSourceError) -> Void = { _, _, _ in },
                              max: Int) -> Self {
        Self(name: name, required: required, paths: [name] + keys.flatMap { key in key.paths.map { "\(name)[].\($0)" } },
             read: { value, root, context throws(YAMLSourceError) in
                 let items = try value.sequence()
                 guard items.count <= max else { throw value.error("\(items.count) entries; the limit is \(max)") }
                 var elements: [Element] = []
                 for item in items {
                     var element = element(context)
                     try readMapping(item, into: &element, keys: keys, context)
                     elements.append(element)
                 }
                 try check(elements, value, items)
                 root[keyPath: path] = elements
             },
             write: { root, context in
                 Node.sequence(Node.Sequence(root[keyPath: path].map { writeMapping($0, keys: keys, context) }))
             })
    }
}

/// Reads a mapping's keys into `root`, strictly: an unknown key or a missing
/// required one is an error; a key not given keeps `root`'s default.
func readMapping<Root>(_ value: YAMLValue, into root: inout Root, keys: [SchemaKey<Root>], _ context: ScenarioReading)
    throws(YAMLSourceError) {
    let mapping = try value.mapping(allowed: keys.map(\.name), required: keys.filter(\.required).map(\.name))
    for key in keys {
        if let entry = mapping[key.name] { try key.read(entry, &root, context) }
    }
}

/// Writes every key of `root` (defaults included, so nothing depends on a
/// default that might change), in the schema's order.
func writeMapping<Root>(_ root: Root, keys: [SchemaKey<Root>], _ context: ScenarioWriting) -> Node {
    Node.mapping(Node.Mapping(keys.compactMap { key in key.write(root, context).map { (Node(key.name), $0) } }))
}
