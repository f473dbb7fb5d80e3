import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

/// How a child ended is decided from kernel facts first, then the
/// supervisor's own budgets: `Termination.decide` on plain facts.
@Suite(.timeLimit(.minutes(10))) struct TerminationTests {
    func facts(_ status: WaitStatus?, deadline: Bool = false, killed: Bool = false, peak: Int = 0, cpu: Double = 0) -> TerminationFacts {
        var facts = TerminationFacts()
        facts.status = status
        facts.deadlineExpired = deadline
        facts.killedBySupervisor = killed
        facts.addressSpaceLimit = 256 << 20
        facts.usage = ResourceUsage(userSeconds: cpu, systemSeconds: 0, peakResidentBytes: peak)
        return facts
    }

    @Test func aSignalOfItsOwnWinsOverADeadlineThatRanOutMeanwhile() {
        #expect(Termination.decide(facts(.signaled(.segmentationFault, coreDumped: false), deadline: true)) == .crashed(.segmentationFault))
        #expect(Termination.decide(facts(.signaled(.abort, coreDumped: false), deadline: true, peak: 250 << 20)) == .memoryLimit)
        #expect(Termination.decide(facts(.signaled(.cpuLimitExceeded, coreDumped: false), killed: true)) == .cpuLimit)
        #expect(Termination.decide(facts(.exited(3), deadline: true)) == .exited(3))
    }

    @Test func theSupervisorsKillIsItsReason() {
        #expect(Termination.decide(facts(.signaled(.kill, coreDumped: false), deadline: true)) == .timedOut)
        #expect(Termination.decide(facts(.signaled(.kill, coreDumped: false), killed: true)) == .killedBySupervisor)
        // The kernel's hard CPU limit is SIGKILL too, once the CPU time is used up.
        #expect(Termination.decide(facts(.signaled(.kill, coreDumped: false), deadline: true, cpu: 61), cpuLimitSeconds: 60) == .cpuLimit)
        // A SIGKILL nobody here sent, near the memory limit: the OOM killer.
        #expect(Termination.decide(facts(.signaled(.kill, coreDumped: false), peak: 250 << 20)) == .memoryLimit)
        #expect(Termination.decide(facts(.signaled(.kill, coreDumped: false))) == .crashed(.kill))
    }
}
