import Foundation
import RingfenceContent
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost
@testable import RingfenceLab

/// The lab's bookkeeping between boots, on a disk in a temporary folder and
/// crash dumps made by hand: what a crash is charged to, and what recovery
/// deletes.
@Suite(.timeLimit(.minutes(10))) struct TrialStateTests {
    let folder = Fixtures.temporaryDirectory("trial-state")

    func state(recovery: RecoveryAction) throws -> TrialState {
        var boot = BootSettings()
        boot.recovery = recovery
        var agent = AgentConfiguration(name: "sensor", profile: "/p.json")
        agent.isolation = .kernel
        let settings = TrialSettings(name: "t", seed: 1, host: HostSettings(), boot: boot, validator: .buggy, definitions: nil,
                                     agents: [agent], baseline: [try Fixtures.compiled("ipc-baseline.yaml")], updates: [])
        let disk = HostDisk(root: "\(folder)/disk")
        try disk.prepare()
        // The bad channel 291 is on the disk before the first boot: no update brought it.
        try disk.install(try Fixtures.compiled("ipc-update-291.yaml"), channel: 291, update: 0)
        return TrialState(settings: settings, log: try RecordLog(path: "\(folder)/records.jsonl", settings: settings, retainsRecords: true), disk: disk)
    }

    func dump(driver: Int?, channel: UInt32?) -> CrashDumpContents {
        CrashDumpContents(boot: 1, clock: .milliseconds(10), driver: driver, phase: driver == nil ? .idle : .evaluate, channel: channel,
                          instance: channel.map { _ in 116 }, counts: [AgentCounts(name: "sensor")])
    }

    @Test func safeModeDeletesTheFileTheDumpsName() throws {
        var state = try state(recovery: .safeMode)
        for boot in 1...2 {
            state.attempts = boot
            state.crashed(by: .segmentationFault, dump: dump(driver: 0, channel: 291), deliveredDuringBoot: false)
        }
        #expect(state.culprits == [291])
        state.prepareNextBoot()
        #expect(state.bootInSafeMode)
        state.attempts = 3
        state.repairInSafeMode()
        #expect(state.disk.channelFiles(channel: 291).isEmpty)
        guard case .hostCrash(let crash) = try #require(state.log.records.first).event else { throw ScenarioError(message: "no crash") }
        #expect(crash.driver == "sensor")
        #expect(crash.file?.hasPrefix("C-00000291-") == true)
        #expect(crash.update == nil, "no update brought the file")
        // On the clock: each crash at the dump's time, the next boot a reboot later.
        #expect(state.clock == .milliseconds(10) + .seconds(60))
    }

    @Test func aFaultWithNoDriverRunningIsABugNotABlueScreen() throws {
        var bug = try state(recovery: .none)
        bug.attempts = 1
        bug.crashed(by: .segmentationFault, dump: dump(driver: nil, channel: nil), deliveredDuringBoot: false)
        let errors = bug.log.records.compactMap { if case .hostError(let reason) = $0.event { reason } else { nil } }
        #expect(errors == ["the host faulted (SIGSEGV) in its own code, with no driver running"])
        // Running out of memory outside a driver is the machine's: no error.
        var machine = try state(recovery: .none)
        machine.attempts = 1
        machine.crashed(by: .abort, dump: dump(driver: nil, channel: nil), deliveredDuringBoot: false)
        #expect(!machine.log.records.contains { if case .hostError = $0.event { true } else { false } })
    }
}
