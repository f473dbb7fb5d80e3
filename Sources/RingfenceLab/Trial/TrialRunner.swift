import Foundation
import Glibc
import Logging
import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// Runs one trial: boots a simulated host (one process per boot) on its own
/// disk, plays the cloud (validates, then delivers updates on schedule),
/// observes how each boot ends, reboots after a crash with the configured
/// recovery, and logs everything durably.
public struct TrialRunner {
    public let settings: TrialSettings
    /// The trial's folder: the host's disk, boot configurations, the record log.
    public let folder: String
    public var executable: String
    let logger: Logger

    public init(settings: TrialSettings, folder: String, executable: String = ChildProcess.currentExecutable,
                logger: Logger = Logger(label: "ringfence.lab")) {
        self.settings = settings
        self.folder = folder
        self.executable = executable
        self.logger = logger
    }

    /// How one boot ended.
    struct BootEnd {
        let status: WaitStatus
        let deliveredDuringBoot: Bool
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
        let log = try RecordLog(path: "\(folder)/records.jsonl", started: started)
        var state = TrialState(settings: settings, log: log, disk: disk)

        // The cloud: the validator sees every update before it ships.
        let validator = ContentValidator(mode: settings.validator, definitions: settings.definitions)
        for (index, update) in settings.updates.enumerated() {
            let report = validator.validate(update.bytes)
            if report.accepted {
                state.pending.append((index + 1, update))
            } else {
                var record = TrialRecord(type: "update-rejected", boot: 0)
                record.update = index + 1
                record.channel = update.channel
                record.digest = ContentDigest.sha256Hex(update.bytes)
                record.reason = report.findings.map(\.description).joined(separator: "; ")
                record.detail = "validator \(settings.validator)"
                log.append(record, now: monotonicSeconds())
                state.rejected.append(index + 1)
            }
        }

        while state.boots < settings.boot.maxBoots {
            state.prepareNextBoot()
            let safeMode = state.bootInSafeMode
            // A safe-mode boot is part of a repair: it is logged, but not counted against maxBoots.
            if !safeMode { state.boots += 1 }
            state.attempts += 1
            let end = try boot(number: state.attempts, safeMode: safeMode, state: &state)
            if safeMode {
                state.repairInSafeMode()
                continue
            }
            guard case .signaled(let signal, _) = end.status else {
                state.lastBootSurvived = true
                break
            }
            state.recordCrash(signal: signal, atBoot: !end.deliveredDuringBoot)
        }
        return state.result(name: settings.name, seed: settings.seed, path: log.path, wallSeconds: monotonicSeconds() - started)
    }

    // MARK: - One boot

    private func boot(number: Int, safeMode: Bool, state: inout TrialState) throws -> BootEnd {
        let runSeconds = safeMode ? 0.2 : (state.pending.last?.update.at ?? 0) + settings.duration
        let configuration = HostConfiguration(seed: settings.seed, boot: number, safeMode: safeMode, runSeconds: runSeconds,
                                              eventRate: settings.eventRate, mix: settings.mix, malicious: settings.malicious,
                                              watchdogSeconds: settings.watchdogSeconds, agents: settings.agents)
        let configurationPath = "\(folder)/boot-\(number).json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](encoder.encode(configuration)), to: configurationPath)

        var control: [Int32] = [-1, -1], status: [Int32] = [-1, -1]
        guard pipe(&control) == 0, pipe(&status) == 0 else { throw CocoaError(.fileWriteUnknown) }
        for fd in [control[1], status[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var attempt = TrialRecord(type: "attempt-started", boot: number)
        attempt.detail = safeMode ? "safe-mode" : "normal"
        state.log.append(attempt, now: monotonicSeconds())
        let bootStarted = monotonicSeconds()
        // The host's own output (a runtime's last words before a bugcheck, say) goes to a log beside its configuration.
        let output = open("\(folder)/boot-\(number).log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { if output >= 0 { close(output) } }
        let host = try ChildProcess.spawn(executable, ["__host", "--config", configurationPath, "--disk", state.disk.root],
                                          environment: ["SWIFT_BACKTRACE": "enable=no"], stdout: output >= 0 ? output : nil,
                                          stderr: output >= 0 ? output : nil, descriptors: [(control[0], 3), (status[1], 4)])
        close(control[0])
        close(status[1])
        defer { close(control[1]); close(status[0]) }

        var decoder = LineDecoder()
        var delivered = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = bootStarted + runSeconds + settings.watchdogSeconds * 3 + 10
        while true {
            let now = monotonicSeconds()
            while let next = state.pending.first, now - bootStarted >= next.update.at, !safeMode {
                deliver(next.update, number: next.number, control: control[1], state: &state, boot: number)
                state.pending.removeFirst()
                delivered = true
            }
            let nextDelivery = safeMode ? nil : state.pending.first.map { bootStarted + $0.update.at }
            let wait = min(nextDelivery ?? deadline, deadline) - monotonicSeconds()
            var poller = pollfd(fd: status[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(0, min(wait * 1000, 100)).rounded(.up)))
            if ready == 0 {
                if monotonicSeconds() >= deadline {
                    // The host stopped answering and its own watchdog did not end it: the lab's does.
                    kill(host.pid, SIGKILL)
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(status[0], $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0 && errno == EINTR { continue }
                break  // the host is gone
            }
            for line in decoder.append(buffer[0..<count]) {
                guard let record = try? JSONDecoder().decode(HostRecord.self, from: Data(line)) else { continue }
                state.log.append(TrialRecord(record, boot: number), now: monotonicSeconds())
            }
        }
        return BootEnd(status: host.wait(), deliveredDuringBoot: delivered)
    }

    private func deliver(_ update: ScheduledUpdate, number: Int, control: Int32, state: inout TrialState, boot: Int) {
        let staged = "\(state.disk.incomingFolder)/update-\(number).chan"
        try? AtomicFile.write(update.bytes, to: staged)
        state.delivered.append(number)
        var record = TrialRecord(type: "update-delivered", boot: boot)
        record.update = number
        record.channel = update.channel
        record.digest = ContentDigest.sha256Hex(update.bytes)
        record.detail = update.label
        record.reason = update.fault
        state.log.append(record, now: monotonicSeconds())
        guard var line = try? JSONEncoder().encode(LabMessage(deliver: .init(update: number, channel: update.channel, path: staged))) else { return }
        line.append(0x0A)
        _ = line.withUnsafeBytes { write(control, $0.baseAddress, $0.count) }
    }
}
