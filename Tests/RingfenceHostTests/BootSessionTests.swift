import RingfenceContent
import RingfenceSensor
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost

/// The host's event loop on the simulated clock, with fake agents: no fork,
/// no pipe, no wall clock. Every figure here is exact, because simulated time
/// makes it so: 20,000 events per second is 200 events per 10 ms batch.
@Suite(.timeLimit(.minutes(10))) struct BootSessionTests {
    let bench = BootBench()
    let baseline: [UInt8]
    let poisoned: [UInt8]

    init() throws {
        baseline = try Fixtures.compiled("ipc-baseline.yaml")
        poisoned = try Fixtures.compiled("ipc-update-291.yaml")
        try bench.install([baseline])
    }

    func configuration(_ agents: [AgentConfiguration], rate: Int = 20_000, duration: SimulatedTime = .milliseconds(400),
                       bootAt: SimulatedTime = .zero, deliveries: [ScheduledDelivery] = []) -> HostConfiguration {
        var host = HostSettings()
        host.duration = duration
        host.events.rate = rate
        return HostConfiguration(seed: 291, boot: 1, bootAt: bootAt, host: host, agents: agents, deliveries: deliveries)
    }

    func counts(_ name: String = "sensor") throws -> AgentCounts {
        guard case .shutdown(let counts) = try #require(bench.records.events.last) else { throw ScenarioFailure("no shutdown record") }
        return try #require(counts.first { $0.name == name })
    }

    // MARK: - Accounting

    @Test(arguments: [FailMode.open, .closed])
    func aCrashLosesItsBatchAndTheRestartsStartupAndNothingElse(_ failMode: FailMode) throws {
        bench.launcher.behaviour = .failsOnPoison(AgentFailure(kind: .crash, signal: .segmentationFault))
        bench.launcher.poison = [ContentDigest.sha256Hex(poisoned)]
        var agent = bench.agent()
        agent.failMode = failMode
        try bench.run(configuration([agent], deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100))]))

        // The batch from 100 ms to 110 ms is the one it died on; it is charged at its end.
        #expect(bench.records.times(of: "agent-failure") == [.milliseconds(110)])
        #expect(bench.records.times(of: "quarantine") == [.milliseconds(110)])
        #expect(bench.records.times(of: "agent-restart") == [.milliseconds(110)])
        let counts = try counts()
        #expect(counts.generated == 10_000)  // 500 ms at 20,000 per second
        // Lost: the crashed batch (200 events) and the restart's 20 ms start-up (400 events).
        let lost = failMode == .open ? counts.missed : counts.blocked
        #expect(lost == 600)
        #expect(counts.processed == 9_400)
        #expect(counts.processed + counts.missed + counts.blocked == counts.generated)
        #expect(counts.unprotected == .milliseconds(30))
        // The restart runs the baseline again: the update is quarantined.
        #expect(bench.launcher.launchContent.last == [ContentDigest.sha256Hex(baseline)])
    }

    @Test func aHangIsChargedTheTimeItTakesToNotice() throws {
        bench.launcher.behaviour = .failsOnPoison(AgentFailure(kind: .hang, detail: "used its CPU budget of 2.0 s on one batch"))
        bench.launcher.poison = [ContentDigest.sha256Hex(poisoned)]
        var agent = bench.agent()
        agent.limits.heartbeat = .milliseconds(100)
        agent.limits.verdictDeadline = .milliseconds(250)
        try bench.run(configuration([agent], deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100))]))
        // Noticed after the verdict deadline (250 ms), which comes before three heartbeats (300 ms).
        #expect(bench.records.times(of: "agent-failure") == [.milliseconds(360)])
        let counts = try counts()
        // Down from 110 ms (the batch it hung on is lost) to 380 ms (noticed, restarted, started up).
        #expect(counts.missed == 200 + 5_400)
    }

    @Test(arguments: [AgentFailure.Kind.crash, .hang])
    func aFailureOnTheLastBatchIsStillHandled(_ kind: AgentFailure.Kind) throws {
        bench.launcher.behaviour = .failsOnPoison(AgentFailure(kind: kind))
        bench.launcher.poison = [ContentDigest.sha256Hex(poisoned)]
        // The update's batch is the boot's last: it ends at 110 ms.
        try bench.run(configuration([bench.agent()], duration: .milliseconds(10),
                                    deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100))]))
        // A crash is handled as the boot ends; a hang, once noticed, 250 ms on: the boot runs until then.
        let noticed: SimulatedTime = kind == .crash ? .milliseconds(110) : .milliseconds(360)
        #expect(bench.records.times(of: "agent-failure") == [noticed])
        #expect(bench.records.times(of: "quarantine") == [noticed])
        #expect(bench.records.times(of: "shutdown") == [noticed])
        #expect(bench.records.times(of: "agent-restart").isEmpty, "nothing restarts as the boot ends")
    }

    @Test func anUpdateThatArrivesWhileAHangGoesUnnoticedIsNotBlamedForIt() throws {
        bench.launcher.behaviour = .failsOnPoison(AgentFailure(kind: .hang))
        bench.launcher.poison = [ContentDigest.sha256Hex(poisoned)]
        let innocent = try Fixtures.compiled("process-baseline.yaml")
        // The agent hangs on the batch after 100 ms; that is noticed at 360 ms; an innocent update comes at 200 ms.
        try bench.run(configuration([bench.agent()], deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100)),
                                                                  try bench.stage(innocent, update: 2, at: .milliseconds(200))]))
        let quarantined = bench.records.events.compactMap { event -> Int? in
            if case .quarantine(_, let update, _, _, _) = event { update } else { nil }
        }
        #expect(quarantined == [1])
        // The restart runs the baseline and the innocent update, not the poisoned one.
        let restart = try #require(bench.launcher.launchContent.last)
        #expect(restart.contains(ContentDigest.sha256Hex(innocent)))
        #expect(!restart.contains(ContentDigest.sha256Hex(poisoned)))
    }

    @Test func everyEventIsScannedAtAnyRate() throws {
        try bench.run(configuration([bench.agent()], rate: 2_000_000, duration: .milliseconds(10)))
        let counts = try counts()
        #expect(counts.generated == 20_000)
        #expect(counts.processed == 20_000)
        #expect(!bench.records.events.contains { $0.type == "events-dropped" })
        // Batches were cut to fit the ring's slot: every one of them fitted.
        let agent = try #require(bench.launcher.launched.first)
        #expect(agent.oversized == 0)
        #expect(agent.batches > 20_000 / EventRingLayout.standard.maxEvents)
    }

    @Test func eventsAnAgentDidNotScanAreAnErrorRecord() throws {
        bench.launcher.behaviour = .scansOnly(10)
        try bench.run(configuration([bench.agent()], duration: .milliseconds(20)))
        let dropped = bench.records.events.compactMap { event -> Int? in
            if case .eventsDropped(_, let events, let scanned) = event { events - scanned } else { nil }
        }
        #expect(dropped == [190, 190])
        let counts = try counts()
        #expect(counts.processed == 20)
        #expect(counts.missed == 380)
    }

    @Test func aSandboxThatCannotBeSetUpRunsNoAgent() throws {
        bench.launcher.setupFails = true
        var agent = bench.agent()
        agent.restart.max = 2
        try bench.run(configuration([agent]))
        let failures = bench.records.events.compactMap { event -> AgentFailure.Kind? in
            if case .agentFailure(_, let failure) = event { failure.kind } else { nil }
        }
        #expect(failures == [.sandboxSetup, .sandboxSetup, .sandboxSetup])
        #expect(bench.records.events.contains { $0.type == "agent-permanently-failed" })
        let counts = try counts()
        #expect(counts.processed == 0)
        #expect(counts.missed == counts.generated)
    }

    // MARK: - Time

    @Test func anUpdateDueWhileTheHostWasDownIsDeliveredAsItComesUp() throws {
        try bench.run(configuration([bench.agent()], bootAt: .seconds(60), deliveries: [try bench.stage(baseline, update: 1, at: .milliseconds(100))]))
        #expect(bench.records.times(of: "update-delivered") == [.seconds(60)])
        // The boot runs its duration after it came up.
        #expect(bench.records.times(of: "shutdown") == [.seconds(60) + .milliseconds(400)])
    }

    @Test func aBootRunsItsDurationAfterTheLastUpdate() throws {
        let deliveries = [try bench.stage(baseline, update: 1, at: .milliseconds(100)), try bench.stage(baseline, update: 2, at: .seconds(3))]
        try bench.run(configuration([bench.agent()], deliveries: deliveries))
        #expect(bench.records.times(of: "update-delivered") == [.milliseconds(100), .seconds(3)])
        #expect(bench.records.times(of: "shutdown") == [.seconds(3) + .milliseconds(400)])
        // A load is reported with its update, at the time it was delivered.
        let loads = bench.records.records.compactMap { record -> SimulatedTime? in
            if case .channelLoaded(_, 2, _) = record.event { record.time } else { nil }
        }
        #expect(loads == [.seconds(3)])
        // Counts every simulated second.
        #expect(bench.records.times(of: "counts") == [.seconds(1), .seconds(2), .seconds(3)])
    }

    @Test func countsComeAHundredTimesInALongBoot() {
        #expect(BootSession.countsInterval(bootAt: .zero, end: .milliseconds(500)) == .seconds(1))
        #expect(BootSession.countsInterval(bootAt: .zero, end: .minutes(100)) == .seconds(60))
        #expect(BootSession.countsInterval(bootAt: .seconds(10), end: .seconds(10) + .minutes(57)) == .seconds(35))
    }

    // MARK: - Kernel-mode drivers

    @Test func aKernelModeDriverScansEveryEventInTheHost() throws {
        try bench.run(configuration([bench.agent(isolation: .kernel)], deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100))]))
        let counts = try counts()
        #expect(counts.processed == 10_000)
        #expect(counts.detected > 0)
        // The resilient interpreter disabled the two instances with a criterion on field 21.
        let update = bench.records.events.compactMap { event -> Int? in
            if case .channelLoaded(_, 1, .loaded(_, _, let disabled, _)) = event { disabled } else { nil }
        }
        #expect(update == [2])
    }

    @Test func aSensorThatSuppliesTwentyOneFieldsGetsEventsWithTwentyOne() throws {
        var wide = bench.agent("wide", isolation: .kernel)
        wide.supplies = ["ipc": 21]
        let narrow = bench.agent("narrow", isolation: .kernel)
        try bench.run(configuration([wide, narrow], deliveries: [try bench.stage(poisoned, update: 1, at: .milliseconds(100))]))
        let disabled = bench.records.events.compactMap { event -> String? in
            if case .channelLoaded(let agent, 1, .loaded(_, _, let disabled, _)) = event { "\(agent) \(disabled)" } else { nil }
        }
        // Field 21 exists for the wide sensor: nothing to disable.
        #expect(disabled == ["wide 0", "narrow 2"])
        #expect(try counts("wide").processed == 10_000)
    }
}

struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
