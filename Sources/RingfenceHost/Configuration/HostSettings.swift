import RingfenceContent
import RingfenceSensor

/// The simulated machine, as a scenario's `host:` section describes it. The
/// defaults are the scenario format's.
public struct HostSettings: Codable, Hashable, Sendable {
    /// How long a boot runs after the last update was delivered, or after it came up, whichever is later.
    public var duration: SimulatedTime = .seconds(2)
    /// CPU seconds the kernel may spend without getting back to its loop
    /// (DPC_WATCHDOG_VIOLATION). The host's CPU time: a loaded machine does not trip it.
    public var watchdog = 1.0
    /// The simulated machine's memory: RLIMIT_AS of the host process, bytes.
    public var memory = 4 << 30
    public var events = EventSettings()

    public init() {}
}

/// The telemetry a host's kernel produces.
public struct EventSettings: Codable, Hashable, Sendable {
    /// Events per simulated second.
    public var rate = 20_000
    /// Share of each event type, by template type name.
    public var mix: [String: Double] = ["ipc": 0.4, "process": 0.3, "file": 0.2, "network": 0.1]
    /// Share of events that are malicious (ground truth for detection).
    public var malicious = 0.01

    public init() {}

    public var eventMix: EventMix {
        var weights: [TemplateTypeID: Double] = [:]
        for (name, weight) in mix {
            if let type = SensorTemplates.builtIn.type(named: name) { weights[type.id] = weight }
        }
        return EventMix(weights: weights, malicious: malicious)
    }
}
