import Foundation

/// A trial's result as a few lines for a terminal.
public struct TrialSummary {
    public let result: TrialResult

    public init(_ result: TrialResult) { self.result = result }

    public var lines: [String] {
        var lines = ["\(result.name): \(result.isSound ? result.outcome.rawValue : "error")"]
        for problem in result.problems { lines.append("  error: \(problem)") }
        var host = "  host: \(result.boots) boot(s), \(result.hostCrashes) crash(es)"
        if let bugcheck = result.bugcheck { host += ", bugcheck \(bugcheck.rawValue)" }
        if result.bootLoopLength >= 2 { host += ", boot loop of \(result.bootLoopLength)" }
        host += result.hostSurvived ? ", survived" : (result.recovered ? ", recovered" : ", not recovered")
        if !result.recoveries.isEmpty { host += " (\(result.recoveries.map(\.rawValue).joined(separator: ", ")))" }
        host += ", simulated downtime \(result.downtime)"
        lines.append(host)
        if !result.rejectedUpdates.isEmpty { lines.append("  validator rejected update(s) \(result.rejectedUpdates.map(String.init).joined(separator: ", "))") }
        for agent in result.agents {
            let counts = agent.counts
            var line = "  agent \(agent.configuration.name) (\(agent.configuration.isolation), \(agent.configuration.interpreter)): "
            line += "\(agent.failures.count) failure(s)"
            if let first = agent.failures.first {
                line += " [\(first.kind.rawValue)\(first.signal.map { " \($0.name)" } ?? "")\(first.syscall.map { " \($0)" } ?? "")]"
            }
            line += ", \(agent.restarts) restart(s), \(agent.rollbacks) rollback(s), \(agent.quarantined.count) quarantined"
            if agent.permanentlyFailed { line += ", permanently failed" }
            lines.append(line)
            lines.append("    events: \(counts.generated) generated, \(counts.processed) processed, \(counts.missed) missed, "
                + "\(counts.blocked) blocked, \(counts.detected)/\(counts.malicious) malicious detected, unprotected \(counts.unprotected)")
        }
        lines.append("  records: \(result.recordsPath) (\(result.recordCount) records)")
        return lines
    }
}
