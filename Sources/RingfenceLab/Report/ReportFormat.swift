import Foundation

/// The formats `--format` offers.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, junit, markdown, html

    /// Renders `report`. `color` applies to the table only.
    public func render(_ report: RunReport, color: Bool = false) throws -> String {
        switch self {
        case .table: TableReport(report: report, color: color).text
        case .json: try JSONReport.text(report)
        case .junit: JUnitReport(report: report).xml
        case .markdown: MarkdownReport(report: report).text
        case .html: HTMLReport(report: report).html
        }
    }
}

enum JSONReport {
    static func text(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    static func decode(_ data: Data) throws -> RunReport { try JSONDecoder().decode(RunReport.self, from: data) }
}

/// Cells shared by the table and markdown reports.
extension ScenarioReport {
    var restarts: Int { agents.map(\.restarts).max() ?? 0 }
    var missed: Int { agents.reduce(0) { $0 + $1.events.missed } }
    var detection: String {
        let malicious = agents.reduce(0) { $0 + $1.events.malicious }, detected = agents.reduce(0) { $0 + $1.events.detected }
        return malicious == 0 ? "-" : String(format: "%.1f%%", Double(detected) / Double(malicious) * 100)
    }
    var failedChecks: [ExpectationCheck] { expectations.filter { !$0.passed } }
}

extension RunReport {
    var summaryLine: String {
        let failed = scenarios.filter { !$0.passed }.count
        return "\(scenarios.count) scenario(s), \(scenarios.count - failed) passed, \(failed) failed; "
            + "\(signatures.count) unique crash signature(s)"
    }
}
