import RingfenceContent

/// What a host tells the lab, as it happens, stamped with the simulated time.
/// The lab numbers each record and appends it to the trial's durable log,
/// so whatever a host said before it crashed is kept. Records are typed
/// values; JSON happens only on the pipe and in the log (``RecordFields``,
/// docs/records.md).
public struct HostRecord: Hashable, Sendable {
    public var time: SimulatedTime
    public var event: HostEvent

    public init(_ event: HostEvent, at time: SimulatedTime) {
        self.time = time
        self.event = event
    }
}

public enum BootMode: String, Codable, Hashable, Sendable {
    case normal
    case safeMode = "safe-mode"
}

/// What the boot record on the disk said about the boot before this one.
public struct PreviousBoot: Hashable, Sendable {
    public var number: Int
    public var mode: BootMode
    /// It never reached its shutdown: it crashed.
    public var crashed: Bool

    public init(number: Int, mode: BootMode, crashed: Bool) {
        self.number = number
        self.mode = mode
        self.crashed = crashed
    }
}

/// What an agent made of a channel file.
public enum ChannelLoad: Hashable, Sendable {
    /// Loaded; `disabled` instances were switched off (the resilient interpreter), `detail` says which and why.
    case loaded(channel: UInt32, instances: Int, disabled: Int, detail: String?)
    /// Refused as a whole (the parser or the interpreter said no); the old content stays.
    case refused(reason: String)

    /// The word a record says for each case.
    public enum Kind: String, Sendable {
        case loaded, refused
    }
}

/// An update as the cloud delivered it.
public struct UpdateDelivery: Hashable, Sendable {
    public var update: Int
    public var channel: UInt32
    public var digest: String
    /// The content's file name.
    public var label: String
    /// The catalog fault applied to it, if any.
    public var fault: Fault?

    public init(update: Int, channel: UInt32, digest: String, label: String, fault: Fault?) {
        self.update = update
        self.channel = channel
        self.digest = digest
        self.label = label
        self.fault = fault
    }
}

/// Facts of one particular run on one particular machine: never part of an
/// outcome, a count or an expectation (kept under `wall` in the JSON).
public struct WallFacts: Hashable, Sendable, Codable {
    public var pid: Int32?
    /// Launch request to a ready sandboxed child.
    public var launchMilliseconds: Double?

    public init(pid: Int32? = nil, launchMilliseconds: Double? = nil) {
        self.pid = pid
        self.launchMilliseconds = launchMilliseconds
    }
}

/// Everything a host reports.
public enum HostEvent: Hashable, Sendable {
    /// The kernel started.
    case booted(BootMode, previous: PreviousBoot?)
    /// The cloud pushed an update to the running host.
    case updateDelivered(UpdateDelivery)
    /// The kernel wrote an update to its disk (`file`: the channel file's name).
    case updateInstalled(update: Int, channel: UInt32, file: String)
    case channelLoaded(agent: String, update: Int?, ChannelLoad)
    /// The supervisor refused a quarantined digest.
    case updateRefused(agent: String, update: Int?, digest: String, reason: String)
    /// A user-mode agent process is up.
    case agentStarted(agent: String, wall: WallFacts)
    case agentFailure(agent: String, AgentFailure)
    case quarantine(agent: String, update: Int?, channel: UInt32, digest: String, reason: String)
    /// The agent goes back to the known-good content of `channel` (`knownGood`: its digest, nil for none).
    case rollback(agent: String, update: Int?, channel: UInt32, knownGood: String?)
    case agentRestart(agent: String, restarts: Int)
    /// The restart budget is spent; the host runs on without the agent.
    case agentPermanentlyFailed(agent: String, restarts: Int, reason: String)
    /// An agent answered a batch without scanning all of it: events lost for a
    /// reason other than downtime. It fails the scenario.
    case eventsDropped(agent: String, events: Int, scanned: Int)
    /// Running totals, every simulated second.
    case counts([AgentCounts])
    /// The boot ran to its end (final totals).
    case shutdown([AgentCounts])
    /// The kernel stops itself: it found its own state corrupted.
    case bugcheck(agent: String, Bugcheck, reason: String)
}
