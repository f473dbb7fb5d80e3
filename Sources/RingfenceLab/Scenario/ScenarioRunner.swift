import Foundation
import RingfenceContent
import RingfenceSandbox
import RingfenceSystem

/// Runs scenarios, two at a time on a two-core machine, each as a trial in a
/// folder of its own, and reports each with its expectations checked. A
/// failed scenario leaves a replay bundle behind.
public struct ScenarioRunner: Sendable {
    public var workDirectory: String
    public var executable: String
    /// Scenarios run at once.
    public var jobs: Int
    /// Where replay bundles of failed scenarios go (nil: none are written).
    public var bundleDirectory: String?
    /// Rules files compiled in this run, shared by its scenarios.
    let sources = CompiledSources()

    public init(workDirectory: String, executable: String = ChildProcess.currentExecutable, jobs: Int = 2,
                bundleDirectory: String? = nil) {
        self.workDirectory = workDirectory
        self.executable = executable
        self.jobs = jobs
        self.bundleDirectory = bundleDirectory
    }

    /// Runs `scenarios`; with `stoppingAfter`, no scenario starts once that
    /// many have failed (those already running finish). The reports are in
    /// the scenarios' order, those that never started left out.
    public func run(_ scenarios: [Scenario], stoppingAfter maxFailures: Int? = nil) -> [ScenarioReport] {
        let slots = ReportSlots(count: scenarios.count)
        let next = AtomicCounter()
        let failures = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, scenarios.count))) { _ in
            while true {
                if let maxFailures, failures.value >= maxFailures { return }
                let index = next.increment() - 1
                guard index < scenarios.count else { return }
                let report = run(scenarios[index], slot: index)
                if !report.passed { _ = failures.increment() }
                slots.store(report, at: index)
            }
        }
        return slots.reports
    }

    /// Runs one scenario to its report.
    public func run(_ scenario: Scenario, slot: Int = 0) -> ScenarioReport {
        let folder = "\(workDirectory)/\(slot)-\(scenario.name)"
        do {
            for agent in scenario.agents where agent.isolation == .user {
                // Fail closed before anything starts: a profile that does not compile is a sandbox that cannot be set up.
                _ = try agent.policy().compile(handling: agent.violations)
            }
            let (settings, updates) = try scenario.trial(sources: sources)
            let result = try TrialRunner(settings: settings, folder: folder, executable: executable, retainsRecords: false).run()
            var report = ScenarioReport(scenario: scenario, result: result, updates: updates)
            if !report.passed, let bundleDirectory {
                do {
                    report.bundle = try ReplayBundle.write(scenario: scenario, report: report, into: bundleDirectory)
                } catch {
                    report.bundleError = "\(error)"
                }
            }
            return report
        } catch let error as SandboxPolicyError {
            return ScenarioReport(scenario: scenario, error: error.description, sandbox: true)
        } catch {
            return ScenarioReport(scenario: scenario, error: "\(error)", sandbox: false)
        }
    }
}

/// Reports written by several threads, each into its own slot.
private final class ReportSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ScenarioReport?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ report: ScenarioReport, at index: Int) { lock.withLock { slots[index] = report } }
    var reports: [ScenarioReport] { lock.withLock { slots.compactMap { $0 } } }
}

private final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
