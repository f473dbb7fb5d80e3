/// The cloud's template definitions: for each template type, how many input
/// fields content may use.
///
/// This is the half of the July 19 defect that lived in the content pipeline:
/// the IPC type was defined with 21 fields while the sensor supplied 20. The
/// definitions are loaded from YAML (`Scenarios/content/templates.yaml`).
public struct TemplateDefinitions: Hashable, Sendable {
    public struct Definition: Hashable, Sendable {
        public let name: String
        public let id: TemplateTypeID
        public let fieldCount: Int

        public init(name: String, id: TemplateTypeID, fieldCount: Int) {
            self.name = name
            self.id = id
            self.fieldCount = fieldCount
        }
    }

    public let definitions: [Definition]

    public init(_ definitions: [Definition]) { self.definitions = definitions }

    public func definition(_ id: TemplateTypeID) -> Definition? { definitions.first { $0.id == id } }
    public func definition(named name: String) -> Definition? { definitions.first { $0.name == name } }

    /// Definitions that agree with the sensor exactly (what the pipeline should have had).
    public static func matching(_ sensor: SensorTemplates) -> TemplateDefinitions {
        TemplateDefinitions(sensor.types.map { Definition(name: $0.name, id: $0.id, fieldCount: $0.suppliedFieldCount) })
    }

    /// Reads a definitions file:
    ///
    ///     types:
    ///       ipc: { id: 1, fields: 21 }
    public static func load(_ path: String) throws(YAMLSourceError) -> TemplateDefinitions {
        let document = try StrictYAML(contentsOf: path)
        let top = try document.root.mapping(allowed: ["types"], required: ["types"])
        var definitions: [Definition] = []
        for (name, value) in try top.required("types").entries() {
            let entry = try value.mapping(allowed: ["id", "fields"], required: ["id", "fields"])
            let id = TemplateTypeID(rawValue: UInt16(try entry.required("id").int(in: 1...0xFFFF)))
            let fields = try entry.required("fields").int(in: 1...255)
            if definitions.contains(where: { $0.id == id }) {
                throw try entry.required("id").error("template type id \(id) is defined twice")
            }
            definitions.append(Definition(name: name, id: id, fieldCount: fields))
        }
        return TemplateDefinitions(definitions)
    }
}
