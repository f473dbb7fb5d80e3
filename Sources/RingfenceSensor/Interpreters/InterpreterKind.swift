import RingfenceContent

/// The three ways an agent can read content, from the July 2024 design to the
/// remedies discussed afterwards.
public enum InterpreterKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Reads field N through a raw pointer with no bounds check (the real sensor).
    case unsafe
    /// Memory-safe Swift: the same read traps instead of reading wild memory.
    case checked
    /// Verifies content before use and at every access; disables what is bad.
    case resilient

    public var description: String { rawValue }

    /// A fresh interpreter of this kind for a sensor that supplies `sensor`'s fields.
    public func make(sensor: SensorTemplates = .builtIn) -> any ContentInterpreter {
        switch self {
        case .unsafe: UnsafeInterpreter(sensor: sensor)
        case .checked: CheckedInterpreter(sensor: sensor)
        case .resilient: ResilientInterpreter(sensor: sensor)
        }
    }
}
