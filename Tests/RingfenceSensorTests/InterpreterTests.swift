import Glibc
import RingfenceContent
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSensor

@Suite(.timeLimit(.minutes(10))) struct InterpreterTests {
    // MARK: - The July 19 update, one interpreter at a time

    @Test func unsafeInterpreterDiesWithSIGSEGV() async {
        await #expect(processExitsWith: .signal(SIGSEGV)) {
            CrashSignals.restoreDefaultActions()
            let update = try Fixtures.update291
            var evaluation = ContentEvaluation(kind: .unsafe)
            _ = evaluation.load([update])
            _ = evaluation.run(events: 100, seed: 291, mix: .ipcOnly)
        }
    }

    @Test func checkedInterpreterDiesWithTheSwiftTrap() async {
        await #expect(processExitsWith: .signal(Signal.swiftTrap.rawValue)) {
            CrashSignals.restoreDefaultActions()
            let update = try Fixtures.update291
            var evaluation = ContentEvaluation(kind: .checked)
            _ = evaluation.load([update])
            _ = evaluation.run(events: 100, seed: 291, mix: .ipcOnly)
        }
    }

    @Test func resilientInterpreterDisablesExactlyTheField21Instances() throws {
        let resilient = ResilientInterpreter()
        let report = try resilient.load(try Fixtures.update291)
        #expect(report.instancesLoaded == 15)
        #expect(report.disabled.map(\.instance) == [116, 117])
        #expect(report.disabled.map(\.field) == [20, 20])
        #expect(report.disabled.allSatisfy { $0.phase == .load && $0.finding.reason == .fieldNotSupplied(supplied: 20) })

        // The other 15 instances detect exactly what the baseline detects.
        let baseline = ResilientInterpreter()
        try baseline.load(try Fixtures.baseline)
        var generator = TelemetryGenerator(seed: 19, mix: .ipcOnly)
        let batch = generator.batch(20_000)
        var withUpdate = EvaluationCounts(), withBaseline = EvaluationCounts()
        resilient.evaluate(batch, into: &withUpdate)
        baseline.evaluate(batch, into: &withBaseline)
        #expect(withUpdate == withBaseline)
        #expect(withUpdate.detected > 50)
        #expect(withUpdate.detected == withUpdate.malicious, "every malicious IPC event is covered by a baseline rule")
    }

    @Test func resilientChecksFieldsAtTheMomentOfAccessToo() throws {
        // A sensor that supplies 21 fields loads the update; events that then
        // arrive with only 20 fields are caught at access, not by a crash.
        let resilient = ResilientInterpreter(sensor: .builtIn.supplying([.ipc: 21]))
        #expect(try resilient.load(try Fixtures.update291).disabled.isEmpty)
        var generator = TelemetryGenerator(seed: 5, mix: .ipcOnly)
        var counts = EvaluationCounts()
        resilient.evaluate(generator.batch(100), into: &counts)
        #expect(counts.evaluated == 100)
        #expect(resilient.faults.map(\.instance) == [116, 117])
        #expect(resilient.faults.allSatisfy { $0.phase == .evaluation && $0.field == 20 })
    }

    // MARK: - Agreement and the control case

    @Test func allInterpretersAgreeOnTheStandardRules() throws {
        let channels = try ["ipc-baseline.yaml", "process-baseline.yaml", "file-baseline.yaml", "network-baseline.yaml"]
            .map(Fixtures.channel)
        #expect(channels.reduce(0) { $0 + $1.instances.count } == 50)
        var generator = TelemetryGenerator(seed: 7)
        let batch = generator.batch(20_000)
        var results: [EvaluationCounts] = []
        for kind in InterpreterKind.allCases {
            let interpreter = kind.make()
            for channel in channels { try interpreter.load(channel) }
            var counts = EvaluationCounts()
            interpreter.evaluate(batch, into: &counts)
            #expect(interpreter.faults.isEmpty, "\(kind)")
            results.append(counts)
        }
        #expect(results[0] == results[1])
        #expect(results[1] == results[2])
        #expect(results[0].detectionRate > 0.9, "detection rate \(results[0].detectionRate)")
        #expect(results[0].falsePositives < results[0].matched / 5, "false positives \(results[0].falsePositives) of \(results[0].matched)")
    }

    @Test(arguments: InterpreterKind.allCases)
    func wildcardMaskedUpdateNeverCrashes(_ kind: InterpreterKind) async {
        // Run in a child: if the control case ever crashed, the runner must survive to say so.
        await #expect(processExitsWith: .success) { [kind] in
            CrashSignals.restoreDefaultActions()
            let channel = try Fixtures.channel("ipc-update-wildcard.yaml")
            var evaluation = ContentEvaluation(kind: kind)
            guard evaluation.load([channel]).isEmpty else { exit(3) }
            let counts = evaluation.run(events: 2_000, seed: 291, mix: .ipcOnly)
            exit(counts.evaluated == 2_000 && evaluation.interpreter.faults.isEmpty ? 0 : 4)
        }
    }

    // MARK: - Other faults

    @Test func deepNestingOverflowsTheStackEvenWhenMemorySafe() async {
        await #expect(processExitsWith: .signal(SIGSEGV)) {
            CrashSignals.restoreDefaultActions()
            let faulty = try FaultInjector().apply(.deepNesting, to: Fixtures.compiled("ipc-baseline.yaml"), seed: 0)
            var evaluation = ContentEvaluation(kind: .checked)
            _ = evaluation.load([try ChannelFile(parsing: faulty)])
            _ = evaluation.run(events: 10, seed: 291, mix: .ipcOnly)
        }
    }

    @Test func resilientRefusesDeepNestingAndRegexBombsAtLoad() throws {
        let source = try Fixtures.compiled("ipc-baseline.yaml")
        for fault in [Fault.deepNesting, .regexBomb] {
            let resilient = ResilientInterpreter()
            let report = try resilient.load(try ChannelFile(parsing: FaultInjector().apply(fault, to: source, seed: 0)))
            #expect(report.instancesLoaded == 15, "\(fault)")
            #expect(report.disabled.map(\.instance) == [116], "\(fault)")
        }
    }

    @Test func stepBudgetStopsACatastrophicRegexAtRunTime() throws {
        var draft = try ChannelSource.compile("\(Fixtures.content)/ipc-baseline.yaml")
        var bomb = InstanceDraft(id: 500, action: .alert, criteria: [Criterion](repeating: .wildcard, count: 21))
        bomb.setCriterion(.regex("^([0-9a-f]+)+z$", caseInsensitive: false), field: 9)
        draft.instances = [bomb]
        let file = try ChannelFile(parsing: draft.encoded())
        let compiled = try CompiledInstance(file.instances[0], in: file, regexLimits: .standard)
        let hash = Array(String(repeating: "0123456789abcdef", count: 4).utf8)
        hash.withUnsafeBufferPointer { value in
            var budget = StepBudget(100_000)
            #expect(compiled.matches(compiled.roots[0], value, budget: &budget) == false)
            #expect(budget.exhausted)
        }
    }
}
