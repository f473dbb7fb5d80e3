import Foundation

/// JUnit XML as Jenkins and GitLab read it: one `testsuite` per scenario, one
/// `testcase` per expectation, a `failure` element with the message a CI page
/// shows as it is.
struct JUnitReport {
    let report: RunReport

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // XML 1.0 forbids most control characters, even escaped.
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: escaped += "?"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    var xml: String {
        let e = Self.escape
        let tests = report.scenarios.reduce(0) { $0 + $1.expectations.count }
        let failures = report.scenarios.reduce(0) { $0 + $1.failedChecks.count }
        let time = report.scenarios.reduce(0.0) { $0 + $1.wall.seconds }
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="ringfence" tests="\#(tests)" failures="\#(failures)" errors="0" time="\#(String(format: "%.3f", time))">"#,
        ]
        for scenario in report.scenarios {
            let perCase = scenario.expectations.isEmpty ? 0 : scenario.wall.seconds / Double(scenario.expectations.count)
            lines.append(#"  <testsuite name="\#(e(scenario.name))" tests="\#(scenario.expectations.count)" failures="\#(scenario.failedChecks.count)" errors="0" skipped="0" time="\#(String(format: "%.3f", scenario.wall.seconds))">"#)
            lines.append("    <properties>")
            for (name, value) in [("seed", "\(scenario.seed)"), ("outcome", scenario.outcome), ("file", scenario.file), ("records", scenario.records)] {
                lines.append(#"      <property name="\#(name)" value="\#(e(value))"/>"#)
            }
            lines.append("    </properties>")
            for check in scenario.expectations {
                let head = #"    <testcase classname="ringfence.\#(e(scenario.name))" name="\#(e(check.check))" time="\#(String(format: "%.3f", perCase))""#
                if check.passed {
                    lines.append(head + "/>")
                } else {
                    let message = check.message ?? "failed"
                    var body = "\(scenario.name): \(check.check): \(message)\noutcome \(scenario.outcome), seed \(scenario.seed)"
                    if let bundle = scenario.bundle { body += "\nreplay: ringfence run \(bundle)" }
                    lines.append(head + ">")
                    lines.append(#"      <failure message="\#(e(message))" type="expectation">\#(e(body))</failure>"#)
                    lines.append("    </testcase>")
                }
            }
            lines.append("    <system-out>\(e("records: \(scenario.records)"))</system-out>")
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }
}
