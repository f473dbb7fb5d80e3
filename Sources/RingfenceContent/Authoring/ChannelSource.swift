import Foundation
import RingfenceSystem

/// Compiles a channel's YAML source into a ``ChannelDraft``.
///
///     channel: 291
///     template: ipc
///     templates: templates.yaml      # definitions: the declared field count
///     version: 7                     # content version
///     checksum: crc32c               # none | crc32c | sha256
///     extends: ipc-baseline.yaml     # optional: start from that file's instances
///     instances:
///       - id: 101
///         description: Cobalt Strike SMB beacon pipe
///         action: alert              # alert | block | collect-file | capture-field
///         match:
///           pipe_name: { regex: '\\pipe\\MSSE-\d+-server$' }
///           field21: "*"
///
/// Fields are named as the sensor names them; fields the sensor does not supply
/// (beyond its count, up to the declared count) are named `fieldN`, 1-based.
/// Fields not listed are wildcards. Paths are relative to the source file.
public enum ChannelSource {
    /// With `confinement`, the `templates:` and `extends:` files must lie
    /// inside its folders (a scenario's tree): a rules file cannot make the
    /// lab read /etc/passwd.
    public static func compile(_ path: String, sensor: SensorTemplates = .builtIn,
                               confinement: PathConfinement? = nil) throws(YAMLSourceError) -> ChannelDraft {
        try compile(path, sensor: sensor, depth: 0, confinement: confinement)
    }

    /// `value`'s file, resolved against `path`'s folder, and admitted by `confinement`.
    private static func referencedFile(_ value: YAMLValue, from path: String, confinement: PathConfinement?) throws(YAMLSourceError) -> String {
        let resolved = resolve(try value.string(), relativeTo: path)
        guard let confinement else { return resolved }
        do { return try confinement.admit(resolved) } catch { throw value.error(error.description) }
    }

    static let keys = ["channel", "template", "templates", "version", "checksum", "extends", "description", "instances"]

    private static func compile(_ path: String, sensor: SensorTemplates, depth: Int,
                                confinement: PathConfinement?) throws(YAMLSourceError) -> ChannelDraft {
        let document = try StrictYAML(contentsOf: path)
        let top = try document.root.mapping(allowed: keys, required: ["channel", "template", "templates"])
        let channel = UInt32(try top.required("channel").int(in: 1...0xFFFF_FFFF))
        let templateValue = try top.required("template")
        guard let type = sensor.type(named: try templateValue.string()) else {
            throw templateValue.error("unknown template type; the sensor knows: \(sensor.types.map(\.name).joined(separator: ", "))")
        }
        let definitionsValue = try top.required("templates")
        let definitions = try TemplateDefinitions.load(try referencedFile(definitionsValue, from: path, confinement: confinement))
        guard let definition = definitions.definition(named: type.name) else {
            throw definitionsValue.error("the definitions do not declare template type '\(type.name)'")
        }
        let version = UInt64(try top["version"]?.int(in: 0...Int.max) ?? 1)
        let checksum = try top["checksum"].map { value throws(YAMLSourceError) in
            try value.choice(["none": ChannelChecksum.none, "crc32c": .crc32c, "sha256": .sha256])
        } ?? .crc32c

        var draft = ChannelDraft(channel: channel, templateType: type.id, declaredFieldCount: definition.fieldCount,
                                 contentVersion: version, checksum: checksum, instances: [])
        if let extendsValue = top["extends"] {
            guard depth < 4 else { throw extendsValue.error("'extends' chains deeper than 4 files") }
            let base = try compile(try referencedFile(extendsValue, from: path, confinement: confinement), sensor: sensor,
                                   depth: depth + 1, confinement: confinement)
            guard base.templateType == type.id else { throw extendsValue.error("extends a channel of another template type") }
            draft.instances = base.instances
            draft.widen(toFieldCount: definition.fieldCount)
        }
        for value in try top["instances"]?.sequence() ?? [] {
            let instance = try readInstance(value, type: type, declared: definition.fieldCount)
            if draft.instances.contains(where: { $0.id == instance.id }) {
                throw value.error("instance id \(instance.id) is used twice")
            }
            draft.instances.append(instance)
        }
        return draft
    }

    private static func readInstance(_ value: YAMLValue, type: TemplateType, declared: Int) throws(YAMLSourceError) -> InstanceDraft {
        let map = try value.mapping(allowed: ["id", "description", "action", "match"], required: ["id", "match"])
        let id = UInt32(try map.required("id").int(in: 0...0xFFFF_FFFF))
        let action = try map["action"]?.choice([
            "alert": RuleAction.alert, "block": .block, "collect-file": .collectFile, "capture-field": .captureField,
        ]) ?? .alert
        var criteria = [Criterion](repeating: .wildcard, count: declared)
        for (name, criterionValue) in try map.required("match").entries() {
            guard let field = fieldIndex(name, type: type), field < declared else {
                throw criterionValue.error("unknown field '\(name)' for template type \(type.name) "
                    + "(\(declared) declared fields; use a sensor field name or field1...field\(declared))")
            }
            criteria[field] = try CriterionSource.read(criterionValue)
        }
        return InstanceDraft(id: id, action: action, criteria: criteria)
    }

    /// A sensor field name, or `fieldN` (1-based).
    static func fieldIndex(_ name: String, type: TemplateType) -> Int? {
        if let index = type.fieldIndex(named: name) { return index }
        guard name.hasPrefix("field"), let number = Int(name.dropFirst(5)), number >= 1 else { return nil }
        return number - 1
    }

    /// Resolves `relative` against the folder of `file`.
    public static func resolve(_ relative: String, relativeTo file: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
    }
}
