/// The template types compiled into Ringfence's built-in sensor.
///
/// Field lists follow what a Windows endpoint sensor can observe for each event
/// kind. The IPC (named pipe) type supplies exactly 20 fields, as the sensor
/// did in July 2024; the cloud's definitions for it declare 21.
public struct SensorTemplates: Sendable {
    public let types: [TemplateType]

    public init(types: [TemplateType]) { self.types = types }

    public func type(_ id: TemplateTypeID) -> TemplateType? { types.first { $0.id == id } }
    public func type(named name: String) -> TemplateType? { types.first { $0.name == name } }

    /// Fields the sensor supplies for a type, or nil for a type it does not know.
    public func suppliedFieldCount(_ id: TemplateTypeID) -> Int? { type(id)?.suppliedFieldCount }

    /// The same sensor, but supplying a different number of fields for some types
    /// (scenarios use this to model a sensor build that supplies 21 fields).
    /// Extra fields are named `fieldN`; fewer fields truncate the list.
    public func supplying(_ counts: [TemplateTypeID: Int]) -> SensorTemplates {
        SensorTemplates(types: types.map { type in
            guard let count = counts[type.id], count != type.fields.count else { return type }
            let fields = (0..<count).map { type.fieldName(at: $0) }
            return TemplateType(id: type.id, name: type.name, fields: fields)
        })
    }

    public static let builtIn = SensorTemplates(types: [.ipc, .process, .file, .network])
}

extension TemplateType {
    /// Named-pipe activity: one event per pipe create or connect.
    public static let ipc = TemplateType(id: .ipc, name: "ipc", fields: [
        "pipe_name", "operation", "client_pid", "client_image", "client_command_line",
        "client_parent_image", "client_user", "client_integrity_level", "client_session_id",
        "client_image_sha256", "client_signer", "server_pid", "server_image", "server_user",
        "server_integrity_level", "access_mask", "pipe_mode", "max_instances",
        "remote_host", "impersonation_level",
    ])

    /// Process creation.
    public static let process = TemplateType(id: .process, name: "process", fields: [
        "image", "command_line", "pid", "parent_pid", "parent_image", "parent_command_line",
        "user", "integrity_level", "session_id", "image_sha256", "signer",
        "current_directory", "logon_id", "token_elevation",
    ])

    /// File writes, renames and deletes.
    public static let file = TemplateType(id: .file, name: "file", fields: [
        "operation", "path", "extension", "process_image", "process_pid", "user",
        "size", "sha256", "volume", "is_executable", "zone_identifier", "previous_path",
    ])

    /// Network connections.
    public static let network = TemplateType(id: .network, name: "network", fields: [
        "direction", "protocol", "local_address", "local_port", "remote_address",
        "remote_port", "remote_hostname", "process_image", "process_pid", "user",
        "process_sha256", "tls_sni",
    ])
}
