import ArgumentParser
import Glibc
import RingfenceContent
import RingfenceSensor
import RingfenceSystem

extension Ringfence.Content {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate channel files against generated telemetry, in this process.",
            discussion: """
                There is no isolation: with the unsafe or checked interpreter on faulty content this \
                process dies (SIGSEGV or SIGILL), as a kernel-mode sensor takes its host down.
                """)

        @Argument(help: "Channel files to load, in order.") var files: [String]
        @Option(help: "Template definitions (YAML), to report declared against supplied field counts.")
        var templates: String?
        @Option(help: "unsafe, checked or resilient.") var interpreter: InterpreterKind = .resilient
        @Option(help: "Number of events to generate.") var events: Int = 100_000
        @Option(help: "Seed for the event generator.") var seed: UInt64 = 291
        @Option(help: "Event mix: standard or ipc.") var mix: MixName = .standard
        @Option(help: "Address-space limit of this process, the simulated machine's memory, e.g. 4GiB.") var memory = "4GiB"
        @OptionGroup var sensorOptions: SensorOptions

        enum MixName: String, ExpressibleByArgument, CaseIterable { case standard, ipc }

        func run() throws {
            try reportingErrors {
                let sensor = try sensorOptions.sensor()
                let channels = try files.map(readChannel)
                try reportDefinitions(sensor: sensor)
                // A driver has no crash reporter: die by the raw signal, as the kernel would.
                CrashSignals.restoreDefaultActions()
                // Finite memory, so that a memory bomb ends this process and not the machine.
                guard let bytes = ByteSize.parse(memory) else { throw UserFacingError.invalidInput("--memory: '\(memory)' is not a size like 4GiB") }
                var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
                setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)

                var evaluation = ContentEvaluation(kind: interpreter, sensor: sensor)
                for error in evaluation.load(channels) { say("load refused: \(error)") }
                for load in evaluation.loads {
                    say("loaded channel \(load.channel): \(load.instancesLoaded) instances into the \(interpreter) interpreter")
                    for fault in load.disabled { say("  disabled \(fault)") }
                }
                let counts = evaluation.run(events: events, seed: seed, mix: mix == .ipc ? .ipcOnly : .standard, sensor: sensor,
                                            beforeBatch: { done in if done == 0 { say("evaluating \(events) events (seed \(seed))...") } },
                                            corrupted: {
                                                say("integrity check failed: an action wrote past its buffer (KERNEL_SECURITY_CHECK_FAILURE)")
                                                abort()
                                            })
                for fault in evaluation.interpreter.faults where fault.phase == .evaluation { say("  disabled \(fault)") }
                say("evaluated \(counts.evaluated), matched \(counts.matched), malicious \(counts.malicious), "
                    + "detected \(counts.detected), false positives \(counts.falsePositives), blocked \(counts.blocked)")
            }
        }

        private func reportDefinitions(sensor: SensorTemplates) throws {
            guard let templates else { return }
            let definitions: TemplateDefinitions
            do { definitions = try TemplateDefinitions.load(templates) } catch { throw UserFacingError.invalidInput("\(error)") }
            for definition in definitions.definitions {
                guard let supplied = sensor.suppliedFieldCount(definition.id) else { continue }
                let note = supplied == definition.fieldCount ? "" : "  <-- mismatch"
                say("template \(definition.name): definitions declare \(definition.fieldCount) fields, sensor supplies \(supplied)\(note)")
            }
        }
    }
}

extension InterpreterKind: ExpressibleByArgument {}
