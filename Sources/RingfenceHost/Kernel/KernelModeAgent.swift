import RingfenceContent
import RingfenceSensor

/// An agent loaded into the host process, as a driver is into a kernel. Its
/// interpreter runs on the host's own thread: an unsafe fault is a SIGSEGV in
/// the host, a checked fault a trap, a hang a stuck kernel the watchdog ends.
final class KernelModeAgent {
    let configuration: AgentConfiguration
    let interpreter: any ContentInterpreter

    init(_ configuration: AgentConfiguration, trace: InterpreterTrace) {
        self.configuration = configuration
        let interpreter = configuration.interpreter.make(sensor: configuration.sensor)
        interpreter.trace = trace
        self.interpreter = interpreter
    }

    /// Loads a channel; an unusable one is refused and the old content stays.
    func load(_ bytes: [UInt8]) -> ChannelLoad {
        do {
            let report = try interpreter.load(try ChannelFile(parsing: bytes))
            let detail = report.disabled.isEmpty ? nil : report.disabled.map(\.description).joined(separator: "; ")
            return .loaded(channel: report.channel, instances: report.instancesLoaded, disabled: report.disabled.count, detail: detail)
        } catch {
            return .refused(reason: "\(error)")
        }
    }

    /// Scans a batch: one verdict byte per event, as a user-mode agent writes them.
    func evaluate(_ batch: EventBatch) -> [UInt8] {
        var verdicts: [UInt8] = []
        verdicts.reserveCapacity(batch.count)
        batch.forEach { event in verdicts.append(interpreter.evaluate(event).byte) }
        return verdicts
    }
}
