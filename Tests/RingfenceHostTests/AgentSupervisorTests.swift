import RingfenceTestSupport
import Testing
@testable import RingfenceHost

/// The supervisor's state machine, driven by plain simulated times and a fake
/// launcher (the test reads the launch actions instead of starting processes).
@Suite(.timeLimit(.minutes(10))) struct AgentSupervisorTests {
    let baseline = ContentUpdate(channel: 291, bytes: Array("baseline".utf8), update: nil)
    let update = ContentUpdate(channel: 291, bytes: Array("update".utf8), update: 1)

    func supervisor(max: Int = 3, window: Double = 10, backoff: Double = 0.01) -> AgentSupervisor {
        AgentSupervisor(name: "sensor", restart: RestartSettings(max: max, window: t(window), backoff: t(backoff), maxBackoff: t(1)),
                        rollbackWindow: t(5), content: [baseline])
    }

    /// Seconds on the simulated clock.
    func t(_ seconds: Double) -> SimulatedTime { SimulatedTime(seconds: seconds) }

    func launches(_ actions: [AgentSupervisor.Action]) -> [[ContentUpdate]] {
        actions.compactMap { if case .launch(let content) = $0 { content } else { nil } }
    }

    func records(_ actions: [AgentSupervisor.Action]) -> [String] {
        actions.compactMap { if case .record(let event) = $0 { event.type } else { nil } }
    }

    @Test func startsWithItsContent() {
        let supervisor = supervisor()
        #expect(launches(supervisor.start(now: t(0))) == [[baseline]])
        #expect(supervisor.state == .running(since: t(0)))
    }

    @Test func firstRestartIsImmediateThenBackoffDoubles() {
        let supervisor = supervisor(max: 10, backoff: 0.01)
        _ = supervisor.start(now: t(0))
        _ = supervisor.failed(AgentFailure(kind: .crash, signal: .segmentationFault), now: t(1))
        #expect(supervisor.state == .restarting(at: t(1)))
        #expect(launches(supervisor.tick(now: t(1))).count == 1)
        _ = supervisor.failed(AgentFailure(kind: .crash), now: t(1.001))
        #expect(supervisor.state == .restarting(at: t(1.011)))
        #expect(supervisor.tick(now: t(1.005)).isEmpty)
        #expect(launches(supervisor.tick(now: t(1.011))).count == 1)
        _ = supervisor.failed(AgentFailure(kind: .crash), now: t(1.012))
        #expect(supervisor.state == .restarting(at: t(1.032)))
    }

    @Test func budgetExhaustionMeansExactlyMaxRestarts() {
        let supervisor = supervisor(max: 3)
        _ = supervisor.start(now: t(0))
        var now = SimulatedTime.zero
        var final: [AgentSupervisor.Action] = []
        for _ in 0..<4 {
            now += t(0.1)
            final = supervisor.failed(AgentFailure(kind: .crash), now: now)
            if case .restarting(let at) = supervisor.state {
                now = at
                _ = supervisor.tick(now: now)
            }
        }
        #expect(supervisor.restarts == 3)
        #expect(supervisor.state == .permanentlyFailed(since: now))
        #expect(records(final).last == "agent-permanently-failed")
        // Nothing restarts it afterwards.
        #expect(supervisor.tick(now: now + t(100)).isEmpty)
    }

    @Test func failuresOutsideTheWindowDoNotExhaustTheBudget() {
        let supervisor = supervisor(max: 2, window: 1)
        _ = supervisor.start(now: t(0))
        for second in 1...10 {
            _ = supervisor.failed(AgentFailure(kind: .crash), now: t(Double(second) * 2))
            if case .restarting(let at) = supervisor.state { _ = supervisor.tick(now: at) }
        }
        #expect(supervisor.restarts == 10)
        #expect(supervisor.isRunning)
    }

    @Test func aFailureSoonAfterAnUpdateQuarantinesAndRollsBack() {
        let supervisor = supervisor()
        _ = supervisor.start(now: t(0))
        #expect(supervisor.deliver(update, now: t(1)) == [.deliver(update)])
        #expect(supervisor.currentContent == [update])
        let actions = supervisor.failed(AgentFailure(kind: .crash, signal: .segmentationFault), now: t(1.2))
        #expect(records(actions) == ["agent-failure", "quarantine", "rollback"])
        #expect(supervisor.rollbacks == 1)
        #expect(supervisor.quarantined.keys.sorted() == [update.digest])
        // The restart runs the last known-good content.
        #expect(launches(supervisor.tick(now: t(1.2))) == [[baseline]])
        // The same update, delivered again, is refused with the reason.
        let again = supervisor.deliver(update, now: t(3))
        #expect(records(again) == ["update-refused"])
        guard case .record(.updateRefused(_, _, _, let reason)) = again.first else { return }
        #expect(reason == "agent sensor failed (crash) 200ms after loading it")
        #expect(supervisor.currentContent == [baseline])
    }

    @Test func aFailureOnKnownGoodContentQuarantinesNothing() {
        let supervisor = supervisor()
        _ = supervisor.start(now: t(0))
        let actions = supervisor.failed(AgentFailure(kind: .crash), now: t(1))
        #expect(records(actions) == ["agent-failure"])
        #expect(supervisor.quarantined.isEmpty)
        #expect(supervisor.rollbacks == 0)
    }

    @Test func anUpdateThatSurvivesItsWindowBecomesKnownGood() {
        let supervisor = supervisor()
        _ = supervisor.start(now: t(0))
        _ = supervisor.deliver(update, now: t(1))
        _ = supervisor.tick(now: t(7))
        #expect(supervisor.knownGood[291] == update)
        #expect(supervisor.candidate == nil)
        #expect(records(supervisor.failed(AgentFailure(kind: .crash), now: t(8))) == ["agent-failure"])
        #expect(supervisor.quarantined.isEmpty)
    }

    @Test func anUpdateWhileDownIsLoadedAtTheRestart() {
        let supervisor = supervisor(backoff: 1)
        _ = supervisor.start(now: t(0))
        _ = supervisor.failed(AgentFailure(kind: .crash), now: t(10))
        _ = supervisor.tick(now: t(10))
        _ = supervisor.failed(AgentFailure(kind: .crash), now: t(20))  // backoff now 1 s
        #expect(supervisor.deliver(update, now: t(20.5)).isEmpty)  // held, not sent to a dead agent
        #expect(launches(supervisor.tick(now: t(21))) == [[update]])
    }
}
