import RingfenceContent
import RingfenceHost
import RingfenceSandbox
import RingfenceSensor
import RingfenceSystem

/// A scenario file, decoded (DESIGN.md section 6; docs/scenarios.md). Paths
/// are already resolved against the scenario file's folder. The defaults of
/// every key are the property initializers here and in the settings types
/// (``HostSettings``, ``BootSettings``, ``AgentConfiguration``): the decoder
/// starts from them, the bundle writer writes them out, and nothing else
/// repeats them.
public struct Scenario: Sendable {
    public struct Update: Sendable {
        /// Simulated time from the trial's start.
        public var at: SimulatedTime = .zero
        /// A rules file (YAML) or a channel file.
        public var content = ""
        public var fault: Fault?
        public var options = FaultOptions()

        public init() {}
    }

    public struct Expectations: Sendable {
        public var outcome: Outcome?
        public var hostSurvived: Bool?
        public var hostCrashes: Int?
        public var bugcheck: Bugcheck?
        public var recovered: Bool?
        public var maxRestarts: Int?
        public var minDetectionRate: Double?
        public var maxMissed: Int?
        public var failureKind: AgentFailure.Kind?
        public var signal: Signal?
        public var syscall: String?
        public var quarantined: Bool?
        public var permanentlyFailed: Bool?

        public init() {}
    }

    /// The file it came from.
    public var file: String
    public var name: String
    public var description = ""
    public var seed: UInt64 = 0
    public var host = HostSettings()
    public var boot = BootSettings()
    public var validator: ValidatorMode = .buggy
    public var agents: [AgentConfiguration] = []
    public var templates: String?
    public var baseline: [String] = []
    public var updates: [Update] = []
    public var expect = Expectations()

    public init(file: String, name: String) {
        self.file = file
        self.name = name
    }

    /// An agent as a scenario's `agents:` entry starts before its keys are
    /// read: the default profile is the shipped agent.json.
    static func defaultAgent(reading context: ScenarioReading) -> AgentConfiguration {
        AgentConfiguration(name: "", profile: ShippedProfiles.path(named: "agent") ?? context.resolve("../Sandbox/profiles/agent.json"))
    }

    // MARK: - Matrix variations

    /// Settings `ringfence matrix --vary` can change, each with its choices.
    public enum Variable: String, CaseIterable, Sendable {
        case isolation, interpreter, validator, failMode, recovery

        public var choices: [String] {
            switch self {
            case .isolation: Isolation.allCases.map(\.rawValue)
            case .interpreter: InterpreterKind.allCases.map(\.rawValue)
            case .validator: ValidatorMode.allCases.map(\.rawValue)
            case .failMode: FailMode.allCases.map(\.rawValue)
            case .recovery: RecoveryAction.allCases.map(\.rawValue)
            }
        }
    }

    /// The current value of a variable (the first agent's, for agent settings).
    public func value(of variable: Variable) -> String? {
        switch variable {
        case .isolation: agents.first?.isolation.rawValue
        case .interpreter: agents.first?.interpreter.rawValue
        case .failMode: agents.first?.failMode.rawValue
        case .validator: validator.rawValue
        case .recovery: boot.recovery.rawValue
        }
    }

    /// A variation of one setting, as `ringfence matrix --vary` gives it (every agent's, for agent settings).
    public mutating func apply(_ variable: Variable, _ value: String) throws(ScenarioError) {
        func word<T: RawRepresentable>(_ type: T.Type) throws(ScenarioError) -> T where T.RawValue == String {
            guard let parsed = T(rawValue: value) else {
                throw ScenarioError(message: "--vary \(variable.rawValue): '\(value)' is not one of \(variable.choices.joined(separator: ", "))")
            }
            return parsed
        }
        switch variable {
        case .isolation: let isolation = try word(Isolation.self); for index in agents.indices { agents[index].isolation = isolation }
        case .interpreter: let kind = try word(InterpreterKind.self); for index in agents.indices { agents[index].interpreter = kind }
        case .failMode: let mode = try word(FailMode.self); for index in agents.indices { agents[index].failMode = mode }
        case .validator: validator = try word(ValidatorMode.self)
        case .recovery: boot.recovery = try word(RecoveryAction.self)
        }
    }
}

/// A scenario problem that is not tied to a line (a --vary value, say).
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
