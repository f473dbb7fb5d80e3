/// The supervisor's decisions for one user-mode agent, as a small state
/// machine with no I/O: the host feeds it what happened and the simulated
/// time, and carries out the actions it returns. Tests drive it with plain
/// times.
///
/// - Restarts follow Erlang's intensity and period: at most `max` restarts in
///   any `window`; the first restart is immediate, later ones wait an
///   exponentially growing backoff. One failure more and the agent is
///   permanently failed; the host runs on without it.
/// - Content rollback and quarantine follow the osquery watcher's query
///   denylist: if the agent dies within `rollbackWindow` of loading an update,
///   the update's SHA-256 is quarantined, the agent restarts on the last
///   known-good content, and a later delivery of the same digest is refused.
///   A failure on known-good content quarantines nothing and only counts
///   against the restart budget, so the two mechanisms cannot loop.
public final class AgentSupervisor {
    public enum State: Equatable, Sendable {
        case notStarted
        case running(since: SimulatedTime)
        case restarting(at: SimulatedTime)
        case permanentlyFailed(since: SimulatedTime)
    }

    public enum Action: Equatable, Sendable {
        /// Start the agent process with this content.
        case launch([ContentUpdate])
        /// Give the running agent this update.
        case deliver(ContentUpdate)
        case record(HostEvent)
    }

    public let name: String
    public let restart: RestartSettings
    public let rollbackWindow: SimulatedTime
    public private(set) var state: State = .notStarted
    public private(set) var restarts = 0
    public private(set) var rollbacks = 0
    /// Quarantined digests, with the reason.
    public private(set) var quarantined: [String: String]
    /// Content proven harmless, by channel.
    public private(set) var knownGood: [UInt32: ContentUpdate]
    /// The newest update, until it has survived the rollback window.
    public private(set) var candidate: (content: ContentUpdate, loadedAt: SimulatedTime)?
    private var restartTimes: [SimulatedTime] = []
    private var consecutiveFailures = 0

    public init(name: String, restart: RestartSettings, rollbackWindow: SimulatedTime, content: [ContentUpdate],
                quarantined: [String: String] = [:]) {
        self.name = name
        self.restart = restart
        self.rollbackWindow = rollbackWindow
        self.knownGood = Dictionary(content.map { ($0.channel, $0) }, uniquingKeysWith: { $1 })
        self.quarantined = quarantined
    }

    /// The content the agent should run now: known-good, plus the candidate.
    public var currentContent: [ContentUpdate] {
        var content = knownGood
        if let candidate { content[candidate.content.channel] = candidate.content }
        return content.keys.sorted().map { content[$0]! }
    }

    public var isRunning: Bool { if case .running = state { true } else { false } }

    /// When a restart is due, if one is.
    public var restartDue: SimulatedTime? { if case .restarting(let at) = state { at } else { nil } }

    /// Starts the agent for the first time.
    public func start(now: SimulatedTime) -> [Action] {
        state = .running(since: now)
        return [.launch(currentContent)]
    }

    /// An update arrives from the cloud.
    public func deliver(_ content: ContentUpdate, now: SimulatedTime) -> [Action] {
        if let reason = quarantined[content.digest] {
            return [.record(.updateRefused(agent: name, update: content.update, digest: content.digest, reason: reason))]
        }
        if let candidate { knownGood[candidate.content.channel] = candidate.content }  // it survived until the next one
        candidate = (content, now)
        return isRunning ? [.deliver(content)] : []
    }

    /// The agent process ended or was killed.
    public func failed(_ failure: AgentFailure, now: SimulatedTime) -> [Action] {
        guard isRunning else { return [] }
        var failure = failure
        failure.update = failure.update ?? candidate?.content.update
        var actions: [Action] = [.record(.agentFailure(agent: name, failure))]

        if let candidate, now - candidate.loadedAt <= rollbackWindow {
            let reason = "agent \(name) failed (\(failure.kind.rawValue)) \(now - candidate.loadedAt) after loading it"
            quarantined[candidate.content.digest] = reason
            rollbacks += 1
            actions += [
                .record(.quarantine(agent: name, update: candidate.content.update, channel: candidate.content.channel,
                                    digest: candidate.content.digest, reason: reason)),
                .record(.rollback(agent: name, update: candidate.content.update, channel: candidate.content.channel,
                                  knownGood: knownGood[candidate.content.channel]?.digest)),
            ]
            self.candidate = nil
        }

        restartTimes.removeAll { now - $0 > restart.window }
        if restartTimes.count >= restart.max {
            state = .permanentlyFailed(since: now)
            let reason = "\(restartTimes.count) restarts within \(restart.window)"
            return actions + [.record(.agentPermanentlyFailed(agent: name, restarts: restarts, reason: reason))]
        }
        // The first restart is immediate; each further consecutive failure doubles the wait.
        let delay = consecutiveFailures == 0
            ? SimulatedTime.zero : min(restart.maxBackoff, restart.backoff * (1 << Int64(min(consecutiveFailures - 1, 30))))
        consecutiveFailures += 1
        state = .restarting(at: now + delay)
        return actions
    }

    /// The agent answered: it is healthy now.
    public func healthy(now: SimulatedTime) {
        if case .running(let since) = state, now - since >= restart.backoff * 10 { consecutiveFailures = 0 }
    }

    /// Time passes: restart when the backoff is over; promote a candidate
    /// that survived its window.
    public func tick(now: SimulatedTime) -> [Action] {
        if let candidate, isRunning, now - candidate.loadedAt > rollbackWindow {
            knownGood[candidate.content.channel] = candidate.content
            self.candidate = nil
        }
        guard case .restarting(let at) = state, now >= at else { return [] }
        restartTimes.append(now)
        restarts += 1
        state = .running(since: now)
        return [.record(.agentRestart(agent: name, restarts: restarts)), .launch(currentContent)]
    }
}
