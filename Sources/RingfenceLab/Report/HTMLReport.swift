import Foundation

/// A single self-contained HTML page: no scripts, no fonts, no fetches. Each
/// scenario gets a card with its numbers, expectations and a timeline drawn
/// as inline SVG (one lane per boot); a matrix run gets a coloured grid.
struct HTMLReport {
    let report: RunReport

    static func escape(_ text: String) -> String { JUnitReport.escape(text) }

    static let colors: [String: String] = [
        "boot-loop": "#b3261e", "host-crash": "#e8710a", "isolated": "#f9ab00", "handled": "#1e8e3e", "rejected": "#1a73e8",
        "clean": "#34a853", "error": "#5f6368",
    ]

    static let markers: [String: (color: String, shape: String)] = [
        "attempt-started": ("#5f6368", "boot"), "update-delivered": ("#1a73e8", "circle"), "update-rejected": ("#1a73e8", "square"),
        "host-crash": ("#b3261e", "cross"), "agent-failure": ("#e8710a", "diamond"), "agent-restart": ("#1e8e3e", "circle"),
        "quarantine": ("#6a1b9a", "square"), "update-refused": ("#6a1b9a", "circle"), "recovery": ("#00897b", "diamond"),
        "agent-permanently-failed": ("#202124", "cross"), "shutdown": ("#5f6368", "square"),
    ]

    var html: String {
        var body = "<h1>Ringfence</h1><p class=\"summary\">\(Self.escape(report.summaryLine))</p>"
        if let matrix = report.matrix { body += matrixGrid(matrix) }
        for scenario in report.scenarios { body += card(scenario) }
        if !report.signatures.isEmpty {
            body += "<h2>Crash signatures</h2><table><tr><th>fault | kind | signal or syscall | type | field</th><th>count</th></tr>"
            for signature in report.signatures {
                body += "<tr><td><code>\(Self.escape(signature.signature))</code></td><td>\(signature.count)</td></tr>"
            }
            body += "</table>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Ringfence report</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #202124; background: #fff; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 22px 0 8px; }
            .card { border: 1px solid #dadce0; border-radius: 8px; padding: 12px 16px; margin: 14px 0; }
            .badge { display: inline-block; color: #fff; border-radius: 4px; padding: 1px 8px; font-weight: 600; }
            .pass { color: #1e8e3e; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
            table { border-collapse: collapse; margin: 6px 0; } td, th { border: 1px solid #dadce0; padding: 3px 8px; text-align: left; }
            th { background: #f1f3f4; } .muted { color: #5f6368; } code { font-size: 12px; }
            .grid td.cell { color: #fff; font-weight: 600; text-align: center; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    func card(_ scenario: ScenarioReport) -> String {
        let e = Self.escape
        let color = Self.colors[scenario.outcome] ?? "#5f6368"
        var html = "<div class=\"card\"><h2>\(e(scenario.name)) <span class=\"badge\" style=\"background:\(color)\">\(e(scenario.outcome))</span> "
        html += scenario.passed ? "<span class=\"pass\">passed</span></h2>" : "<span class=\"fail\">failed</span></h2>"
        if !scenario.description.isEmpty { html += "<p class=\"muted\">\(e(scenario.description))</p>" }
        html += "<p>seed \(scenario.seed) · \(scenario.host.boots) boot(s) · \(scenario.host.crashes) host crash(es)"
        if let bugcheck = scenario.host.bugcheck { html += " · <code>\(e(bugcheck))</code>" }
        html += String(format: " · simulated downtime %.0f s", scenario.host.downtimeSeconds)
        html += scenario.host.survived ? " · host survived" : (scenario.host.recovered ? " · recovered" : " · not recovered") + "</p>"
        html += "<table><tr><th>agent</th><th>mode</th><th>failures</th><th>restarts</th><th>rollbacks</th><th>processed</th><th>missed</th><th>detected</th></tr>"
        for agent in scenario.agents {
            let failures = agent.failures.map { [$0.kind, $0.signal, $0.syscall].compactMap { $0 }.joined(separator: " ") }.joined(separator: ", ")
            html += "<tr><td>\(e(agent.name))</td><td>\(agent.isolation), \(agent.interpreter)</td><td>\(e(failures.isEmpty ? "-" : failures))</td>"
                + "<td>\(agent.restarts)</td><td>\(agent.rollbacks)</td><td>\(agent.events.processed)</td><td>\(agent.events.missed)</td>"
                + "<td>\(agent.events.detected) of \(agent.events.malicious)</td></tr>"
        }
        html += "</table><ul>"
        for check in scenario.expectations {
            html += "<li class=\"\(check.passed ? "pass" : "fail")\">\(check.passed ? "✓" : "✗") \(e(check.check))"
                + (check.message.map { " <span class=\"muted\">(\(e($0)))</span>" } ?? "") + "</li>"
        }
        html += "</ul>" + timeline(scenario.timeline)
        if let bundle = scenario.bundle { html += "<p class=\"muted\">replay: <code>ringfence run \(e(bundle))</code></p>" }
        return html + "</div>"
    }

    /// One lane per boot; time runs left to right across the whole trial.
    func timeline(_ events: [ScenarioReport.TimelineEvent]) -> String {
        guard !events.isEmpty else { return "" }
        let boots = Array(Set(events.map(\.boot))).sorted()
        let end = max(1, events.map(\.time).max() ?? 1)
        let width = 860.0, left = 70.0, right = 20.0, lane = 28.0
        let height = Double(boots.count) * lane + 36
        func x(_ time: Double) -> Double { left + time / end * (width - left - right) }
        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" role="img">"##
        for (index, boot) in boots.enumerated() {
            let y = 14 + Double(index) * lane
            let times = events.filter { $0.boot == boot }.map(\.time)
            svg += ##"<text x="4" y="\##(y + 4)" font-size="11" fill="#5f6368">\##(boot == 0 ? "cloud" : "boot \(boot)")</text>"##
            svg += ##"<line x1="\##(x(times.min() ?? 0))" y1="\##(y)" x2="\##(x(times.max() ?? 0))" y2="\##(y)" stroke="#dadce0" stroke-width="6"/>"##
            for event in events where event.boot == boot {
                let (color, shape) = Self.markers[event.type] ?? ("#5f6368", "circle")
                let cx = x(event.time)
                let title = "<title>\(Self.escape(String(format: "%.1f ms: ", event.time) + event.label))</title>"
                switch shape {
                case "cross":
                    svg += ##"<g stroke="\##(color)" stroke-width="3">\##(title)<line x1="\##(cx - 6)" y1="\##(y - 6)" x2="\##(cx + 6)" y2="\##(y + 6)"/><line x1="\##(cx - 6)" y1="\##(y + 6)" x2="\##(cx + 6)" y2="\##(y - 6)"/></g>"##
                case "square":
                    svg += ##"<rect x="\##(cx - 5)" y="\##(y - 5)" width="10" height="10" fill="\##(color)">\##(title)</rect>"##
                case "diamond":
                    svg += ##"<polygon points="\##(cx),\##(y - 7) \##(cx + 7),\##(y) \##(cx),\##(y + 7) \##(cx - 7),\##(y)" fill="\##(color)">\##(title)</polygon>"##
                case "boot":
                    svg += ##"<line x1="\##(cx)" y1="\##(y - 9)" x2="\##(cx)" y2="\##(y + 9)" stroke="\##(color)" stroke-width="2">\##(title)</line>"##
                default:
                    svg += ##"<circle cx="\##(cx)" cy="\##(y)" r="5" fill="\##(color)">\##(title)</circle>"##
                }
            }
        }
        let legendY = height - 8
        var legendX = left
        for (type, label) in [("update-delivered", "update"), ("host-crash", "host crash"), ("agent-failure", "agent failure"),
                              ("agent-restart", "restart"), ("quarantine", "quarantine"), ("recovery", "recovery")] {
            svg += ##"<circle cx="\##(legendX)" cy="\##(legendY - 4)" r="4" fill="\##(Self.markers[type]!.color)"/><text x="\##(legendX + 8)" y="\##(legendY)" font-size="11">\##(label)</text>"##
            legendX += 110
        }
        svg += ##"<text x="\##(width - right)" y="\##(legendY)" font-size="11" text-anchor="end" fill="#5f6368">\##(String(format: "%.0f ms", end))</text>"##
        return svg + "</svg>"
    }

    func matrixGrid(_ matrix: MatrixReport) -> String {
        let e = Self.escape
        var html = "<h2>Matrix</h2><table class=\"grid\"><tr>" + matrix.keys.map { "<th>\(e($0))</th>" }.joined()
            + "<th>outcome</th><th>crashes</th><th>boots</th><th>restarts</th><th>missed</th></tr>"
        for row in matrix.rows {
            let color = Self.colors[row.outcome] ?? "#5f6368"
            html += "<tr>" + row.values.map { "<td>\(e($0))</td>" }.joined()
                + "<td class=\"cell\" style=\"background:\(color)\">\(e(row.outcome))</td>"
                + "<td>\(row.hostCrashes)</td><td>\(row.boots)</td><td>\(row.restarts)</td><td>\(row.missed)</td></tr>"
        }
        return html + "</table><p>\(e(matrix.reading))</p>"
    }
}
