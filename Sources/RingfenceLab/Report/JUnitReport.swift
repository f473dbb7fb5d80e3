import Foundation

/// JUnit XML as Jenkins and GitLab read it: one `testsuite` per scenario, one
/// `testcase` per expectation, a `failure` element with the message a CI page
/// shows as it is. A scenario that could not run (an invalid file, a trial
/// that broke) is one `error` testcase. A testsuite carries the scenario's
/// real time, its file, and the run's timestamp and host; a testcase's time
/// is 0, as expectations are not timed one by one.
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
        let errored = report.scenarios.filter { $0.error != nil }
        let tests = report.scenarios.reduce(0) { $0 + ($1.error != nil ? 1 : $1.expectations.count) }
        let failures = report.scenarios.filter { $0.error == nil }.reduce(0) { $0 + $1.failedChecks.count }
        let time = report.scenarios.reduce(0.0) { $0 + $1.wall.seconds }
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="ringfence" tests="\#(tests)" failures="\#(failures)" errors="\#(errored.count)" time="\#(String(format: "%.3f", time))">"#,
        ]
        let run = report.wall.map { #" timestamp="\#(e($0.started))" hostname="\#(e($0.hostname))""# } ?? ""
        for scenario in report.scenarios {
            let cases = scenario.error != nil ? 1 : scenario.expectations.count
            let failed = scenario.error != nil ? 0 : scenario.failedChecks.count
            lines.append(#"  <testsuite name="\#(e(scenario.name))" tests="\#(cases)" failures="\#(failed)" errors="\#(scenario.error != nil ? 1 : 0)" skipped="0" time="\#(String(format: "%.3f", scenario.wall.seconds))" file="\#(e(scenario.file))"\#(run)>"#)
            lines.append("    <properties>")
            for (name, value) in [("seed", "\(scenario.seed)"), ("outcome", scenario.outcome), ("file", scenario.file), ("records", scenario.records)] {
                lines.append(#"      <property name="\#(name)" value="\#(e(value))"/>"#)
            }
            lines.append("    </properties>")
            if let error = scenario.error {
                lines.append(#"    <testcase classname="ringfence.\#(e(scenario.name))" name="scenario runs" time="0" file="\#(e(scenario.file))">"#)
                lines.append(#"      <error message="\#(e(error))" type="error">\#(e(error))</error>"#)
                lines.append("    </testcase>")
            }
            for check in scenario.error == nil ? scenario.expectations : [] {
                let head = #"    <testcase classname="ringfence.\#(e(scenario.name))" name="\#(e(check.check))" time="0" file="\#(e(scenario.file))""#
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
