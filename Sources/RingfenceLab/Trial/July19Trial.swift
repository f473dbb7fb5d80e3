import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSensor

/// The July 19 trial as a scenario: the four standard baseline channels on
/// disk and the channel 291 update (or any other content, with or without a
/// catalog fault) pushed by the cloud. The building block of `ringfence host
/// run` and the demo. Every setting it does not name keeps the scenario
/// format's default: it is a scenario like any other.
public struct July19Trial {
    public var contentDirectory: String
    public var profile: String
    public var isolation: Isolation = .kernel
    public var interpreter: InterpreterKind = .unsafe
    /// The update: a rules file (YAML) or a channel file; the July 19 update by default.
    public var updateSource: String?
    /// A catalog fault applied to the update first; none by default (the July 19 update needs none).
    public var fault: Fault?
    public var updateAt: SimulatedTime = .milliseconds(200)
    public var duration: SimulatedTime = .seconds(1)
    /// Events per simulated second; the scenario format's default when nil.
    public var eventRate: Int?
    public var validator: ValidatorMode = .buggy
    public var boot: BootSettings = {
        var boot = BootSettings()
        boot.recovery = .safeMode
        return boot
    }()
    public var failMode: FailMode = .open
    public var seed: UInt64 = 291

    public init(contentDirectory: String, profile: String) {
        self.contentDirectory = contentDirectory
        self.profile = profile
    }

    public func scenario(name: String) -> Scenario {
        var scenario = Scenario(file: "\(contentDirectory)/\(name).yaml", name: name)
        scenario.description = "The July 19 update, the sensor in \(isolation) mode with the \(interpreter) interpreter"
        scenario.seed = seed
        scenario.host.duration = duration
        if let eventRate { scenario.host.events.rate = eventRate }
        scenario.boot = boot
        scenario.validator = validator
        var agent = AgentConfiguration(name: "sensor", profile: profile)
        agent.isolation = isolation
        agent.interpreter = interpreter
        agent.failMode = failMode
        scenario.agents = [agent]
        scenario.templates = "\(contentDirectory)/templates.yaml"
        scenario.baseline = StandardRuleSet.sources.map { "\(contentDirectory)/\($0)" }
        var update = Scenario.Update()
        update.at = updateAt
        update.content = updateSource ?? "\(contentDirectory)/ipc-update-291.yaml"
        update.fault = fault
        scenario.updates = [update]
        return scenario
    }

    public func settings(name: String) throws -> TrialSettings { try scenario(name: name).trial().settings }
}
