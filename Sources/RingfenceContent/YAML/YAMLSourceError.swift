/// An error in a YAML source file (content rules, template definitions,
/// scenarios), naming the file, the key path and the line, as in
/// `Scenarios/x.yaml:12:7: agents[0].limits.memory: expected a size like 256MiB`.
public struct YAMLSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let path: String
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(file: String, path: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return path.isEmpty ? "\(place): \(message)" : "\(place): \(path): \(message)"
    }
}
