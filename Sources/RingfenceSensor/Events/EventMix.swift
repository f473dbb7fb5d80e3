import RingfenceContent

/// What a stream of telemetry is made of: the share of each event type and
/// the share of events that are malicious (ground truth for detection rates).
public struct EventMix: Hashable, Sendable {
    public var weights: [TemplateTypeID: Double]
    public var malicious: Double

    public init(weights: [TemplateTypeID: Double], malicious: Double) {
        self.weights = weights
        self.malicious = malicious
    }

    /// The scenario default: IPC-heavy, as a Windows host's named-pipe traffic is,
    /// with 1% malicious events.
    public static let standard = EventMix(weights: [.ipc: 0.4, .process: 0.3, .file: 0.2, .network: 0.1], malicious: 0.01)
    /// Only named-pipe events: every event exercises channel 291.
    public static let ipcOnly = EventMix(weights: [.ipc: 1], malicious: 0.01)
}
