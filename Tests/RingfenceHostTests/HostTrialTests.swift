import Foundation
import RingfenceContent
import RingfenceSensor
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost
@testable import RingfenceLab

/// Real hosts in real processes: the lab boots `ringfence __host`, which runs
/// kernel-mode agents in itself and user-mode agents under the sandbox.
@Suite(.serialized) struct HostTrialTests {
    static var profile: String { "\(Fixtures.root)/Sandbox/profiles/agent.json" }

    func trial(_ isolation: Isolation, _ interpreter: InterpreterKind = .unsafe, recovery: RecoveryAction = .safeMode,
               configure: (inout TrialSettings) throws -> Void = { _ in }) throws -> TrialResult {
        var july19 = July19Trial(contentDirectory: Fixtures.content, profile: Self.profile)
        july19.isolation = isolation
        july19.interpreter = interpreter
        july19.duration = 0.6
        july19.boot = BootSettings(maxBoots: 4, recovery: recovery)
        var settings = try july19.settings(name: "\(isolation)-\(interpreter)")
        try configure(&settings)
        let folder = Fixtures.temporaryDirectory("trial")
        return try TrialRunner(settings: settings, folder: folder, executable: RingfenceBinary.path).run()
    }

    // MARK: - Kernel mode

    @Test func kernelModeBootLoopsAndSafeModeRecovers() throws {
        let result = try trial(.kernel)
        #expect(result.outcome == .bootLoop)
        #expect(result.hostCrashes == 3)
        #expect(result.boots == 4)
        #expect(result.bootLoopLength == 2)
        #expect(result.bugcheck == .pageFaultInNonpagedArea)
        #expect(result.recovered)
        #expect(result.recoveries == ["safe-mode"])
        let crashes = result.records.filter { $0.type == "host-crash" }
        #expect(crashes.map(\.signal) == ["SIGSEGV", "SIGSEGV", "SIGSEGV"])
        #expect(crashes.map(\.atBoot) == [false, true, true])
        #expect(result.records.contains { $0.type == "boot" && $0.detail == "safe-mode" })
        // Sequence numbers are gapless and increasing.
        #expect(result.records.map(\.seq) == Array(1...result.records.count))
        #expect(result.agents[0].failures.count == 3)
        #expect(result.downtimeSeconds == 3 * 60 + 900)
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

    @Test func aHungKernelIsAWatchdogBugcheck() throws {
        let result = try trial(.kernel, recovery: .remoteFix) { settings in
            settings.updates[0].bytes = try FaultInjector().apply(.regexBomb, to: Fixtures.compiled("ipc-baseline.yaml"), seed: 1)
            settings.validator = .off
            settings.watchdogSeconds = 0.5
        }
        #expect(result.outcome == .hostCrash)
        #expect(result.bugcheck == .dpcWatchdogViolation)
        #expect(result.records.first { $0.type == "host-crash" }?.signal == "SIGALRM")
        #expect(result.agents[0].failures.first?.kind == .hang)
        #expect(result.recovered)
    }

    @Test func theKnownBadListRaceIsSeeded() throws {
        let won = try trial(.kernel, recovery: .knownBadList) { $0.boot.knownBadListWinProbability = 1 }
        #expect(won.outcome == .hostCrash)
        #expect(won.boots == 2)
        #expect(won.recoveries == ["known-bad-list"])
        let lost = try trial(.kernel, recovery: .knownBadList) { $0.boot.knownBadListWinProbability = 0 }
        #expect(lost.outcome == .bootLoop)
        #expect(!lost.recovered)
        #expect(lost.records.filter { $0.type == "recovery" }.count == 3)
    }

    @Test func theBootRecordSaysTheLastBootCrashed() throws {
        let result = try trial(.kernel, recovery: .remoteFix)
        let boots = result.records.filter { $0.type == "boot" }
        #expect(boots.count == 2)
        #expect(boots[1].reason == "previous boot 1 (normal): crashed")
    }

    // MARK: - User mode

    @Test func userModeIsolatesRollsBackAndQuarantines() throws {
        let result = try trial(.user) { settings in
            // The cloud pushes the same update twice.
            settings.updates.append(ScheduledUpdate(at: 0.5, channel: 291, bytes: settings.updates[0].bytes, label: "again"))
        }
        #expect(result.outcome == .isolated)
        #expect(result.hostSurvived)
        #expect(result.hostCrashes == 0)
        let agent = try #require(result.agents.first)
        #expect(agent.failures.map(\.kind) == [.crash])
        #expect(agent.failures.first?.signal == "SIGSEGV")
        #expect(agent.failures.first?.update == 1)
        #expect(agent.counts.restarts == 1)
        #expect(agent.counts.rollbacks == 1)
        let digest = ContentDigest.sha256Hex(try Fixtures.compiled("ipc-update-291.yaml"))
        #expect(agent.counts.quarantined == [digest])
        let refused = try #require(result.records.first { $0.type == "update-refused" })
        #expect(refused.update == 2)
        #expect(refused.digest == digest)
        #expect(refused.detail == "quarantined")
        // After the rollback the agent runs the baseline again: 15 IPC instances.
        let restart = try #require(result.records.firstIndex { $0.type == "agent-restart" })
        #expect(result.records[restart...].contains { $0.type == "channel-loaded" && $0.channel == 291 && $0.detail == "15 instances" })
    }

    @Test func restartBudgetExhaustionLeavesTheAgentPermanentlyFailed() throws {
        let result = try trial(.user) { settings in
            // The faulty content is already known-good on disk: every start crashes.
            settings.baseline = settings.baseline.map { bytes in
                (try? ChannelFile(parsing: bytes))?.header.channel == 291 ? settings.updates[0].bytes : bytes
            }
            settings.updates = []
            settings.agents[0].restart = RestartSettings(max: 3, window: 10, backoff: 0.01, maxBackoff: 0.05)
        }
        let agent = try #require(result.agents.first)
        #expect(agent.counts.restarts == 3)
        #expect(agent.counts.permanentlyFailed)
        #expect(agent.failures.count == 4)
        #expect(agent.counts.quarantined.isEmpty)
        #expect(result.hostSurvived)
        #expect(result.records.contains { $0.type == "agent-permanently-failed" && $0.restarts == 3 })
        #expect(agent.counts.unprotectedSeconds > 0.3)
    }

    @Test func aHangIsDetectedWithinThreeHeartbeats() throws {
        let result = try trial(.user) { settings in
            settings.updates[0].bytes = try FaultInjector().apply(.regexBomb, to: Fixtures.compiled("ipc-baseline.yaml"), seed: 1)
            settings.validator = .off  // both real validators would refuse a nested quantifier
            settings.agents[0].heartbeatSeconds = 0.1
            settings.agents[0].verdictDeadlineSeconds = 0.25
        }
        let failure = try #require(result.records.first { $0.type == "agent-failure" })
        #expect(failure.detail == "hang")
        let loaded = try #require(result.records.last { $0.type == "channel-loaded" && $0.channel == 291 && $0.time < failure.time })
        #expect(failure.time - loaded.time <= 300 + 100, "hang detected after \(failure.time - loaded.time) ms")
        #expect(result.hostSurvived)
    }

    @Test(arguments: [FailMode.open, .closed])
    func everyEventIsAccountedFor(_ failMode: FailMode) throws {
        let result = try trial(.user) { settings in settings.agents[0].failMode = failMode }
        let counts = try #require(result.agents.first?.counts)
        #expect(counts.generated > 10_000)
        switch failMode {
        case .open:
            #expect(counts.missed > 0)
            #expect(counts.blocked == 0)
            #expect(counts.processed + counts.missed == counts.generated)
        case .closed:
            #expect(counts.blocked > 0)
            #expect(counts.missed == 0)
            #expect(counts.processed + counts.blocked == counts.generated)
        }
    }

    // MARK: - Hostile agents

    @Test(arguments: ["hostile-garbage", "hostile-oversized", "hostile-flood", "hostile-silent", "hostile-close-fds"])
    func aHostileAgentCannotTakeTheSupervisorDown(_ entry: String) throws {
        let expected: AgentFailure.Kind = entry == "hostile-garbage" || entry == "hostile-oversized" ? .protocolError : .hang
        let result = try trial(.user) { settings in
            settings.updates = []
            // Three starts, each ended by a 0.1 s deadline, and their backoffs
            // take most of the usual 0.6 s on a busy 2-core machine.
            settings.duration = 1.5
            settings.agents[0].entry = entry
            settings.agents[0].heartbeatSeconds = 0.05
            settings.agents[0].verdictDeadlineSeconds = 0.1
            settings.agents[0].restart = RestartSettings(max: 2, window: 10, backoff: 0.01, maxBackoff: 0.05)
        }
        #expect(result.hostSurvived)
        #expect(result.records.last?.type == "shutdown", "the host ran to its end")
        let agent = try #require(result.agents.first)
        #expect(agent.failures.first?.kind == expected, "\(entry): \(agent.failures)")
        #expect(agent.counts.permanentlyFailed)
        #expect(agent.counts.processed == 0)
        #expect(agent.counts.missed == agent.counts.generated)
    }
}
