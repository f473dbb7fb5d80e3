import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSandbox
import RingfenceSystem
import Synchronization
import Yams

/// Where a scenario is being read from: relative paths resolve against it,
/// and every file it names must pass `confinement` (its own folder tree, the
/// shipped profiles, and folders allowed with `--allow`).
struct ScenarioReading {
    let file: String
    let confinement: PathConfinement

    init(file: String, allowing allowed: [String] = []) {
        self.file = file
        let folder = (file as NSString).deletingLastPathComponent
        confinement = PathConfinement(roots: [folder.isEmpty ? "." : folder] + (ShippedProfiles.folder.map { [$0] } ?? []) + allowed)
    }

    func resolve(_ path: String) -> String { ChannelSource.resolve(path, relativeTo: file) }

    /// `path` resolved, existing, a regular file, and inside the confinement.
    func admit(_ path: String, at value: YAMLValue) throws(YAMLSourceError) -> String {
        let resolved = resolve(path)
        do { return try confinement.admit(resolved) } catch {
            throw value.error(error.reason == "no such file" ? "no such file: \(resolved)" : error.description)
        }
    }
}

/// Where a scenario is being written for: every file it names goes through
/// `relocate` (a replay bundle copies each into itself and names the copy).
struct ScenarioWriting {
    let relocate: (String) -> String
}

/// How one kind of value is spelt in a scenario file: read strictly (an error
/// names the file, the key path, the line and the form expected), and written
/// back in a form that reads to the same value.
struct ValueCodec<Value> {
    let read: (YAMLValue, ScenarioReading) throws(YAMLSourceError) -> Value
    let write: (Value, ScenarioWriting) -> Node

    static func scalar(_ text: String) -> Node { Node(text) }
}

extension ValueCodec where Value == SimulatedTime {
    /// `500us`, `200ms`, `2s`, `78m`, `1h`, on the simulated clock.
    static func duration(_ range: ClosedRange<SimulatedTime>) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let text = try value.string()
            guard let time = SimulatedTime(text: text) else {
                throw value.error("'\(text)' is not a duration; write it like 500us, 200ms, 2s, 78m or 1h")
            }
            guard range.contains(time) else { throw value.error("\(text) is out of range (\(range.lowerBound) ... \(range.upperBound))") }
            return time
        }, write: { time, _ in scalar(time.description) })
    }
}

extension ValueCodec where Value == Double {
    /// A real duration in seconds (CPU or wall time), written like a simulated one.
    static func seconds(_ range: ClosedRange<Double>) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let text = try value.string()
            guard let seconds = DurationText.parse(text) else {
                throw value.error("'\(text)' is not a duration; write it like 500us, 200ms, 2s, 78m or 1h")
            }
            guard range.contains(seconds) else { throw value.error("\(text) is out of range (\(range.lowerBound) s ... \(range.upperBound) s)") }
            return seconds
        }, write: { seconds, _ in scalar(SimulatedTime(seconds: seconds).description) })
    }

    static func number(_ range: ClosedRange<Double>) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in try value.double(in: range) }, write: { number, _ in scalar("\(number)") })
    }
}

extension ValueCodec where Value == Int {
    static func integer(_ range: ClosedRange<Int>) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in try value.int(in: range) }, write: { number, _ in scalar("\(number)") })
    }

    /// `256MiB`, `1GiB`, `64MB` or plain bytes.
    static func size(_ range: ClosedRange<Int>) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let text = try value.string()
            guard let bytes = ByteSize.parse(text) else { throw value.error("'\(text)' is not a size; write it like 256MiB or 1GiB") }
            guard range.contains(bytes) else { throw value.error("\(text) is out of range (\(range.lowerBound) ... \(range.upperBound) bytes)") }
            return bytes
        }, write: { bytes, _ in
            for (suffix, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes > 0 && bytes % size == 0 {
                return scalar("\(bytes / size)\(suffix)")
            }
            return scalar("\(bytes)")
        })
    }

    /// Whole seconds, written as a duration (`cpu: 2s`); a fraction rounds up.
    static func wholeSeconds(_ range: ClosedRange<Double>) -> Self {
        let seconds = ValueCodec<Double>.seconds(range)
        return Self(read: { value, context throws(YAMLSourceError) in Int(try seconds.read(value, context).rounded(.up)) },
                    write: { whole, _ in scalar("\(whole)s") })
    }
}

extension ValueCodec where Value == UInt64 {
    static var seed: Self {
        Self(read: { value, _ throws(YAMLSourceError) in UInt64(try value.int(in: 0...Int.max)) }, write: { seed, _ in scalar("\(seed)") })
    }
}

extension ValueCodec where Value == Bool {
    static var boolean: Self {
        Self(read: { value, _ throws(YAMLSourceError) in try value.bool() }, write: { flag, _ in scalar(flag ? "true" : "false") })
    }
}

extension ValueCodec where Value == String {
    static var text: Self {
        Self(read: { value, _ throws(YAMLSourceError) in try value.string() }, write: { text, _ in Node(text, Tag(.str), .singleQuoted) })
    }

    /// The longest name, in bytes: names become folder and file names (at most 255 bytes), and show in tables.
    static let maxNameLength = 100

    /// Letters, digits, '-', '_' and '.', at most ``maxNameLength`` bytes of them: names that are also file names.
    static var name: Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let name = try value.string()
            guard !name.isEmpty, name.utf8.count <= maxNameLength, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw value.error("a name is 1 to \(maxNameLength) bytes of letters, digits, '-', '_' and '.'")
            }
            return name
        }, write: { name, _ in Node(name, Tag(.str), .singleQuoted) })
    }

    /// A regular file, relative to the scenario file, inside the folders the
    /// scenario may read (``ScenarioReading/confinement``).
    static var file: Self {
        Self(read: { value, context throws(YAMLSourceError) in try context.admit(try value.string(), at: value) },
             write: { path, context in Node(context.relocate(path), Tag(.str), .singleQuoted) })
    }

    /// Content, as ``file``; a rules file is compiled here, its own
    /// `templates:` and `extends:` files held to the same folders, so that
    /// bad content stops the run before anything starts (once per file and
    /// set of folders in a process: a library's scenarios share their
    /// sources). A channel file is only checked for its size here: a
    /// malformed one is legitimate content for a trial (the agent's parser is
    /// what is under test).
    static var content: Self {
        Self(read: { value, context throws(YAMLSourceError) in
            let path = try context.admit(try value.string(), at: value)
            if CompiledSources.isRulesFile(path) {
                let key = "\(path)|\(context.confinement.roots.joined(separator: "|"))"
                if !checkedRules.withLock({ $0.contains(key) }) {
                    _ = try ChannelSource.compile(path, confinement: context.confinement)
                    checkedRules.withLock { _ = $0.insert(key) }
                }
            } else {
                do { _ = try FileBytes.read(path, limit: ChannelLimits.standard.maxFileSize) } catch let error as FileBytes.ReadError { throw value.error(error.description) } catch { throw value.error("\(error)") }
            }
            return path
        }, write: file.write)
    }

    /// Rules files that compiled while scenarios were read, with the folders they were held to.
    private static let checkedRules = Mutex<Set<String>>([])

    /// Template definitions (`content.templates`), as ``file``, and read here.
    static var templates: Self {
        Self(read: { value, context throws(YAMLSourceError) in
            let path = try context.admit(try value.string(), at: value)
            _ = try TemplateDefinitions.load(path)
            return path
        }, write: file.write)
    }

    /// A seccomp profile: a shipped one by name (`agent`, `permissive-log`),
    /// or a file as for ``file``.
    static var profile: Self {
        Self(read: { value, context throws(YAMLSourceError) in
            let text = try value.string()
            guard ShippedProfiles.isName(text) else { return try context.admit(text, at: value) }
            guard let path = ShippedProfiles.path(named: text) else {
                throw value.error("no shipped profile '\(text)'; shipped: \(ShippedProfiles.names.joined(separator: ", "))")
            }
            return path
        }, write: { path, context in Node(ShippedProfiles.name(of: path) ?? context.relocate(path), Tag(.str), .singleQuoted) })
    }

    /// One of `words` (the hostile test agents' entries, say).
    static func oneOf(_ words: [String]) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let word = try value.string()
            guard words.contains(word) else { throw value.error("'\(word)' is not one of: \(words.joined(separator: ", "))") }
            return word
        }, write: { word, _ in scalar(word) })
    }
}

extension ValueCodec where Value: RawRepresentable & CaseIterable & Equatable, Value.RawValue == String {
    /// One of the type's cases, by its name: `kernel | user`.
    static var choice: Self { choice(of: Array(Value.allCases)) }

    /// One of `allowed`, by its name.
    static func choice(of allowed: [Value]) -> Self {
        Self(read: { value, _ throws(YAMLSourceError) in
            let word = try value.string()
            guard let parsed = Value(rawValue: word), allowed.contains(parsed) else {
                throw value.error("'\(word)' is not one of: \(allowed.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }, write: { choice, _ in scalar(choice.rawValue) })
    }
}

extension ValueCodec {
    /// A list of `element`s, or a single one standing for a list of one.
    static func list<Element>(_ element: ValueCodec<Element>) -> Self where Value == [Element] {
        Self(read: { value, context throws(YAMLSourceError) in
            var elements: [Element] = []
            for item in try value.list() { elements.append(try element.read(item, context)) }
            return elements
        }, write: { elements, context in
            Node.sequence(Node.Sequence(elements.map { element.write($0, context) }, Tag(.seq), .flow))
        })
    }

    /// A mapping from a built-in event type's name to a value.
    static func perEventType<Element>(_ element: ValueCodec<Element>, what: String) -> Self where Value == [String: Element] {
        Self(read: { value, context throws(YAMLSourceError) in
            var map: [String: Element] = [:]
            for (type, entry) in try value.entries() {
                guard SensorTemplates.builtIn.type(named: type) != nil else {
                    throw entry.error("unknown \(what) '\(type)'; the sensor has \(SensorTemplates.builtIn.types.map(\.name).joined(separator: ", "))")
                }
                map[type] = try element.read(entry, context)
            }
            return map
        }, write: { map, context in
            Node.mapping(Node.Mapping(map.keys.sorted().map { (scalar($0), element.write(map[$0]!, context)) }, Tag(.map), .flow))
        })
    }

    /// The same value, with a check on the whole of it.
    func checked(_ check: @escaping (Value, YAMLValue) throws(YAMLSourceError) -> Void) -> Self {
        let read = self.read
        return Self(read: { value, context throws(YAMLSourceError) in
            let parsed = try read(value, context)
            try check(parsed, value)
            return parsed
        }, write: write)
    }
}
