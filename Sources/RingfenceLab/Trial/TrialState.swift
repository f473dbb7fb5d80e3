import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// The lab's bookkeeping across the boots of one trial, on the trial's
/// simulated clock: which updates are still to be delivered, what crashed and
/// which file did it, which recovery runs before the next boot, and when that
/// boot comes up.
///
/// Recovery is keyed on the channel file the crash dumps name, as the 2024
/// fix was (`C-00000291*`), whether that file came in an update or was on the
/// disk before the first boot.
struct TrialState {
    let settings: TrialSettings
    let log: RecordLog
    let disk: HostDisk
    /// When the next boot comes up.
    var clock = SimulatedTime.zero
    /// Updates the validator passed and no boot has delivered yet.
    var pending: [ScheduledDelivery] = []
    var lastDelivery: SimulatedTime?
    /// Delivered updates: number → channel.
    var delivered: [Int: UInt32] = [:]
    /// Normal boots (a safe-mode boot is part of a recovery, not counted).
    var boots = 0
    /// Every host process started, safe mode included: the `boot` of each record.
    var attempts = 0
    var consecutiveBootCrashes = 0
    var bootInSafeMode = false
    var safeModeDone = false
    var remoteFixDone = false
    var survived = false
    /// Channels whose files crashed the host, as the crash dumps tell.
    var culprits: [UInt32] = []
    var random: SeededGenerator

    init(settings: TrialSettings, log: RecordLog, disk: HostDisk) {
        self.settings = settings
        self.log = log
        self.disk = disk
        self.random = SeededGenerator(seed: settings.seed).derived("known-bad-list")
    }

    /// The next boot's configuration.
    func configuration() -> HostConfiguration {
        var configuration = HostConfiguration(seed: settings.seed, boot: attempts, bootAt: clock, host: settings.host, agents: settings.agents,
                                              deliveries: bootInSafeMode ? [] : pending)
        configuration.safeMode = bootInSafeMode
        configuration.safeModeStay = settings.boot.safeModeRepair
        configuration.lastDelivery = lastDelivery
        return configuration
    }

    // MARK: - How a boot ended

    /// Takes note of what the boot's records say was delivered.
    mutating func noteDeliveries(of boot: Int) {
        for record in log.recordsOf(boot: boot) ?? [] {
            guard case .host(.updateDelivered(let delivery)) = record.event else { continue }
            delivered[delivery.update] = delivery.channel
            lastDelivery = record.time
            pending.removeAll { $0.update == delivery.update }
        }
    }

    mutating func shutDown(at time: SimulatedTime) {
        survived = true
        clock = time
    }

    /// The host died by `signal`; `dump` is its crash dump, if it left one.
    mutating func crashed(by signal: Signal, dump: CrashDumpContents?, deliveredDuringBoot: Bool) {
        let records = log.recordsOf(boot: attempts) ?? []
        // A stop code the kernel declared itself, in this boot, wins over the signal's.
        let declared = records.lazy.compactMap { record -> Bugcheck? in
            if case .host(.bugcheck(_, let code, _)) = record.event { code } else { nil }
        }.last
        let channel = dump?.channel
        let file = channel.flatMap { disk.channelFiles(channel: $0).first }.map { ($0 as NSString).lastPathComponent }
        let crash = HostCrash(signal: signal, bugcheck: declared ?? Bugcheck(signal), atBoot: !deliveredDuringBoot,
                              driver: dump?.driver.flatMap { settings.agents.indices.contains($0) ? settings.agents[$0].name : nil },
                              channel: channel, instance: dump?.instance, file: file,
                              update: channel.flatMap { channel in delivered.filter { $0.value == channel }.keys.max() },
                              counts: dump?.counts)
        let time = dump?.clock ?? log.lastTime(of: attempts) ?? clock
        log.append(.hostCrash(crash), at: time, boot: attempts)
        if let dump, dump.driver == nil, declared == nil, Self.faults.contains(signal) {
            // A fault with no driver running is a fault in Ringfence's own kernel code: a bug, not a simulated blue screen.
            log.append(.hostError("the host faulted (\(signal.name)) in its own code, with no driver running"), at: time, boot: attempts)
        }
        log.commit()
        consecutiveBootCrashes = crash.atBoot ? consecutiveBootCrashes + 1 : 0
        if let channel {
            if !culprits.contains(channel) { culprits.append(channel) }
        } else {
            // No channel in the dump (the crash was outside a driver's rules): suspect what this boot delivered.
            let suspects = records.compactMap { record -> UInt32? in
                if case .host(.updateDelivered(let delivery)) = record.event { delivery.channel } else { nil }
            }
            culprits += suspects.filter { !culprits.contains($0) }
        }
        clock = time + settings.boot.reboot
    }

    /// Signals that mean a fault in the code that was running.
    static let faults: Set<Signal> = [.segmentationFault, .bus, .illegalInstruction, .trap, .floatingPointException]

    // MARK: - Recovery, before the next boot

    mutating func prepareNextBoot() {
        bootInSafeMode = false
        guard attempts > 0, !survived, !culprits.isEmpty else { return }
        switch settings.boot.recovery {
        case .none:
            return
        case .safeMode:
            // Someone notices the boot loop and goes to the console.
            if consecutiveBootCrashes >= 2 && !safeModeDone { bootInSafeMode = true }
        case .remoteFix:
            guard !remoteFixDone else { return }
            remoteFixDone = true
            let files = culprits.flatMap(fix)
            recovery(.remoteFix, applied: true, "the fixed content is on disk before the driver loads", files: files)
        case .knownBadList:
            if Double.random(in: 0..<1, using: &random) < settings.boot.knownBadListWin {
                let files = culprits.flatMap { disk.deleteChannelFiles(channel: $0) }.map { ($0 as NSString).lastPathComponent }
                recovery(.knownBadList, applied: true, "the denylist arrived before the driver loaded; skipped \(files.count) file(s)", files: files)
            } else {
                recovery(.knownBadList, applied: false, "the driver loaded before the denylist arrived")
            }
        }
    }

    /// The cloud's fix for a channel: its last good content, the baseline's,
    /// unless that is the very file that crashed; then the channel goes.
    private func fix(_ channel: UInt32) -> [String] {
        let onDisk = disk.channelFiles(channel: channel)
        let current = onDisk.first.flatMap { try? FileBytes.read($0) }
        let good = settings.baseline.first { (try? ChannelFile(parsing: $0))?.header.channel == channel }
        if let good, good != current, let path = try? disk.install(good, channel: channel, update: 0) {
            return [(path as NSString).lastPathComponent]
        }
        return disk.deleteChannelFiles(channel: channel).map { ($0 as NSString).lastPathComponent }
    }

    /// During the safe-mode boot (it lasts the repair's time): `del C-00000291*` for every culprit channel.
    mutating func repairInSafeMode() {
        let removed = culprits.flatMap { disk.deleteChannelFiles(channel: $0) }.map { ($0 as NSString).lastPathComponent }
        safeModeDone = true
        recovery(.safeMode, applied: true, "deleted \(removed.isEmpty ? "nothing" : removed.joined(separator: ", "))", files: removed)
    }

    private mutating func recovery(_ action: RecoveryAction, applied: Bool, _ reason: String, files: [String] = []) {
        log.append(.recovery(Recovery(action: action, applied: applied, reason: reason, files: files)), at: clock, boot: attempts + 1)
        log.commit()
    }
}
