import RingfenceContent
import RingfenceHost
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceLab

/// The outcome is decided in one pure function over typed records: these
/// tests hand it records, with no process and no clock.
@Suite(.timeLimit(.minutes(10))) struct TrialAnalysisTests {
    func settings(_ agents: [(String, Isolation)] = [("sensor", .user)]) -> TrialSettings {
        TrialSettings(name: "t", seed: 1, host: HostSettings(), boot: BootSettings(), validator: .buggy, definitions: nil,
                      agents: agents.map { name, isolation in
                          var agent = AgentConfiguration(name: name, profile: "/p.json")
                          agent.isolation = isolation
                          return agent
                      }, baseline: [], updates: [])
    }

    /// Records in order, numbered, each at `time` milliseconds.
    func log(_ entries: [(boot: Int, ms: Int64, event: TrialEvent)]) -> [TrialRecord] {
        entries.enumerated().map { index, entry in
            TrialRecord(seq: index + 1, time: .milliseconds(entry.ms), boot: entry.boot, event: entry.event)
        }
    }

    func totals(_ name: String = "sensor", generated: Int, processed: Int? = nil) -> [AgentCounts] {
        var counts = AgentCounts(name: name)
        counts.generated = generated
        counts.processed = processed ?? generated
        counts.missed = generated - counts.processed
        return [counts]
    }

    func crash(atBoot: Bool, driver: String? = "sensor", bugcheck: Bugcheck = .pageFaultInNonpagedArea) -> TrialEvent {
        .hostCrash(HostCrash(signal: .segmentationFault, bugcheck: bugcheck, atBoot: atBoot, driver: driver, channel: 291,
                             counts: totals(generated: 100)))
    }

    /// The lab keeps tallies, not records: 5,000 agent failures in one trial
    /// leave no record in memory, list the first 1,000 failures and timeline
    /// entries, and count them all (issue 11: the lab grew with every restart).
    @Test func theLabsMemoryDoesNotGrowWithRestarts() throws {
        let log = try RecordLog(path: Fixtures.temporaryDirectory("record-log") + "/records.jsonl", settings: settings())
        log.append(.attemptStarted(.normal), at: .zero, boot: 1)
        for index in 1...5_000 {
            log.append(.host(.agentFailure(agent: "sensor", AgentFailure(kind: .crash, signal: .segmentationFault))), at: .milliseconds(Int64(index)), boot: 1)
            log.append(.host(.agentRestart(agent: "sensor", restarts: index)), at: .milliseconds(Int64(index)), boot: 1)
        }
        log.append(.host(.shutdown(totals(generated: 10))), at: .seconds(6), boot: 1)
        #expect(log.records.isEmpty)
        let result = log.tally.result()
        #expect(result.recordCount == 10_002)
        #expect(result.agents[0].failures.count == TrialAnalysis.Tally.maxListed)
        #expect(result.agents[0].failureCount == 5_000)
        #expect(result.agents[0].restarts == 5_000)
        #expect(result.timeline.count == TrialAnalysis.Tally.maxListed)
        #expect(result.timelineOmitted == 10_002 - TrialAnalysis.Tally.maxListed)
        #expect(result.outcome == .isolated)
    }

    @Test func twoCrashesAtBootInARowAreABootLoop() {
        let records = log([
            (1, 0, .attemptStarted(.normal)), (1, 100, crash(atBoot: false)),
            (2, 60_100, .attemptStarted(.normal)), (2, 60_100, crash(atBoot: true)),
            (3, 120_100, .attemptStarted(.normal)), (3, 120_100, crash(atBoot: true)),
            (4, 180_100, .attemptStarted(.safeMode)), (4, 1_080_100, .host(.shutdown(totals(generated: 0)))),
            (5, 1_080_100, .recovery(Recovery(action: .safeMode, applied: true, reason: "deleted", files: ["C-00000291-1.chan"]))),
            (5, 1_080_100, .attemptStarted(.normal)), (5, 1_080_500, .host(.shutdown(totals(generated: 8_000)))),
        ])
        let result = TrialAnalysis.result(of: records, settings: settings([("sensor", .kernel)]))
        #expect(result.outcome == .bootLoop)
        #expect(result.isSound)
        #expect(result.hostCrashes == 3)
        #expect(result.boots == 4)
        #expect(result.bootLoopLength == 2)
        #expect(result.recovered)
        #expect(result.recoveries == [.safeMode])
        #expect(result.downtime == .seconds(3 * 60) + .minutes(15))
        // A kernel-mode agent is charged each crash its code caused, and its totals come from the dumps.
        #expect(result.agents[0].failures.map(\.kind) == [.crash, .crash, .crash])
        #expect(result.agents[0].counts.generated == 3 * 100 + 8_000)
    }

    @Test func aCrashIsChargedOnlyToTheDriverWhoseCodeFaulted() {
        let records = log([(1, 0, .attemptStarted(.normal)), (1, 100, crash(atBoot: false, driver: "vendor-b", bugcheck: .dpcWatchdogViolation))])
        let result = TrialAnalysis.result(of: records, settings: settings([("vendor-a", .kernel), ("vendor-b", .kernel)]))
        #expect(result.outcome == .hostCrash)
        #expect(result.agents[0].failures.isEmpty)
        #expect(result.agents[1].failures.map(\.kind) == [.hang])
        #expect(!result.recovered)
    }

    @Test func anAgentFailureIsIsolatedAndItsSupervisorsActionsAreCounted() {
        let records = log([
            (1, 0, .attemptStarted(.normal)),
            (1, 110, .host(.agentFailure(agent: "sensor", AgentFailure(kind: .crash, signal: .segmentationFault, update: 1)))),
            (1, 110, .host(.quarantine(agent: "sensor", update: 1, channel: 291, digest: "abc", reason: "r"))),
            (1, 110, .host(.rollback(agent: "sensor", update: 1, channel: 291, knownGood: "def"))),
            (1, 110, .host(.agentRestart(agent: "sensor", restarts: 1))),
            (1, 500, .host(.shutdown(totals(generated: 10_000, processed: 9_400)))),
        ])
        let result = TrialAnalysis.result(of: records, settings: settings())
        #expect(result.outcome == .isolated)
        #expect(result.hostSurvived)
        #expect(result.agents[0].restarts == 1)
        #expect(result.agents[0].rollbacks == 1)
        #expect(result.agents[0].quarantined == ["abc"])
        #expect(result.agents[0].counts.missed == 600)
    }

    @Test func theWorstOutcomeWins() {
        func outcome(_ events: [TrialEvent]) -> Outcome {
            let records = log([(1, 0, .attemptStarted(.normal))] + events.map { (1, 1, $0) } + [(1, 2, .host(.shutdown(totals(generated: 10))))])
            return TrialAnalysis.result(of: records, settings: settings()).outcome
        }
        let rejected = TrialEvent.updateRejected(update: 1, channel: 291, digest: "d", validator: .on, findings: "f")
        let handled = TrialEvent.host(.channelLoaded(agent: "sensor", update: 1, .loaded(channel: 291, instances: 15, disabled: 2, detail: nil)))
        let refused = TrialEvent.host(.channelLoaded(agent: "sensor", update: 1, .refused(reason: "bad length")))
        let failure = TrialEvent.host(.agentFailure(agent: "sensor", AgentFailure(kind: .hang)))
        #expect(outcome([]) == .clean)
        #expect(outcome([rejected]) == .rejected)
        #expect(outcome([rejected, handled]) == .handled)
        #expect(outcome([refused]) == .handled)
        #expect(outcome([handled, failure]) == .isolated)
        // A load with nothing disabled is no sign of trouble.
        #expect(outcome([.host(.channelLoaded(agent: "sensor", update: 1, .loaded(channel: 291, instances: 15, disabled: 0, detail: nil)))])
            == .clean)
    }

    @Test func aTrialInWhichNothingRanIsAnErrorNeverClean() {
        let records = log([(1, 0, .attemptStarted(.normal)), (1, 400, .host(.shutdown(totals(generated: 0))))])
        let result = TrialAnalysis.result(of: records, settings: settings())
        #expect(result.problems == [.noEvents])
        #expect(!result.isSound)
    }

    @Test func droppedEventsAndHostErrorsAreProblems() {
        let records = log([
            (1, 0, .attemptStarted(.normal)), (1, 10, .host(.eventsDropped(agent: "sensor", events: 200, scanned: 10))),
            (1, 400, .host(.shutdown(totals(generated: 400, processed: 210)))), (2, 400, .hostError("boot 2 exited with status 2")),
        ])
        let result = TrialAnalysis.result(of: records, settings: settings())
        #expect(result.problems == [.eventsDropped(agent: "sensor", events: 200, scanned: 10), .hostError("boot 2 exited with status 2")])
    }

    @Test func recordsRoundTripThroughTheirJSONFields() throws {
        let events: [TrialEvent] = [
            .trialStarted(scenario: "s", seed: 7), .attemptStarted(.safeMode), crash(atBoot: true),
            .recovery(Recovery(action: .knownBadList, applied: false, reason: "lost the race")), .hostError("x"),
            .updateRejected(update: 2, channel: 291, digest: "d", validator: .on, findings: "f"),
            .host(.booted(.normal, previous: PreviousBoot(number: 1, mode: .normal, crashed: true))),
            .host(.agentFailure(agent: "a", AgentFailure(kind: .policyViolation, signal: .badSystemCall, syscall: "openat", update: 1))),
            .host(.channelLoaded(agent: "a", update: nil, .refused(reason: "r"))),
            .host(.bugcheck(agent: "a", .kernelSecurityCheckFailure, reason: "r")),
            .host(.agentStarted(agent: "a", wall: WallFacts(pid: 9, launchMilliseconds: 0.25))),
        ]
        for (index, event) in events.enumerated() {
            let record = TrialRecord(seq: index + 1, time: .microseconds(1_234_567), boot: 2, event: event)
            #expect(try TrialRecord(record.fields) == record)
        }
    }
}
