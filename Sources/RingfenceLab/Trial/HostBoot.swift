import Foundation
import Glibc
import RingfenceHost
import RingfenceSandbox
import RingfenceSystem

/// One boot: a host process started on the trial's disk with its
/// configuration, its records logged as they arrive, and how it ended.
///
/// The host paces itself on the simulated clock, its own watchdog ends a
/// stuck driver, and its agents' liveness watch ends a hung agent. The lab
/// keeps only a last-resort backstop, for a host that is wedged in a way none
/// of those sees: one that has neither written a record nor used a moment of
/// CPU time for ``silenceLimit`` of wall time (a host at work, or waiting on
/// an agent, which it checks every 20 ms, always uses some; a stopped one is
/// not counted). The lab reads that kill as a watchdog bugcheck.
struct HostBoot {
    /// Wall seconds without a record or CPU time from the host before the lab kills it.
    static let silenceLimit = 120.0

    enum End {
        /// The boot ran to its end at this simulated time.
        case shutDown(SimulatedTime)
        case crashed(Signal, dump: CrashDumpContents?)
        /// The host could not run the boot (it exited non-zero): no outcome can come of it.
        case failed(String)
    }

    let executable: String
    let folder: String
    let disk: HostDisk
    let log: RecordLog

    func run(_ configuration: HostConfiguration) throws -> End {
        let number = configuration.boot
        let configurationPath = "\(folder)/boot-\(number).json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write([UInt8](encoder.encode(configuration)), to: configurationPath)
        log.append(.attemptStarted(configuration.safeMode ? .safeMode : .normal), at: configuration.bootAt, boot: number)
        log.commit()

        // Close-on-exec at both ends: the host gets its end as fd 4, and no other trial's host, started
        // meanwhile by another thread, inherits either end and holds this pipe open.
        let recordPipe = try CloseOnExecPipe()
        // The host's own output (a runtime's last words before a bugcheck, say) goes to a log beside its configuration.
        let outputPath = "\(folder)/boot-\(number).log"
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { if output >= 0 { close(output) } }
        let host: ChildProcess
        do {
            host = try ChildProcess.spawn(executable, ["__host", "--config", configurationPath, "--disk", disk.root],
                                          environment: ["SWIFT_BACKTRACE": "enable=no"].merging(ParentDeath.environment) { $1 }, stdout: output >= 0 ? output : nil,
                                          stderr: output >= 0 ? output : nil, descriptors: [(recordPipe.writeEnd, HostKernel.recordDescriptor)])
        } catch {
            close(recordPipe.readEnd)
            close(recordPipe.writeEnd)
            throw error
        }
        close(recordPipe.writeEnd)
        defer { close(recordPipe.readEnd) }
        let lastTime = receiveRecords(from: recordPipe.readEnd, boot: number, host: host)
        switch host.wait() {
        case .exited(0):
            return .shutDown(lastTime ?? configuration.bootAt)
        case .exited(let code):
            let said = (try? String(contentsOfFile: outputPath, encoding: .utf8))?.split(separator: "\n").last.map(String.init)
            return .failed("boot \(number) exited with status \(code)\(said.map { ": \($0)" } ?? "")")
        case .signaled(let signal, _):
            let names = configuration.agents.map(\.name)
            return .crashed(signal, dump: CrashDump.read(disk.crashDumpFile, agents: names).flatMap { $0.boot == number ? $0 : nil })
        }
    }

    /// Logs the host's records until it closes the pipe; returns the last record's time.
    private func receiveRecords(from fd: Int32, boot: Int, host: ChildProcess) -> SimulatedTime? {
        var decoder = LineDecoder()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var lastTime: SimulatedTime?
        var quietSince = monotonicSeconds()
        let cpuClock = ProcessCPUClock(pid: host.pid)
        var lastCPU = cpuClock?.seconds
        let json = JSONDecoder()
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 1000)
            if ready == 0 {
                let cpu = cpuClock?.seconds
                if cpu != lastCPU || SchedulerState(pid: host.pid) == .stopped {
                    quietSince = monotonicSeconds()
                    lastCPU = cpu
                } else if monotonicSeconds() - quietSince > Self.silenceLimit {
                    kill(host.pid, SIGKILL)
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return lastTime }  // the host is gone
            quietSince = monotonicSeconds()
            for line in decoder.append(buffer[0..<count]) {
                do {
                    let record = try HostRecord(json.decode(RecordFields.self, from: Data(line)))
                    log.append(.host(record.event), at: record.time, boot: boot)
                    lastTime = record.time
                } catch {
                    log.append(.hostError("boot \(boot) sent a record that does not read: \(error)"), at: lastTime ?? .zero, boot: boot)
                }
            }
            log.commit()
        }
    }

    /// Did the boot deliver an update?
    func deliveredDuring(_ boot: Int) -> Bool {
        (log.recordsOf(boot: boot) ?? []).contains { record in
            if case .host(.updateDelivered) = record.event { true } else { false }
        }
    }
}
