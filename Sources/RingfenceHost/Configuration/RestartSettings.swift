/// Erlang-style restart intensity: at most `max` restarts within `window`,
/// the first at once, later ones after a backoff that doubles from `backoff`
/// up to `maxBackoff`. All on the simulated clock.
public struct RestartSettings: Codable, Hashable, Sendable {
    public var max = 5
    public var window: SimulatedTime = .seconds(10)
    public var backoff: SimulatedTime = .milliseconds(10)
    public var maxBackoff: SimulatedTime = .seconds(1)

    public init() {}

    public init(max: Int, window: SimulatedTime, backoff: SimulatedTime, maxBackoff: SimulatedTime) {
        self.max = max
        self.window = window
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }
}
