import RingfenceContent

/// Everything one boot of a simulated host needs, written by the lab as JSON
/// before it starts the host process. The update schedule travels with it:
/// the host delivers each update itself, at its simulated time.
public struct HostConfiguration: Codable, Hashable, Sendable {
    public var seed: UInt64
    /// 1-based; a safe-mode boot has its own number.
    public var boot: Int
    /// Boot with third-party drivers off: no agent is loaded and no event flows.
    public var safeMode = false
    /// The simulated time at which this boot is up and events start to flow.
    public var bootAt: SimulatedTime
    /// How long a safe-mode boot lasts: the hands-on repair.
    public var safeModeStay: SimulatedTime = .zero
    /// When the last update was delivered, in an earlier boot; nil if none was.
    public var lastDelivery: SimulatedTime?
    public var host: HostSettings
    public var agents: [AgentConfiguration]
    /// Updates not yet delivered, in delivery order. One whose time falls
    /// before `bootAt` (the host was down) is delivered as the boot comes up.
    public var deliveries: [ScheduledDelivery]

    public init(seed: UInt64, boot: Int, bootAt: SimulatedTime, host: HostSettings, agents: [AgentConfiguration],
                deliveries: [ScheduledDelivery] = []) {
        self.seed = seed
        self.boot = boot
        self.bootAt = bootAt
        self.host = host
        self.agents = agents
        self.deliveries = deliveries
    }
}

/// One update the cloud delivers to a running host.
public struct ScheduledDelivery: Codable, Hashable, Sendable {
    /// 1-based, in the scenario's order.
    public var update: Int
    public var at: SimulatedTime
    public var channel: UInt32
    /// The staged file (the disk's `incoming/` folder), written by the lab.
    public var path: String
    /// The content's file name, for the records.
    public var label: String
    /// The catalog fault applied to it, if any.
    public var fault: Fault?

    public init(update: Int, at: SimulatedTime, channel: UInt32, path: String, label: String, fault: Fault?) {
        self.update = update
        self.at = at
        self.channel = channel
        self.path = path
        self.label = label
        self.fault = fault
    }
}
