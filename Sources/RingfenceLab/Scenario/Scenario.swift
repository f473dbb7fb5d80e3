import RingfenceContent
import RingfenceHost
import RingfenceSensor

/// A scenario file, decoded (DESIGN.md section 6). Paths are already resolved
/// against the scenario file's folder.
public struct Scenario: Sendable {
    public struct Update: Sendable {
        public var at: Double
        /// A rules file (YAML) or a channel file.
        public var content: String
        public var fault: Fault?
        public var options: FaultOptions
    }

    public struct Expectations: Sendable {
        public var outcome: Outcome?
        public var hostSurvived: Bool?
        public var maxRestarts: Int?
        public var minDetectionRate: Double?
        public var hostCrashes: Int?
        public var bugcheck: Bugcheck?
        public var recovered: Bool?
        public var failureKind: AgentFailure.Kind?
        public var syscall: String?
        public var signal: String?
        public var quarantined: Bool?
        public var maxMissed: Int?
        public var permanentlyFailed: Bool?
    }

    /// The file it came from.
    public var file: String
    public var name: String
    public var description: String
    public var seed: UInt64
    public var duration: Double
    public var eventRate: Int
    public var mix: [String: Double]
    public var malicious: Double
    public var watchdog: Double
    public var hostMemory: Int
    public var boot: BootSettings
    public var validator: ValidatorMode
    public var agents: [AgentConfiguration]
    public var templates: String?
    public var baseline: [String]
    public var updates: [Update]
    public var expect: Expectations

    /// The current value of a `--vary` key (the first agent's, for agent settings).
    public func value(of key: String) -> String? {
        switch key {
        case "isolation": agents.first?.isolation.rawValue
        case "interpreter": agents.first?.interpreter.rawValue
        case "failMode": agents.first?.failMode.rawValue
        case "validator": validator.rawValue
        case "recovery": boot.recovery.rawValue
        default: nil
        }
    }

    /// A variation of one setting, as `ringfence matrix --vary` gives it.
    public mutating func apply(_ key: String, _ value: String) throws(ScenarioError) {
        func word<T: RawRepresentable>(_ type: T.Type) throws(ScenarioError) -> T where T.RawValue == String {
            guard let parsed = T(rawValue: value) else { throw ScenarioError(message: "--vary \(key): '\(value)' is not a valid value") }
            return parsed
        }
        switch key {
        case "isolation": let isolation = try word(Isolation.self); for index in agents.indices { agents[index].isolation = isolation }
        case "interpreter": let kind = try word(InterpreterKind.self); for index in agents.indices { agents[index].interpreter = kind }
        case "failMode": let mode = try word(FailMode.self); for index in agents.indices { agents[index].failMode = mode }
        case "validator": validator = try word(ValidatorMode.self)
        case "recovery": boot.recovery = try word(RecoveryAction.self)
        default: throw ScenarioError(message: "--vary: unknown key '\(key)' (isolation, interpreter, validator, failMode, recovery)")
        }
    }
}

/// A scenario problem that is not tied to a line (a --vary value, say).
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
