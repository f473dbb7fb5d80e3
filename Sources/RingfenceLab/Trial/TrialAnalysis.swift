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
    public static func result(of records: [TrialRecord], settings: TrialSettings, recordsPath: String = "",
                              wallSeconds: Double = 0) -> TrialResult {
        var crashes: [HostCrash] = []
        var longestLoop = 0, loop = 0
        var normalBoots = 0
        var recoveries: [RecoveryAction] = []
        var rejected: [Int] = []
        var problems: [TrialProblem] = []
        var agentFailed = false, contentHandled = false
        var lastShutdownBoot: Int?
        var lastNormalAttempt = 0
        for record in records {
            switch record.event {
            case .attemptStarted(let mode):
                if mode == .normal {
                    normalBoots += 1
                    lastNormalAttempt = record.boot
                }
            case .hostCrash(let crash):
                crashes.append(crash)
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
        }
        let agents = settings.agents.enumerated().map { index, configuration in
            report(for: configuration, index: index, in: records)
        }
        if crashes.isEmpty && agents.allSatisfy({ $0.counts.generated == 0 }) { problems.insert(.noEvents, at: 0) }
        let outcome: Outcome = if longestLoop >= 2 { .bootLoop }
            else if !crashes.isEmpty { .hostCrash }
            else if agentFailed { .isolated }
            else if contentHandled { .handled }
            else if !rejected.isEmpty { .rejected }
            else { .clean }
        let repairs = recoveries.filter { $0 == .safeMode }.count
        return TrialResult(
            name: settings.name, seed: settings.seed, outcome: outcome, problems: problems, boots: normalBoots, hostCrashes: crashes.count,
            bootLoopLength: longestLoop, bugcheck: crashes.last?.bugcheck,
            recovered: !crashes.isEmpty && lastShutdownBoot != nil && lastShutdownBoot == lastNormalAttempt,
            hostSurvived: crashes.isEmpty, downtime: settings.boot.reboot * Int64(crashes.count) + settings.boot.safeModeRepair * Int64(repairs),
            recoveries: recoveries, rejectedUpdates: rejected, agents: agents, records: records, recordsPath: recordsPath,
            wallSeconds: wallSeconds)
    }

    /// One agent's part: its failures (a kernel-mode agent's include the host
    /// crashes its own code caused, and no other), its totals over every boot
    /// (the last counts of each boot, or its crash dump's), and its
    /// supervisor's actions.
    static func report(for configuration: AgentConfiguration, index: Int, in records: [TrialRecord]) -> TrialResult.AgentReport {
        let name = configuration.name
        var failures: [AgentFailure] = []
        var restarts = 0, rollbacks = 0
        var quarantined: [String] = []
        var permanentlyFailed = false
        var totalsByBoot: [Int: AgentCounts] = [:]
        for record in records {
            switch record.event {
            case .host(.agentFailure(name, let failure)):
                failures.append(failure)
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
                    failures.append(AgentFailure(kind: kind, signal: crash.signal, update: crash.update, detail: crash.bugcheck.rawValue))
                }
            default:
                break
            }
        }
        var counts = AgentCounts(name: name)
        for boot in totalsByBoot.keys.sorted() { counts.add(totalsByBoot[boot]!) }
        return TrialResult.AgentReport(configuration: configuration, failures: failures, counts: counts, restarts: restarts,
                                       rollbacks: rollbacks, quarantined: quarantined.sorted(), permanentlyFailed: permanentlyFailed)
    }
}
