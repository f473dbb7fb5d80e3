import Foundation
import Glibc
import RingfenceContent
import RingfenceSensor
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost
@testable import RingfenceLab

/// Real hosts in real processes: the lab boots `ringfence __host`, which runs
/// kernel-mode agents in itself and user-mode agents under the sandbox. Real
/// signals, real seccomp, real reboots; simulated time, so every figure is exact.
@Suite(.serialized, .timeLimit(.minutes(10))) struct HostTrialTests {
    static var profile: String { "\(Fixtures.root)/Sandbox/profiles/agent.json" }

    func scenario(_ isolation: Isolation, _ interpreter: InterpreterKind = .unsafe, recovery: RecoveryAction = .safeMode,
                  configure: (inout Scenario) throws -> Void = { _ in }) rethrows -> Scenario {
        var july19 = July19Trial(contentDirectory: Fixtures.content, profile: Self.profile)
        july19.isolation = isolation
        july19.interpreter = interpreter
        july19.duration = .milliseconds(600)
        july19.boot.recovery = recovery
        var scenario = july19.scenario(name: "\(isolation)-\(interpreter)")
        try configure(&scenario)
        return scenario
    }

    func trial(_ isolation: Isolation, _ interpreter: InterpreterKind = .unsafe, recovery: RecoveryAction = .safeMode,
               configure: (inout Scenario) throws -> Void = { _ in }) throws -> TrialResult {
        try run(try scenario(isolation, interpreter, recovery: recovery, configure: configure))
    }

    func run(_ scenario: Scenario, in folder: String = Fixtures.temporaryDirectory("trial")) throws -> TrialResult {
        try TrialRunner(settings: try scenario.trial().settings, folder: folder, executable: RingfenceBinary.path).run()
    }

    func crashes(_ result: TrialResult) -> [HostCrash] {
        result.records.compactMap { if case .hostCrash(let crash) = $0.event { crash } else { nil } }
    }

    func records(_ result: TrialResult, _ type: String) -> [TrialRecord] { result.records.filter { $0.fields.type == type } }

    // MARK: - Kernel mode

    @Test func kernelModeBootLoopsAndSafeModeRecovers() throws {
        let result = try trial(.kernel)
        #expect(result.outcome == .bootLoop)
        #expect(result.hostCrashes == 3)
        #expect(result.boots == 4)
        #expect(result.bootLoopLength == 2)
        #expect(result.bugcheck == .pageFaultInNonpagedArea)
        #expect(result.recovered)
        #expect(result.recoveries == [.safeMode])
        let crashes = crashes(result)
        #expect(crashes.map(\.signal) == [.segmentationFault, .segmentationFault, .segmentationFault])
        #expect(crashes.map(\.atBoot) == [false, true, true])
        // The crash dump names the faulting driver, its channel file and the instance with the field-21 criterion.
        #expect(crashes.map(\.driver) == ["sensor", "sensor", "sensor"])
        #expect(crashes.map(\.channel) == [291, 291, 291])
        #expect(Set(crashes.compactMap(\.instance)).isSubset(of: [116, 117]))
        #expect(crashes.allSatisfy { $0.file?.hasPrefix("C-00000291-") == true })
        // On the simulated clock: the update at 200 ms, a 60 s reboot each, the 15-minute repair.
        #expect(records(result, "host-crash").map(\.time) == [.milliseconds(200), .milliseconds(60_200), .milliseconds(120_200)])
        #expect(records(result, "attempt-started").last?.time == .milliseconds(180_200) + .minutes(15))
        #expect(result.records.contains { if case .host(.booted(.safeMode, _)) = $0.event { true } else { false } })
        #expect(result.records.map(\.seq) == Array(1...result.records.count))
        #expect(result.agents[0].failures.count == 3)
        #expect(result.downtime == .seconds(3 * 60) + .minutes(15))
    }

    @Test func kernelModeCheckedStillCrashesTheHost() throws {
        let result = try trial(.kernel, .checked, recovery: .remoteFix)
        #expect(result.outcome == .hostCrash)
        #expect(result.hostCrashes == 1)
        #expect(result.bugcheck == .kmodeExceptionNotHandled)
        #expect(result.recovered)
        #expect(result.boots == 2)
    }

    @Test func withoutRecoveryTheLoopRunsToTheBootLimit() throws {
        let result = try trial(.kernel, recovery: .none)
        #expect(result.outcome == .bootLoop)
        #expect(result.hostCrashes == 4)
        #expect(result.bootLoopLength == 3)
        #expect(!result.recovered)
    }

    @Test func aHungKernelIsAWatchdogBugcheckOnItsCPUTime() throws {
        let result = try trial(.kernel, recovery: .remoteFix) { scenario in
            scenario.updates[0].content = "\(Fixtures.content)/ipc-baseline.yaml"
            scenario.updates[0].fault = .regexBomb
            scenario.validator = .off
            scenario.host.watchdog = 0.3
        }
        #expect(result.outcome == .hostCrash)
        #expect(result.bugcheck == .dpcWatchdogViolation)
        #expect(crashes(result).first?.signal == .profilingTimer)
        #expect(result.agents[0].failures.first?.kind == .hang)
        #expect(result.recovered)
    }

    @Test func theKnownBadListRaceIsSeeded() throws {
        let won = try trial(.kernel, recovery: .knownBadList) { $0.boot.knownBadListWin = 1 }
        #expect(won.outcome == .hostCrash)
        #expect(won.boots == 2)
        #expect(won.recoveries == [.knownBadList])
        let lost = try trial(.kernel, recovery: .knownBadList) { $0.boot.knownBadListWin = 0 }
        #expect(lost.outcome == .bootLoop)
        #expect(!lost.recovered)
        #expect(records(lost, "recovery").count == 3)
    }

    @Test func theBootRecordSaysTheLastBootCrashed() throws {
        let result = try trial(.kernel, recovery: .remoteFix)
        let boots = result.records.compactMap { if case .host(.booted(_, let previous)) = $0.event { previous } else { nil } }
        #expect(boots == [PreviousBoot(number: 1, mode: .normal, crashed: true)])
    }

    // MARK: - User mode

    @Test func userModeIsolatesRollsBackAndQuarantines() throws {
        let result = try trial(.user) { scenario in
            // The cloud pushes the same update twice.
            var again = scenario.updates[0]
            again.at = .milliseconds(500)
            scenario.updates.append(again)
        }
        #expect(result.outcome == .isolated)
        #expect(result.hostSurvived)
        let agent = try #require(result.agents.first)
        #expect(agent.failures.map(\.kind) == [.crash])
        #expect(agent.failures.first?.signal == .segmentationFault)
        #expect(agent.failures.first?.update == 1)
        #expect(agent.restarts == 1)
        #expect(agent.rollbacks == 1)
        let digest = ContentDigest.sha256Hex(try Fixtures.compiled("ipc-update-291.yaml"))
        #expect(agent.quarantined == [digest])
        let refused = result.records.compactMap { record -> (Int?, String)? in
            if case .host(.updateRefused(_, let update, let refusedDigest, _)) = record.event { (update, refusedDigest) } else { nil }
        }
        #expect(refused.map(\.0) == [2])
        #expect(refused.map(\.1) == [digest])
        // After the rollback the agent runs the baseline again: 15 IPC instances.
        let restart = try #require(result.records.firstIndex { $0.fields.type == "agent-restart" })
        #expect(result.records[restart...].contains { record in
            if case .host(.channelLoaded(_, nil, .loaded(291, 15, 0, _))) = record.event { true } else { false }
        })
        // Exact on the simulated clock: the batch from 200 ms died; restarted at 210 ms, serving from 230 ms.
        #expect(records(result, "agent-failure").map(\.time) == [.milliseconds(210)])
        #expect(agent.counts.missed == 600)
    }

    @Test func restartBudgetExhaustionLeavesTheAgentPermanentlyFailed() throws {
        let result = try trial(.user) { scenario in
            // The faulty content is already known-good on disk: every start crashes.
            scenario.baseline[0] = scenario.updates[0].content
            scenario.updates = []
            scenario.agents[0].restart = RestartSettings(max: 3, window: .seconds(10), backoff: .milliseconds(10), maxBackoff: .milliseconds(50))
        }
        let agent = try #require(result.agents.first)
        #expect(agent.restarts == 3)
        #expect(agent.permanentlyFailed)
        #expect(agent.failures.count == 4)
        #expect(agent.quarantined.isEmpty)
        #expect(result.hostSurvived)
        // Each start dies on its first batch; restarts come after 0, 10 and 20 ms of backoff, each with 20 ms of start-up.
        #expect(records(result, "agent-failure").map(\.time) == [10, 40, 80, 130].map { .milliseconds($0) })
        #expect(agent.counts.processed == 0)
    }

    @Test func aSpinningAgentIsKilledOnItsCPUBudgetAndChargedItsDetectionTime() throws {
        let result = try trial(.user) { scenario in
            scenario.updates[0].content = "\(Fixtures.content)/ipc-baseline.yaml"
            scenario.updates[0].fault = .regexBomb
            scenario.validator = .off  // both real validators refuse a nested quantifier
            scenario.agents[0].limits.heartbeat = .milliseconds(100)
            scenario.agents[0].limits.verdictDeadline = .milliseconds(250)
            scenario.agents[0].limits.verdictCpu = 0.2
        }
        let failure = try #require(result.agents.first?.failures.first)
        #expect(failure.kind == .hang)
        #expect(failure.detail == "used its CPU budget of 0.2 s on one batch")
        // Hung on the batch from 200 ms; noticed a verdict deadline (250 ms) after its end.
        #expect(records(result, "agent-failure").map(\.time) == [.milliseconds(460)])
        #expect(result.hostSurvived)
    }

    @Test(arguments: [FailMode.open, .closed])
    func everyEventIsAccountedFor(_ failMode: FailMode) throws {
        let result = try trial(.user) { $0.agents[0].failMode = failMode }
        let counts = try #require(result.agents.first?.counts)
        #expect(counts.generated == 16_000)
        switch failMode {
        case .open:
            #expect(counts.missed == 600)
            #expect(counts.blocked == 0)
        case .closed:
            #expect(counts.blocked == 600)
            #expect(counts.missed == 0)
        }
        #expect(counts.processed == 15_400)
    }

    // MARK: - Hostile agents

    @Test(arguments: ["hostile-garbage", "hostile-oversized", "hostile-flood", "hostile-silent", "hostile-close-fds"])
    func aHostileAgentCannotTakeTheSupervisorDown(_ entry: String) throws {
        let expected: AgentFailure.Kind = entry == "hostile-garbage" || entry == "hostile-oversized" ? .protocolError : .hang
        let result = try trial(.user) { scenario in
            scenario.updates = []
            // Three starts, each noticed dead 250 ms (a verdict deadline) after its first batch, and two backoffs.
            scenario.host.duration = .seconds(2)
            scenario.agents[0].entry = entry
            scenario.agents[0].limits.verdictCpu = 0.1
            scenario.agents[0].limits.stall = 0.1
            scenario.agents[0].restart = RestartSettings(max: 2, window: .seconds(10), backoff: .milliseconds(10), maxBackoff: .milliseconds(50))
        }
        #expect(result.hostSurvived)
        #expect(result.records.last?.fields.type == "shutdown", "the host ran to its end")
        let agent = try #require(result.agents.first)
        #expect(agent.failures.map(\.kind) == [expected, expected, expected], "\(entry)")
        #expect(agent.permanentlyFailed)
        #expect(agent.counts.processed == 0)
        #expect(agent.counts.missed == agent.counts.generated)
    }
}
