import RingfenceContent
import RingfenceSensor

/// An agent loaded into the host process, as a driver is into a kernel. Its
/// interpreter runs on the host's own thread: an unsafe fault is a SIGSEGV in
/// the host, a checked fault a trap, a hang a stuck kernel the watchdog kills.
final class KernelModeAgent {
    let configuration: AgentConfiguration
    let interpreter: any ContentInterpreter
    var counts: AgentCounts

    init(_ configuration: AgentConfiguration) {
        self.configuration = configuration
        self.interpreter = configuration.interpreter.make(sensor: configuration.sensor)
        self.counts = AgentCounts(name: configuration.name)
    }

    /// Loads a channel; an unusable one is refused and the old content stays.
    func load(_ bytes: [UInt8]) -> Result<LoadReport, LoadRefusal> {
        do {
            return .success(try interpreter.load(try ChannelFile(parsing: bytes)))
        } catch {
            return .failure(LoadRefusal(reason: "\(error)"))
        }
    }

    func evaluate(_ batch: EventBatch) {
        batch.forEach { event in
            let verdict = interpreter.evaluate(event)
            counts.generated += 1
            counts.processed += 1
            if event.malicious {
                counts.malicious += 1
                if verdict.detected { counts.detected += 1 }
            }
        }
    }
}

/// Why an agent refused a channel file (its parser or interpreter said no).
struct LoadRefusal: Error {
    let reason: String
}
