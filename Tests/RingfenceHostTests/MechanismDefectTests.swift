import Foundation
import RingfenceContent
import RingfenceSensor
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost
@testable import RingfenceLab

/// The mechanism defects an audit found in the host and the lab (issue 10),
/// each shown in a real host trial.
@Suite(.serialized, .timeLimit(.minutes(10))) struct MechanismDefectTests {
    let trials = HostTrialTests()

    /// `supplies: { ipc: 21 }` reaches the event generator and the cloud's
    /// validator: a sensor that supplies field 21 reads it in bounds.
    @Test func aSensorThatSuppliesFieldTwentyOneDoesNotCrash() throws {
        let result = try trials.trial(.kernel, recovery: .none) { scenario in
            scenario.agents[0].supplies = ["ipc": 21]
            scenario.updates[0].fault = .fieldCountMismatch
        }
        #expect(result.hostCrashes == 0)
        #expect(result.outcome == .clean)
        #expect(result.agents[0].counts.processed == 16_000)
        // The correct validator checks against the sensor the update targets, which supplies 21 fields: it ships.
        let validated = try trials.trial(.kernel, recovery: .none) { scenario in
            scenario.agents[0].supplies = ["ipc": 21]
            scenario.validator = .on
        }
        #expect(validated.rejectedUpdates.isEmpty)
        #expect(validated.hostCrashes == 0)
    }

    /// Recovery is keyed on the file the crash dumps name, so a bad channel
    /// file that was on the disk before the first boot is deleted too.
    @Test func safeModeDeletesABadFileThatWasThereBeforeTheFirstBoot() throws {
        let result = try trials.trial(.kernel) { scenario in
            scenario.baseline[0] = scenario.updates[0].content
            scenario.updates = []
        }
        #expect(result.outcome == .bootLoop)
        #expect(result.recovered)
        #expect(result.recoveries == [.safeMode])
        let files = result.records.compactMap { record -> [String]? in
            if case .recovery(let recovery) = record.event { recovery.files } else { nil }
        }
        #expect(files.count == 1)
        #expect(files.first?.count == 1)
        #expect(files.first?.first?.hasPrefix("C-00000291-") == true)
    }

    /// An agent that loads an update and dies on its next event: the load is
    /// recorded, because the pipe is drained before the end is handled.
    @Test func theLoadOfTheUpdateThatKillsAnAgentIsRecorded() throws {
        for _ in 0..<3 {
            let result = try trials.trial(.user)
            let types = result.records.compactMap { record -> String? in
                switch record.event {
                case .host(.channelLoaded(_, 1, _)): "loaded update 1"
                case .host(.agentFailure): "failure"
                default: nil
                }
            }
            #expect(types == ["loaded update 1", "failure"])
        }
    }

    /// With two kernel-mode drivers, the crash is charged to the one whose code faulted.
    @Test func onlyTheFaultingDriverIsCharged() throws {
        let result = try trials.trial(.kernel, recovery: .remoteFix) { scenario in
            var resilient = scenario.agents[0]
            resilient.name = "vendor-a"
            resilient.interpreter = .resilient
            var unsafe = scenario.agents[0]
            unsafe.name = "vendor-b"
            scenario.agents = [resilient, unsafe]
        }
        #expect(result.hostCrashes == 1)
        #expect(result.agents.map(\.failures.count) == [0, 1])
        #expect(trials.crashes(result).first?.driver == "vendor-b")
    }

    /// `host.memory` is the host's address-space limit: a kernel-mode driver
    /// that compiles a 324 MB regex runs the machine out of memory.
    @Test func theHostsMemoryIsApplied() throws {
        let result = try trials.trial(.kernel, recovery: .none) { scenario in
            scenario.host.memory = 256 << 20
            scenario.updates[0].content = "\(Fixtures.content)/ipc-baseline.yaml"
            scenario.updates[0].fault = .oversized
            scenario.updates[0].options.repetition = 300
            scenario.validator = .off
            scenario.boot.maxBoots = 1
        }
        let crash = try #require(trials.crashes(result).first)
        #expect(crash.bugcheck == .memoryManagement)
        #expect(crash.driver == "sensor")
        #expect(crash.channel == 291)
        #expect(trials.records(result, "host-crash").first?.time == .milliseconds(200), "it crashed loading the update, not before")
        #expect(result.agents[0].failures.map(\.kind) == [.memoryLimit])
    }
}
