import RingfenceContent
import RingfenceHost

/// What the lab does after a host crash, before the next boot.
public enum RecoveryAction: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Nothing: boot again and hope.
    case none
    /// After a boot loop: boot with third-party drivers off, delete the
    /// faulting channel file (`del C-00000291*`), then boot normally.
    case safeMode = "safe-mode"
    /// The cloud's fix is on disk before the driver loads at the next boot.
    case remoteFix = "remote-fix"
    /// At each boot, the cloud's denylist races the driver; it wins with the
    /// configured probability (seeded), and then the faulting file is skipped.
    case knownBadList = "known-bad-list"

    public var description: String { rawValue }
}

/// Boots, recovery and what downtime costs, on the simulated clock. The
/// defaults are the scenario format's.
public struct BootSettings: Codable, Hashable, Sendable {
    /// Normal boots at most; a safe-mode repair boot is not counted.
    public var maxBoots = 4
    public var recovery: RecoveryAction = .none
    /// Chance (seeded) that the cloud's denylist beats the driver at a boot.
    public var knownBadListWin = 0.3
    /// Downtime per crash: the bugcheck, the dump, the reboot, until events flow again.
    public var reboot: SimulatedTime = .seconds(60)
    /// The hands-on safe-mode repair, on top of the reboot.
    public var safeModeRepair: SimulatedTime = .minutes(15)

    public init() {}
}

/// A content update the cloud delivers during a trial.
public struct ScheduledUpdate: Hashable, Sendable {
    /// Simulated time from the trial's start.
    public var at: SimulatedTime
    public var channel: UInt32
    public var bytes: [UInt8]
    /// The content's file name.
    public var label: String
    /// The catalog fault applied to it, if any.
    public var fault: Fault?

    public init(at: SimulatedTime, channel: UInt32, bytes: [UInt8], label: String, fault: Fault?) {
        self.at = at
        self.channel = channel
        self.bytes = bytes
        self.label = label
        self.fault = fault
    }
}

/// One trial, ready to run: a host with its agents, its starting content, the
/// updates the cloud pushes, the validator that checks them first, and how
/// boots recover. Made from a ``Scenario`` (``Scenario/trial()``).
public struct TrialSettings: Sendable {
    public var name: String
    public var seed: UInt64
    public var host: HostSettings
    public var boot: BootSettings
    public var validator: ValidatorMode
    public var definitions: TemplateDefinitions?
    public var agents: [AgentConfiguration]
    /// Channel files on the host's disk before the first boot.
    public var baseline: [[UInt8]]
    public var updates: [ScheduledUpdate]

    public init(name: String, seed: UInt64, host: HostSettings, boot: BootSettings, validator: ValidatorMode,
                definitions: TemplateDefinitions?, agents: [AgentConfiguration], baseline: [[UInt8]], updates: [ScheduledUpdate]) {
        self.name = name
        self.seed = seed
        self.host = host
        self.boot = boot
        self.validator = validator
        self.definitions = definitions
        self.agents = agents
        self.baseline = baseline
        self.updates = updates
    }

    /// The sensors the cloud's validator checks against: every agent's, for
    /// an update must be safe for each sensor it reaches.
    public var sensors: [SensorTemplates] {
        var seen: [[String: Int]] = []
        return agents.compactMap { agent in
            guard !seen.contains(agent.supplies) else { return nil }
            seen.append(agent.supplies)
            return agent.sensor
        }
    }
}
