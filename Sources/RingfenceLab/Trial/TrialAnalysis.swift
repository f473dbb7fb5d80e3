import RingfenceHost

/// Decides what a trial came to, in one place, from its typed records and
/// nothing else: no process, no clock, no string matching. Tests feed it
/// records directly.
///
/// The outcome is the worst that happened (DESIGN.md section 3): a boot loop
/// (at least two consecutive crashes at boot), a host crash, an isolated agent
/// failure, bad content handled by an agent (refused, disabled or
/// quarantined), an update the validator rejected, or nothing. A trial in
/// which nothing ran, or in which events were dropped other than by downtime,
/// has problems instead of an outcome.
public enum TrialAnalysis {
    /// The whole of `records`, at once: ``Tally`` over each.
    public static func result(of records: [TrialRecord], settings: TrialSettings, recordsPath: String = "",
                              wallSeconds: Double = 0) -> TrialResult {
        var tally = Tally(settings: settings)
        for record in records { tally.add(record) }
        return tally.result(records: records, recordsPath: recordsPath, wallSeconds: wallSeconds)
    }

    /// The analysis as records arrive, one at a time, keeping tallies rather
    /// than the records: the lab's memory does not grow with a trial's length
    /// or its agents' restarts (each restart is about seven records). What
    /// does keep a list (failures, the report's timeline) keeps at most
    /// ``maxListed`` entries, and counts the rest.
    public struct Tally {
        /// The most failures per agent, and timeline entries, a result lists.
        public static let maxListed = 1_000

        let settings: TrialSettings
        var lastBugcheck: Bugcheck?
        var crashCount = 0
        var longestLoop = 0, loop = 0
        var normalBoots = 0
        var recoveries: [RecoveryAction] = []
        var rejected: [Int] = []
        var problems: [TrialProblem] = []
        var agentFailed = false, contentHandled = false
        var lastShutdownBoot: Int?
        var lastNormalAttempt = 0
        var agents: [AgentTally]
        var timeline: [TrialRecord] = []
        var timelineOmitted = 0
        var recordCount = 0

        public init(settings: TrialSettings) {
            self.settings = settings
            agents = settings.agents.map { AgentTally(name: $0.name) }
        }

        public mutating func add(_ record: TrialRecord) {
            recordCount += 1
            switch record.event {
            case .attemptStarted(let mode):
                if mode == .normal {
                    normalBoots += 1
                    lastNormalAttempt = record.boot
                }
            case .hostCrash(let crash):
                crashCount += 1
                lastBugcheck = crash.bugcheck
                loop = crash.atBoot ? loop + 1 : 0
                longestLoop = max(longestLoop, loop)
            case .recovery(let recovery):
                if recovery.applied { recoveries.append(recovery.action) }
            case .updateRejected(let update, _, _, _, _):
                rejected.append(update)
            case .hostError(let reason):
                problems.append(.hostError(reason))
            case .host(.agentFailure):
                agentFailed = true
            case .host(.channelLoaded(_, _, .refused)), .host(.updateRefused):
                contentHandled = true
            case .host(.channelLoaded(_, _, .loaded(_, _, let disabled, _))) where disabled > 0:
                contentHandled = true
            case .host(.eventsDropped(let agent, let events, let scanned)):
                problems.append(.eventsDropped(agent: agent, events: events, scanned: scanned))
            case .host(.shutdown):
                lastShutdownBoot = record.boot
            default:
                break
            }
            for index in agents.indices { agents[index].add(record) }
            if record.isMilestone {
                if timeline.count < Self.maxListed { timeline.append(record) } else { timelineOmitted += 1 }
            }
        }

        /// The result. `records` are the ones the caller kept (all, for a
        /// test; none, for the lab), passed through to the result.
        public func result(records: [TrialRecord] = [], recordsPath: String = "", wallSeconds: Double = 0) -> TrialResult {
            let reports = zip(settings.agents, agents).map { configuration, tally in tally.report(configuration) }
            var problems = problems
            if crashCount == 0 && reports.allSatisfy({ $0.counts.generated == 0 }) { problems.insert(.noEvents, at: 0) }
            let outcome: Outcome = if longestLoop >= 2 { .bootLoop }
                else if crashCount > 0 { .hostCrash }
                else if agentFailed { .isolated }
                else if contentHandled { .handled }
                else if !rejected.isEmpty { .rejected }
                else { .clean }
            let repairs = recoveries.filter { $0 == .safeMode }.count
            return TrialResult(
                name: settings.name, seed: settings.seed, outcome: outcome, problems: problems, boots: normalBoots, hostCrashes: crashCount,
                bootLoopLength: longestLoop, bugcheck: lastBugcheck,
                recovered: crashCount > 0 && lastShutdownBoot != nil && lastShutdownBoot == lastNormalAttempt,
                hostSurvived: crashCount == 0,
                downtime: settings.boot.reboot * Int64(crashCount) + settings.boot.safeModeRepair * Int64(repairs),
                recoveries: recoveries, rejectedUpdates: rejected, agents: reports, records: records, timeline: timeline,
                timelineOmitted: timelineOmitted, recordCount: recordCount, recordsPath: recordsPath, wallSeconds: wallSeconds)
        }
    }

    /// One agent's part: its failures (a kernel-mode agent's include the host
    /// crashes its own code caused, and no other), its totals over every boot
    /// (the last counts of each boot, or its crash dump's), and its
    /// supervisor's actions.
    struct AgentTally {
        let name: String
        var failures: [AgentFailure] = []
        var failureCount = 0
        var restarts = 0, rollbacks = 0
        var quarantined: [String] = []
        var permanentlyFailed = false
        var totalsByBoot: [Int: AgentCounts] = [:]

        init(name: String) { self.name = name }

        mutating func add(_ record: TrialRecord) {
            switch record.event {
            case .host(.agentFailure(name, let failure)):
                note(failure)
            case .host(.agentRestart(name, _)):
                restarts += 1
            case .host(.rollback(name, _, _, _)):
                rollbacks += 1
            case .host(.quarantine(name, _, _, let digest, _)):
                if !quarantined.contains(digest) { quarantined.append(digest) }
            case .host(.agentPermanentlyFailed(name, _, _)):
                permanentlyFailed = true
            case .host(.counts(let counts)), .host(.shutdown(let counts)):
                if let mine = counts.first(where: { $0.name == name }) { totalsByBoot[record.boot] = mine }
            case .hostCrash(let crash):
                if let mine = crash.counts?.first(where: { $0.name == name }) { totalsByBoot[record.boot] = mine }
                if crash.driver == name {
                    let kind: AgentFailure.Kind = switch crash.bugcheck {
                    case .dpcWatchdogViolation: .hang
                    case .memoryManagement: .memoryLimit
                    default: .crash
                    }
                    note(AgentFailure(kind: kind, signal: crash.signal, update: crash.update, detail: crash.bugcheck.rawValue))
                }
            default:
                break
            }
        }

        private mutating func note(_ failure: AgentFailure) {
            failureCount += 1
            if failures.count < Tally.maxListed { failures.append(failure) }
        }

        func report(_ configuration: AgentConfiguration) -> TrialResult.AgentReport {
            var counts = AgentCounts(name: name)
            for boot in totalsByBoot.keys.sorted() { counts.add(totalsByBoot[boot]!) }
            return TrialResult.AgentReport(configuration: configuration, failures: failures, failureCount: failureCount, counts: counts,
                                           restarts: restarts, rollbacks: rollbacks, quarantined: quarantined.sorted(),
                                           permanentlyFailed: permanentlyFailed)
        }
    }
}
