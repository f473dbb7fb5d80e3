/// A description of a channel file for `ringfence content inspect`, as a
/// value that renders to text for people and encodes to JSON for tools.
public struct ChannelInspection: Codable, Hashable, Sendable {
    public struct Criterion: Codable, Hashable, Sendable {
        /// 1-based, as the incident report counts fields.
        public let field: Int
        public let name: String
        /// False when the sensor does not supply this field (field 21 of IPC).
        public let supplied: Bool
        public let expression: String
    }

    public struct Instance: Codable, Hashable, Sendable {
        public let id: UInt32
        public let action: String
        public let offset: Int
        public let nodes: Int
        /// Non-wildcard criteria only; every other field is "*".
        public let criteria: [Criterion]
    }

    public let file: String
    public let size: Int
    public let formatVersion: Int
    public let channel: UInt32
    public let templateType: Int
    public let templateName: String
    public let declaredFieldCount: Int
    public let suppliedFieldCount: Int?
    public let contentVersion: UInt64
    public let checksum: String
    public let sha256: String
    public let instances: [Instance]

    public init(_ channel: ChannelFile, file: String, sensor: SensorTemplates = .builtIn) {
        let type = sensor.type(channel.header.templateType)
        self.file = file
        size = channel.bytes.count
        formatVersion = Int(channel.header.formatVersion)
        self.channel = channel.header.channel
        templateType = Int(channel.header.templateType.rawValue)
        templateName = type?.name ?? "unknown"
        declaredFieldCount = Int(channel.header.declaredFieldCount)
        suppliedFieldCount = type?.suppliedFieldCount
        contentVersion = channel.header.contentVersion
        checksum = channel.header.checksum.description
        sha256 = ContentDigest.sha256Hex(channel.bytes)
        instances = channel.instances.map { instance in
            let text = CriterionText(file: channel, instance: instance)
            return Instance(id: instance.id, action: instance.action.description, offset: instance.offset,
                            nodes: instance.nodes.count,
                            criteria: instance.constrainedFields.map { field in
                                Criterion(field: field + 1, name: type?.fieldName(at: field) ?? "field\(field + 1)",
                                          supplied: field < (type?.suppliedFieldCount ?? Int.max),
                                          expression: text.render(field: field))
                            })
        }
    }

    /// The human-readable dump.
    public var text: String {
        var lines = ["\(file): channel file format v\(formatVersion), \(size) bytes, sha256 \(sha256.prefix(16))…"]
        let supplied = suppliedFieldCount.map { "\($0)" } ?? "?"
        lines.append("  channel \(channel), template type \(templateName) (\(templateType)), "
            + "\(declaredFieldCount) declared fields, sensor supplies \(supplied)")
        lines.append("  content version \(contentVersion), \(instances.count) instances, trailer \(checksum)")
        for instance in instances {
            lines.append("  instance \(instance.id) [\(instance.action)] at offset \(instance.offset), \(instance.nodes) nodes")
            for criterion in instance.criteria {
                let warning = criterion.supplied ? "" : "  <-- the sensor does not supply this field"
                lines.append("    field \(criterion.field) \(criterion.name): \(criterion.expression)\(warning)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
