/// A report for a CI job summary page.
struct MarkdownReport {
    let report: RunReport

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    var text: String {
        var lines = ["## Ringfence", "", report.summaryLine, "",
                     "| scenario | result | outcome | host crashes | boots | restarts | missed | detection |",
                     "|---|---|---|---:|---:|---:|---:|---:|"]
        for scenario in report.scenarios {
            lines.append("| \(Self.cell(scenario.name)) | \(scenario.passed ? "✅ pass" : "❌ fail") | `\(scenario.outcome)` | "
                + "\(scenario.host.crashes) | \(scenario.host.boots) | \(scenario.restarts) | \(scenario.missed) | \(scenario.detection) |")
        }
        let failed = report.scenarios.filter { !$0.passed }
        if !failed.isEmpty {
            lines += ["", "### Failed expectations", ""]
            for scenario in failed {
                for check in scenario.failedChecks {
                    lines.append("- **\(Self.cell(scenario.name))**: `\(check.check)`: \(check.message ?? "failed")")
                }
                if let bundle = scenario.bundle { lines.append("  - replay: `ringfence run \(bundle)`") }
            }
        }
        if let matrix = report.matrix {
            lines += ["", "### Matrix", "", "| " + matrix.keys.joined(separator: " | ") + " | outcome | crashes | boots | restarts | missed |",
                      "|" + String(repeating: "---|", count: matrix.keys.count + 5)]
            for row in matrix.rows {
                lines.append("| " + row.values.joined(separator: " | ") + " | `\(row.outcome)` | \(row.hostCrashes) | \(row.boots) | \(row.restarts) | \(row.missed) |")
            }
            lines += ["", matrix.reading]
        }
        if !report.signatures.isEmpty {
            lines += ["", "### Crash signatures", "", "| signature (fault, kind, signal or syscall, type, field) | count |", "|---|---:|"]
            for signature in report.signatures { lines.append("| `\(Self.cell(signature.signature))` | \(signature.count) |") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
