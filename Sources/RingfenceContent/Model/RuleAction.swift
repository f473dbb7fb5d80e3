/// What a sensor does when a template instance matches an event.
///
/// `alert` and `block` are ordinary detections. The other two exist because
/// real sensors also *act* on what they match, and those acts are where faults
/// hide: `collectFile` opens the file named by the event (a syscall the user-mode
/// sandbox forbids), and `captureField` copies the matched field into a fixed
/// scratch buffer (which the unsafe interpreter does without a bounds check).
public enum RuleAction: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case alert = 0
    case block = 1
    case collectFile = 2
    case captureField = 3

    public var description: String {
        switch self {
        case .alert: "alert"
        case .block: "block"
        case .collectFile: "collect-file"
        case .captureField: "capture-field"
        }
    }

    /// collect-file and capture-field do something besides the verdict.
    public var hasEffect: Bool { self == .collectFile || self == .captureField }

    public init?(name: String) {
        guard let action = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = action
    }
}
