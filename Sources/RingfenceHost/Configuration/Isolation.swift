/// Where an agent runs.
public enum Isolation: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// In the host process, like a driver: its crash is the host's.
    case kernel
    /// In a sandboxed child under the host's supervisor.
    case user

    public var description: String { rawValue }
}

/// What happens to events while a user-mode agent is down.
public enum FailMode: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// They pass unscanned and are counted as missed.
    case open
    /// They are blocked and counted, which costs the host availability.
    case closed

    public var description: String { rawValue }
}
