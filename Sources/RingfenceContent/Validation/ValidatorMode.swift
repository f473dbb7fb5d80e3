/// How the cloud-side Content Validator checks an update before deployment.
public enum ValidatorMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// No validation: every update ships.
    case off
    /// The validator as it should have been.
    case on
    /// The July 2024 validator: correct except for its logic error, which let
    /// non-wildcard criteria beyond the sensor's supplied field count through.
    case buggy

    public var description: String { rawValue }
}

/// Bounds the `on` validator enforces; tighter than what the parser accepts.
public struct ValidatorLimits: Equatable, Sendable {
    public var maxFileSize = 4 << 20
    public var maxInstances = 10_000
    public var maxNodesPerInstance = 1_024
    public var maxDepth = 32
    public var maxEvaluationSteps = 4_096
    public var maxLiteralLength = 4_096
    public var regex = RegexLimits.standard

    public init() {}
    public static let standard = ValidatorLimits()
}
