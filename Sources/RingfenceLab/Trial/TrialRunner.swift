import Foundation
import Logging
import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// Runs one trial: plays the cloud (validates every update, stages the ones
/// that pass), boots a simulated host (one process per boot) on its own disk,
/// observes how each boot ends, reboots after a crash with the configured
/// recovery, and logs everything durably.
///
/// The trial's simulated clock lives here between boots: a boot comes up
/// where the last one left off, plus what its crash and its repair cost. The
/// host advances it within a boot and delivers updates at their time.
public struct TrialRunner {
    public let settings: TrialSettings
    /// The trial's folder: the host's disk, boot configurations, the record log.
    public let folder: String
    public var executable: String
    /// Keep every record in memory, in ``TrialResult/records`` (tests look
    /// at them); the lab itself keeps none (``RecordLog``).
    public var retainsRecords: Bool
    let logger: Logger

    public init(settings: TrialSettings, folder: String, executable: String = ChildProcess.currentExecutable,
                retainsRecords: Bool = true, logger: Logger = Logger(label: "ringfence.lab")) {
        self.settings = settings
        self.folder = folder
        self.executable = executable
        self.retainsRecords = retainsRecords
        self.logger = logger
    }

    public func run() throws -> TrialResult {
        let started = monotonicSeconds()
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let disk = HostDisk(root: "\(folder)/disk")
        try disk.prepare()
        for (index, bytes) in settings.baseline.enumerated() {
            let channel = (try? ChannelFile(parsing: bytes))?.header.channel ?? 0
            try disk.install(bytes, channel: channel, update: -index)
        }
        let log = try RecordLog(path: "\(folder)/records.jsonl", settings: settings, retainsRecords: retainsRecords)
        log.append(.trialStarted(scenario: settings.name, seed: settings.seed), at: .zero, boot: 0)
        var state = TrialState(settings: settings, log: log, disk: disk)
        state.pending = try shipUpdates(log: log, disk: disk)
        log.commit()

        while state.boots < settings.boot.maxBoots {
            state.prepareNextBoot()
            let safeMode = state.bootInSafeMode
            // A safe-mode boot is part of a repair: it is logged, but not counted against maxBoots.
            if !safeMode { state.boots += 1 }
            state.attempts += 1
            let boot = HostBoot(executable: executable, folder: folder, disk: disk, log: log)
            let end = try boot.run(state.configuration())
            state.noteDeliveries(of: state.attempts)
            switch end {
            case .shutDown(let time) where safeMode:
                state.clock = time
                state.repairInSafeMode()
            case .shutDown(let time):
                state.shutDown(at: time)
            case .crashed(let signal, let dump):
                state.crashed(by: signal, dump: dump, deliveredDuringBoot: boot.deliveredDuring(state.attempts))
            case .failed(let reason):
                log.append(.hostError(reason), at: state.clock, boot: state.attempts)
                log.commit()
            }
            if case .shutDown = end, !safeMode { break }
            if case .failed = end { break }
        }
        log.commit()
        if let failure = log.writeFailure { throw failure }
        return log.tally.result(records: log.records, recordsPath: log.path, wallSeconds: monotonicSeconds() - started)
    }

    /// The cloud: the validator sees every update before it ships; the ones
    /// it passes are staged on the host's disk, to be delivered at their time.
    /// An update is numbered by its place in the scenario.
    private func shipUpdates(log: RecordLog, disk: HostDisk) throws -> [ScheduledDelivery] {
        let validators = settings.sensors.map { ContentValidator(mode: settings.validator, sensor: $0, definitions: settings.definitions) }
        var accepted: [ScheduledDelivery] = []
        for (index, update) in settings.updates.enumerated() {
            let number = index + 1
            let findings = validators.flatMap { $0.validate(update.bytes).findings }
            guard findings.isEmpty else {
                let text = findings.map(\.description).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                log.append(.updateRejected(update: number, channel: update.channel, digest: ContentDigest.sha256Hex(update.bytes),
                                           validator: settings.validator, findings: text.joined(separator: "; ")),
                           at: .zero, boot: 0)
                continue
            }
            let staged = "\(disk.incomingFolder)/update-\(number).chan"
            try AtomicFile.write(update.bytes, to: staged)
            accepted.append(ScheduledDelivery(update: number, at: update.at, channel: update.channel, path: staged, label: update.label,
                                              fault: update.fault))
        }
        // Delivered in time order, whatever order the scenario lists them in; at the same time, in its order.
        return accepted.sorted { ($0.at, $0.update) < ($1.at, $1.update) }
    }
}
