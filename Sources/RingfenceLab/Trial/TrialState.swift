import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// The lab's bookkeeping across the boots of one trial: what is still to be
/// delivered, what crashed, which recovery runs before the next boot, and the
/// simulated downtime.
struct TrialState {
    let settings: TrialSettings
    let log: RecordLog
    let disk: HostDisk
    /// Updates the validator passed and the cloud has not delivered yet.
    var pending: [(number: Int, update: ScheduledUpdate)] = []
    var delivered: [Int] = []
    var rejected: [Int] = []
    /// Normal boots (a safe-mode boot is part of a recovery, not counted).
    var boots = 0
    /// Every host process started, safe mode included: the `boot` of each record.
    var attempts = 0
    var crashes = 0
    var consecutiveBootCrashes = 0
    var longestBootLoop = 0
    var bugcheck: Bugcheck?
    var downtime = 0.0
    var recoveries: [String] = []
    var bootInSafeMode = false
    var safeModeDone = false
    var lastBootSurvived = false
    /// Updates delivered during a boot that then crashed: what the cloud's fixes target.
    var suspects: [Int] = []
    var random: SeededGenerator

    init(settings: TrialSettings, log: RecordLog, disk: HostDisk) {
        self.settings = settings
        self.log = log
        self.disk = disk
        self.random = SeededGenerator(seed: settings.seed).derived("known-bad-list")
    }

    func update(_ number: Int) -> ScheduledUpdate { settings.updates[number - 1] }

    // MARK: - Crashes

    mutating func recordCrash(signal: Signal, atBoot: Bool) {
        crashes += 1
        // A stop code the kernel declared itself, in this boot, wins over the signal's.
        let declared = log.records.last { $0.boot == attempts && $0.type == HostRecord.Kind.bugcheck.rawValue }
        let code = declared.flatMap { $0.detail.flatMap(Bugcheck.init(rawValue:)) } ?? Bugcheck(signal)
        bugcheck = code
        downtime += settings.boot.rebootSeconds
        if atBoot {
            consecutiveBootCrashes += 1
        } else {
            consecutiveBootCrashes = 0
            suspects += delivered.filter { !suspects.contains($0) }
        }
        longestBootLoop = max(longestBootLoop, consecutiveBootCrashes)
        var record = TrialRecord(type: "host-crash", boot: attempts)
        record.signal = signal.name
        record.bugcheck = code.rawValue
        record.atBoot = atBoot
        record.update = suspects.last
        log.append(record, now: monotonicSeconds())
    }

    // MARK: - Recovery, before the next boot

    mutating func prepareNextBoot() {
        bootInSafeMode = false
        guard crashes > 0, !lastBootSurvived else { return }
        switch settings.boot.recovery {
        case .none:
            return
        case .safeMode:
            // Someone notices the boot loop and goes to the console.
            if consecutiveBootCrashes >= 2 && !safeModeDone { bootInSafeMode = true }
        case .remoteFix:
            guard !recoveries.contains(RecoveryAction.remoteFix.rawValue) else { return }
            for number in suspects {
                guard let fix = update(number).fix else { continue }
                _ = try? disk.install(fix, channel: update(number).channel, update: number)
            }
            recovery(.remoteFix, "the fixed content is on disk before the driver loads")
        case .knownBadList:
            let won = Double.random(in: 0..<1, using: &random) < settings.boot.knownBadListWinProbability
            if won {
                let removed = suspects.flatMap { disk.deleteChannelFiles(channel: update($0).channel) }
                recovery(.knownBadList, "the denylist arrived before the driver loaded; skipped \(removed.count) file(s)")
            } else {
                var record = TrialRecord(type: "recovery", boot: attempts + 1)
                record.detail = RecoveryAction.knownBadList.rawValue
                record.reason = "the driver loaded before the denylist arrived"
                log.append(record, now: monotonicSeconds())
            }
        }
    }

    /// After the safe-mode boot: `del C-00000291*` for every suspect channel.
    mutating func repairInSafeMode() {
        let removed = suspects.flatMap { disk.deleteChannelFiles(channel: update($0).channel) }
        safeModeDone = true
        downtime += settings.boot.safeModeRepairSeconds
        recovery(.safeMode, "deleted \(removed.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))")
    }

    private mutating func recovery(_ action: RecoveryAction, _ reason: String) {
        recoveries.append(action.rawValue)
        var record = TrialRecord(type: "recovery", boot: attempts + 1)
        record.detail = action.rawValue
        record.reason = reason
        log.append(record, now: monotonicSeconds())
    }

    // MARK: - The result

    func result(name: String, seed: UInt64, path: String, wallSeconds: Double) -> TrialResult {
        let records = log.records
        var agents: [TrialResult.AgentReport] = []
        for configuration in settings.agents {
            var counts = AgentCounts(name: configuration.name)
            for boot in Set(records.map(\.boot)) {
                guard let last = records.last(where: { $0.boot == boot && $0.counts != nil }),
                      let agent = last.counts?.first(where: { $0.name == configuration.name }) else { continue }
                counts.generated += agent.generated
                counts.processed += agent.processed
                counts.missed += agent.missed
                counts.blocked += agent.blocked
                counts.malicious += agent.malicious
                counts.detected += agent.detected
                counts.restarts += agent.restarts
                counts.rollbacks += agent.rollbacks
                counts.quarantined = Array(Set(counts.quarantined + agent.quarantined)).sorted()
                counts.permanentlyFailed = counts.permanentlyFailed || agent.permanentlyFailed
                counts.unprotectedSeconds += agent.unprotectedSeconds
            }
            var failures: [AgentFailure] = records.filter { $0.type == "agent-failure" && $0.agent == configuration.name }.map { record in
                AgentFailure(kind: AgentFailure.Kind(rawValue: record.detail ?? "") ?? .exit, signal: record.signal, syscall: record.syscall,
                             update: record.update, detail: record.reason)
            }
            if configuration.isolation == .kernel {
                // A kernel-mode agent shares the host's fate: each host crash is its failure.
                failures += records.filter { $0.type == "host-crash" }.map { record in
                    AgentFailure(kind: record.bugcheck == Bugcheck.dpcWatchdogViolation.rawValue ? .hang : .crash, signal: record.signal,
                                 update: record.update,
                                 detail: record.bugcheck)
                }
            }
            agents.append(TrialResult.AgentReport(configuration: configuration, failures: failures, counts: counts))
        }
        let outcome: Outcome = {
            if longestBootLoop >= 2 { return .bootLoop }
            if crashes > 0 { return .hostCrash }
            if records.contains(where: { $0.type == "agent-failure" }) { return .isolated }
            if records.contains(where: { $0.type == "channel-loaded" && ($0.detail == "refused" || $0.reason != nil) })
                || records.contains(where: { $0.type == "update-refused" }) {
                return .handled
            }
            if !rejected.isEmpty { return .rejected }
            return .clean
        }()
        return TrialResult(name: name, seed: seed, outcome: outcome, boots: boots, hostCrashes: crashes, bootLoopLength: longestBootLoop,
                           bugcheck: bugcheck, recovered: crashes > 0 && lastBootSurvived, hostSurvived: crashes == 0,
                           downtimeSeconds: downtime, recoveries: recoveries, rejectedUpdates: rejected, agents: agents,
                           records: records, recordsPath: path, wallSeconds: wallSeconds)
    }
}
