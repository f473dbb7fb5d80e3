import Foundation
import Glibc
import RingfenceContent
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceHost
@testable import RingfenceLab

/// Liveness is real and load-proof: a hang is decided on CPU time or on a
/// process that sits blocked, never on the wall clock alone, so a stopped or
/// starved process is not a hung one.
@Suite(.serialized, .timeLimit(.minutes(10))) struct LivenessTests {
    let trials = HostTrialTests()

    // MARK: - The decision, with plain numbers

    var limits: AgentLimits {
        var limits = AgentLimits()
        limits.verdictCpu = 1
        limits.stall = 2
        return limits
    }

    @Test func aSpinningAgentIsHungOnceItHasUsedItsCPUBudget() {
        var liveness = AgentLiveness(limits: limits, cpu: 10)
        #expect(liveness.check(cpu: 10.9, state: .runnable, wall: 100, hostWaitingToWrite: false) == .working)
        #expect(liveness.check(cpu: 11.0, state: .runnable, wall: 500, hostWaitingToWrite: false) == .spinning)
        liveness.answered(cpu: 11)
        #expect(liveness.check(cpu: 11.5, state: .runnable, wall: 600, hostWaitingToWrite: false) == .working)
    }

    @Test func aBlockedAgentIsHungAfterItsStallLimitAndAStoppedOneNever() {
        var liveness = AgentLiveness(limits: limits, cpu: 0)
        #expect(liveness.check(cpu: 0, state: .sleeping, wall: 10, hostWaitingToWrite: false) == .working)
        #expect(liveness.check(cpu: 0.001, state: .sleeping, wall: 11.9, hostWaitingToWrite: false) == .working)
        #expect(liveness.check(cpu: 0.002, state: .sleeping, wall: 12, hostWaitingToWrite: false) == .blocked)

        var stopped = AgentLiveness(limits: limits, cpu: 0)
        for second in 0..<100 {
            #expect(stopped.check(cpu: 0, state: .stopped, wall: Double(second), hostWaitingToWrite: false) == .working)
        }
        // Waiting for a CPU, or for the host to write, is not blocked either.
        var starved = AgentLiveness(limits: limits, cpu: 0)
        for second in 0..<100 {
            #expect(starved.check(cpu: 0, state: second % 2 == 0 ? .runnable : .sleeping, wall: Double(second), hostWaitingToWrite: second % 2 == 1)
                == .working)
        }
        // Work in between resets the stall.
        var working = AgentLiveness(limits: limits, cpu: 0)
        _ = working.check(cpu: 0, state: .sleeping, wall: 0, hostWaitingToWrite: false)
        #expect(working.check(cpu: 0.5, state: .sleeping, wall: 3, hostWaitingToWrite: false) == .working)
        #expect(working.check(cpu: 0.5, state: .sleeping, wall: 4.9, hostWaitingToWrite: false) == .working)
    }

    // MARK: - Real processes, stopped

    /// Runs `scenario` while another thread stops, for `pause` seconds, the
    /// first process that `find` picks from this trial's host (found by its
    /// folder: other suites' trials run meanwhile) once the host has booted;
    /// returns the result and whether it stopped one.
    func runStopping(_ scenario: Scenario, pause: Double, find: @escaping @Sendable (pid_t) -> pid_t?) throws -> (TrialResult, Bool) {
        let folder = Fixtures.temporaryDirectory("stopped")
        let stopped = Flag()
        let stopper = Thread {
            let deadline = monotonicSeconds() + 20
            while monotonicSeconds() < deadline {
                let booted = (try? String(contentsOfFile: "\(folder)/records.jsonl", encoding: .utf8))?.contains(#""type":"boot""#) ?? false
                if booted, let host = Processes.commandLineContains(folder).first, let pid = find(host) {
                    kill(pid, SIGSTOP)
                    stopped.set()
                    usleep(UInt32(pause * 1_000_000))
                    kill(pid, SIGCONT)
                    return
                }
                usleep(1_000)
            }
        }
        stopper.start()
        let result = try trials.run(scenario, in: folder)
        while !stopper.isFinished { usleep(1_000) }
        return (result, stopped.value)
    }

    // MARK: - The kernel's watchdog counts CPU time

    @Test func theWatchdogDoesNotFireOnAKernelThatIsNotRunning() async {
        await #expect(processExitsWith: .success) {
            Watchdog(seconds: 0.1).arm()
            usleep(400_000)  // four times the watchdog, asleep: no CPU time spent
            exit(0)
        }
    }

    @Test func theWatchdogFiresOnAKernelThatSpins() async {
        await #expect(processExitsWith: .signal(SIGPROF)) {
            Watchdog(seconds: 0.1).arm()
            var spins: UInt64 = 0
            while true { spins &+= 1 }
        }
    }

    @Test func aStoppedKernelIsNotAWatchdogBugcheck() throws {
        let scenario = try trials.scenario(.kernel) { scenario in
            scenario.updates[0].content = "\(Fixtures.content)/ipc-baseline.yaml"
            scenario.host.watchdog = 0.05
            scenario.host.events.rate = 2_000
            scenario.host.duration = .seconds(10)
        }
        let (result, stopped) = try runStopping(scenario, pause: 0.3) { host in host }
        #expect(stopped)
        #expect(result.hostCrashes == 0, "\(result.records.map(\.fields.type))")
        #expect(result.outcome == .clean)
    }

    @Test func aStoppedAgentIsNotAHungOne() throws {
        let scenario = try trials.scenario(.user) { scenario in
            scenario.updates[0].content = "\(Fixtures.content)/ipc-baseline.yaml"
            // The stall limit is what a stop must not trip; the CPU budget leaves room for loading content in a debug build.
            scenario.agents[0].limits.verdictCpu = 1
            scenario.agents[0].limits.stall = 0.1
            scenario.host.events.rate = 2_000
            scenario.host.duration = .seconds(10)
        }
        let (result, stopped) = try runStopping(scenario, pause: 0.5) { host in
            // The agent is below the host, a child of its fork server; warm spares have no filter yet.
            Processes.descendants(of: host).first(where: Processes.isSandboxed)
        }
        #expect(stopped)
        #expect(result.agents[0].failures.isEmpty)
        #expect(result.outcome == .clean)
    }
}
