/// The identifier of a template type, as written in a channel file header.
///
/// Template types are compiled into the sensor: they fix which input fields the
/// sensor supplies for each event of that kind. Content (template instances) is
/// written against a type, and the channel file names the type by this id.
public struct TemplateTypeID: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipc = TemplateTypeID(rawValue: 1)
    public static let process = TemplateTypeID(rawValue: 2)
    public static let file = TemplateTypeID(rawValue: 3)
    public static let network = TemplateTypeID(rawValue: 4)

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "\(rawValue)" }
}

/// A template type as the sensor implements it: a name and the ordered input
/// fields the sensor supplies for every event of this type.
///
/// The number of fields here is the *supplied* count. The cloud's template
/// definitions (``TemplateDefinitions``) declare an *expected* count, and on
/// July 19, 2024 the two disagreed for the IPC type: 21 declared, 20 supplied.
public struct TemplateType: Hashable, Sendable {
    public let id: TemplateTypeID
    public let name: String
    public let fields: [String]

    public init(id: TemplateTypeID, name: String, fields: [String]) {
        self.id = id
        self.name = name
        self.fields = fields
    }

    /// Number of input fields the sensor supplies per event.
    public var suppliedFieldCount: Int { fields.count }

    /// The 0-based position of a field by its name.
    public func fieldIndex(named name: String) -> Int? { fields.firstIndex(of: name) }

    /// A human name for a 0-based field position; positions the sensor does not
    /// supply are called `field21` and so on (1-based, as the incident report counts).
    public func fieldName(at index: Int) -> String {
        index >= 0 && index < fields.count ? fields[index] : "field\(index + 1)"
    }
}
