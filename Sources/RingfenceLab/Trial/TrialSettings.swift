import RingfenceContent
import RingfenceHost

/// What the lab does after a host crash, before the next boot.
public enum RecoveryAction: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Nothing: boot again and hope.
    case none
    /// After a boot loop: boot with third-party drivers off, delete the bad
    /// channel file (`del C-00000291*`), then boot normally.
    case safeMode = "safe-mode"
    /// The fixed content is on disk before the driver loads at the next boot.
    case remoteFix = "remote-fix"
    /// At each boot, the cloud's denylist races the driver; it wins with the
    /// configured probability (seeded), and then the bad file is skipped.
    case knownBadList = "known-bad-list"

    public var description: String { rawValue }
}

/// Boots, recovery and what downtime costs. The durations are simulated
/// (they are added up, not slept): a bugcheck and reboot, and the hands-on
/// safe-mode repair that July 19 made familiar.
public struct BootSettings: Codable, Hashable, Sendable {
    public var maxBoots: Int
    public var recovery: RecoveryAction
    public var knownBadListWinProbability: Double
    public var rebootSeconds: Double
    public var safeModeRepairSeconds: Double

    public init(maxBoots: Int = 4, recovery: RecoveryAction = .none, knownBadListWinProbability: Double = 0.3,
                rebootSeconds: Double = 60, safeModeRepairSeconds: Double = 900) {
        self.maxBoots = maxBoots
        self.recovery = recovery
        self.knownBadListWinProbability = knownBadListWinProbability
        self.rebootSeconds = rebootSeconds
        self.safeModeRepairSeconds = safeModeRepairSeconds
    }
}

/// A content update the cloud delivers during a trial.
public struct ScheduledUpdate: Hashable, Sendable {
    /// Seconds after the boot it is delivered in has started.
    public var at: Double
    public var channel: UInt32
    public var bytes: [UInt8]
    public var label: String
    /// The catalog fault it carries, if any (for reports).
    public var fault: String?
    /// What the remote fix puts on disk for this channel (the channel's last good content).
    public var fix: [UInt8]?

    public init(at: Double, channel: UInt32, bytes: [UInt8], label: String, fault: String? = nil, fix: [UInt8]? = nil) {
        self.at = at
        self.channel = channel
        self.bytes = bytes
        self.label = label
        self.fault = fault
        self.fix = fix
    }
}

/// One trial: a host with its agents, its starting content, the updates the
/// cloud pushes, the validator that checks them first, and how boots recover.
public struct TrialSettings: Sendable {
    public var name: String
    public var seed: UInt64
    /// How long the host runs after the last update, seconds.
    public var duration: Double
    public var eventRate: Int
    public var mix: [String: Double]
    public var malicious: Double
    public var watchdogSeconds: Double
    public var boot: BootSettings
    public var validator: ValidatorMode
    public var definitions: TemplateDefinitions?
    public var agents: [AgentConfiguration]
    /// Channel files on the host's disk before the first boot.
    public var baseline: [[UInt8]]
    public var updates: [ScheduledUpdate]

    public init(name: String, seed: UInt64, duration: Double = 2, eventRate: Int = 20_000,
                mix: [String: Double] = ["ipc": 0.4, "process": 0.3, "file": 0.2, "network": 0.1], malicious: Double = 0.01,
                watchdogSeconds: Double = 1, boot: BootSettings = BootSettings(), validator: ValidatorMode = .buggy,
                definitions: TemplateDefinitions? = nil, agents: [AgentConfiguration], baseline: [[UInt8]], updates: [ScheduledUpdate]) {
        self.name = name
        self.seed = seed
        self.duration = duration
        self.eventRate = eventRate
        self.mix = mix
        self.malicious = malicious
        self.watchdogSeconds = watchdogSeconds
        self.boot = boot
        self.validator = validator
        self.definitions = definitions
        self.agents = agents
        self.baseline = baseline
        self.updates = updates
    }
}
