import Foundation

/// The supervisor's decisions for one user-mode agent, as a small state
/// machine with no I/O: the host feeds it what happened and the time, and
/// carries out the actions it returns. Tests drive it with a fake clock.
///
/// - Restarts follow Erlang's intensity and period: at most `max` restarts in
///   any `window` seconds; the first restart is immediate, later ones wait an
///   exponentially growing backoff. One
///   failure more and the agent is permanently failed; the host runs on
///   without it.
/// - Content rollback and quarantine follow the osquery watcher's query
///   denylist: if the agent dies within `rollbackWindow` of loading an update,
///   the update's SHA-256 is quarantined, the agent restarts on the last
///   known-good content, and a later delivery of the same digest is refused.
///   A failure on known-good content quarantines nothing and only counts
///   against the restart budget, so the two mechanisms cannot loop.
public final class AgentSupervisor {
    public enum State: Equatable, Sendable {
        case notStarted
        case running(since: Double)
        case restarting(at: Double)
        case permanentlyFailed(since: Double)
    }

    public enum Action: Equatable, Sendable {
        /// Start the agent process with this content.
        case launch([ContentUpdate])
        /// Give the running agent this update.
        case deliver(ContentUpdate)
        case record(HostRecord)
    }

    public let name: String
    public let restart: RestartSettings
    public let rollbackWindow: Double
    public private(set) var state: State
    public private(set) var restarts = 0
    public private(set) var rollbacks = 0
    /// Quarantined digests, with the reason.
    public private(set) var quarantined: [String: String]
    /// Content proven harmless, by channel.
    public private(set) var knownGood: [UInt32: ContentUpdate]
    /// The newest update, until it has survived the rollback window.
    public private(set) var candidate: (content: ContentUpdate, loadedAt: Double)?
    private var restartTimes: [Double] = []
    private var consecutiveFailures = 0

    public init(name: String, restart: RestartSettings, rollbackWindow: Double, content: [ContentUpdate], quarantined: [String: String] = [:]) {
        self.name = name
        self.restart = restart
        self.rollbackWindow = rollbackWindow
        self.state = .notStarted
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

    /// Starts the agent for the first time.
    public func start(now: Double) -> [Action] {
        state = .running(since: now)
        return [.launch(currentContent)]
    }

    /// An update arrives from the cloud.
    public func deliver(_ content: ContentUpdate, now: Double) -> [Action] {
        if let reason = quarantined[content.digest] {
            var record = HostRecord(.updateRefused, uptime: now, agent: name, detail: "quarantined")
            record.update = content.update
            record.digest = content.digest
            record.reason = reason
            return [.record(record)]
        }
        if let candidate { knownGood[candidate.content.channel] = candidate.content }  // it survived until the next one
        candidate = (content, now)
        return isRunning ? [.deliver(content)] : []
    }

    /// The agent process ended or was killed.
    public func failed(_ failure: AgentFailure, now: Double) -> [Action] {
        guard isRunning else { return [] }
        var failure = failure
        failure.update = failure.update ?? candidate?.content.update
        var failureRecord = HostRecord(.agentFailure, uptime: now, agent: name, detail: failure.kind.rawValue)
        failureRecord.signal = failure.signal
        failureRecord.syscall = failure.syscall
        failureRecord.update = failure.update
        failureRecord.reason = failure.detail
        var actions: [Action] = [.record(failureRecord)]

        if let candidate, now - candidate.loadedAt <= rollbackWindow {
            let reason = "agent \(name) failed (\(failure.kind.rawValue)) \(String(format: "%.3f", now - candidate.loadedAt)) s after loading it"
            quarantined[candidate.content.digest] = reason
            rollbacks += 1
            var quarantine = HostRecord(.quarantine, uptime: now, agent: name)
            quarantine.update = candidate.content.update
            quarantine.digest = candidate.content.digest
            quarantine.channel = candidate.content.channel
            quarantine.reason = reason
            var rollback = HostRecord(.rollback, uptime: now, agent: name)
            rollback.update = candidate.content.update
            rollback.channel = candidate.content.channel
            rollback.digest = knownGood[candidate.content.channel]?.digest
            actions += [.record(quarantine), .record(rollback)]
            self.candidate = nil
        }

        restartTimes.removeAll { now - $0 > restart.window }
        if restartTimes.count >= restart.max {
            state = .permanentlyFailed(since: now)
            var record = HostRecord(.agentPermanentlyFailed, uptime: now, agent: name)
            record.restarts = restarts
            record.reason = "\(restartTimes.count) restarts within \(restart.window) s"
            return actions + [.record(record)]
        }
        // The first restart is immediate; each further consecutive failure doubles the wait.
        let delay = consecutiveFailures == 0 ? 0 : min(restart.maxBackoff, restart.backoff * Double(1 << min(consecutiveFailures - 1, 30)))
        consecutiveFailures += 1
        state = .restarting(at: now + delay)
        return actions
    }

    /// The agent answered (verdicts or heartbeat): it is healthy now.
    public func healthy(now: Double) {
        if case .running(let since) = state, now - since >= restart.backoff * 10 { consecutiveFailures = 0 }
    }

    /// Time passes: restart when the backoff is over; promote a candidate
    /// that survived its window.
    public func tick(now: Double) -> [Action] {
        if let candidate, isRunning, now - candidate.loadedAt > rollbackWindow {
            knownGood[candidate.content.channel] = candidate.content
            self.candidate = nil
        }
        guard case .restarting(let at) = state, now >= at else { return [] }
        restartTimes.append(now)
        restarts += 1
        state = .running(since: now)
        var record = HostRecord(.agentRestart, uptime: now, agent: name)
        record.restarts = restarts
        return [.launch(currentContent), .record(record)]
    }
}
