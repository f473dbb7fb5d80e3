/// A report for a terminal: one row per scenario, failed checks underneath.
/// Coloured only when asked (the CLI asks when stdout is a TTY and NO_COLOR is unset).
struct TableReport {
    let report: RunReport
    let color: Bool

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func outcomeCell(_ outcome: String) -> String {
        let padded = outcome.padding(toLength: 12, withPad: " ", startingAt: 0)
        switch outcome {
        case "boot-loop", "host-crash", "error": return paint(padded, "31")
        case "isolated": return paint(padded, "33")
        default: return paint(padded, "32")
        }
    }

    var text: String {
        // A matrix is read as its own compact table, one row per combination.
        if let matrix = report.matrix {
            return (MatrixTable(matrix: matrix, paint: outcomeCell).lines + [report.summaryLine]).joined(separator: "\n") + "\n"
        }
        let width = max(8, (report.scenarios.map(\.name.count).max() ?? 0) + 2)
        var lines = ["scenario".padding(toLength: width, withPad: " ", startingAt: 0)
            + "result  outcome     crashes boots restarts missed   detection"]
        for scenario in report.scenarios {
            let result = scenario.passed ? paint("pass  ", "32") : paint("FAIL  ", "31;1")
            let numbers = [String(scenario.host.crashes).padding(toLength: 8, withPad: " ", startingAt: 0),
                           String(scenario.host.boots).padding(toLength: 6, withPad: " ", startingAt: 0),
                           String(scenario.restarts).padding(toLength: 9, withPad: " ", startingAt: 0),
                           String(scenario.missed).padding(toLength: 9, withPad: " ", startingAt: 0), scenario.detection]
            lines.append(scenario.name.padding(toLength: width, withPad: " ", startingAt: 0) + result + "  " + outcomeCell(scenario.outcome)
                + numbers.joined())
            for check in scenario.failedChecks { lines.append("    ✗ \(check.check): \(check.message ?? "failed")") }
            if let bundle = scenario.bundle { lines.append("    replay: ringfence run \(bundle)") }
            if let problem = scenario.bundleError { lines.append("    no replay bundle: \(problem)") }
        }
        lines.append(report.summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The matrix as text rows, shared by the table and markdown reports.
struct MatrixTable {
    let matrix: MatrixReport
    let paint: (String) -> String

    var lines: [String] {
        let header = matrix.keys.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined()
            + "outcome     crashes boots restarts missed"
        var lines = [header]
        for row in matrix.rows {
            lines.append(row.values.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined() + paint(row.outcome)
                + [row.hostCrashes, row.boots, row.restarts, row.missed].map { String($0).padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
        }
        lines.append(matrix.reading)
        return lines
    }
}
