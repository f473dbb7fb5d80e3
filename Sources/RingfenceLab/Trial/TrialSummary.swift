import Foundation

/// A trial's result as a few lines for a terminal.
public struct TrialSummary {
    public let result: TrialResult

    public init(_ result: TrialResult) { self.result = result }

    public var lines: [String] {
        var lines = ["\(result.name): \(result.outcome)"]
        var host = "  host: \(result.boots) boot(s), \(result.hostCrashes) crash(es)"
        if let bugcheck = result.bugcheck { host += ", bugcheck \(bugcheck.rawValue)" }
        if result.bootLoopLength >= 2 { host += ", boot loop of \(result.bootLoopLength)" }
        host += result.hostSurvived ? ", survived" : (result.recovered ? ", recovered" : ", not recovered")
        if !result.recoveries.isEmpty { host += " (\(result.recoveries.joined(separator: ", ")))" }
        host += String(format: ", simulated downtime %.0f s", result.downtimeSeconds)
        lines.append(host)
        if !result.rejectedUpdates.isEmpty { lines.append("  validator rejected update(s) \(result.rejectedUpdates.map(String.init).joined(separator: ", "))") }
        for agent in result.agents {
            let counts = agent.counts
            var line = "  agent \(agent.configuration.name) (\(agent.configuration.isolation), \(agent.configuration.interpreter)): "
            line += "\(agent.failures.count) failure(s)"
            if let first = agent.failures.first {
                line += " [\(first.kind.rawValue)\(first.signal.map { " \($0)" } ?? "")\(first.syscall.map { " \($0)" } ?? "")]"
            }
            line += ", \(counts.restarts) restart(s), \(counts.rollbacks) rollback(s), \(counts.quarantined.count) quarantined"
            if counts.permanentlyFailed { line += ", permanently failed" }
            lines.append(line)
            lines.append("    events: \(counts.generated) generated, \(counts.processed) processed, \(counts.missed) missed, "
                + "\(counts.blocked) blocked, \(counts.detected)/\(counts.malicious) malicious detected"
                + String(format: ", unprotected %.3f s", counts.unprotectedSeconds))
        }
        lines.append(String(format: "  records: %@ (%d records, %.2f s wall)", result.recordsPath, result.records.count, result.wallSeconds))
        return lines
    }
}
