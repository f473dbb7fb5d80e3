import RingfenceHost

/// One expectation of a scenario, checked against its result.
public struct ExpectationCheck: Codable, Hashable, Sendable {
    /// `outcome == boot-loop`
    public var check: String
    public var passed: Bool
    /// What was found, when it was not what was expected.
    public var message: String?
}

extension Scenario.Expectations {
    /// Every expectation that is set, each its own check.
    public func checks(_ result: TrialResult) -> [ExpectationCheck] {
        var checks: [ExpectationCheck] = []
        func check<T: Equatable>(_ name: String, _ wanted: T?, _ actual: T, _ format: (T) -> String = { "\($0)" }) {
            guard let wanted else { return }
            checks.append(ExpectationCheck(check: "\(name) == \(format(wanted))", passed: wanted == actual,
                                           message: wanted == actual ? nil : "expected \(format(wanted)), got \(format(actual))"))
        }
        func bound(_ name: String, _ limit: Double?, _ actual: Double, atMost: Bool, _ format: (Double) -> String) {
            guard let limit else { return }
            let passed = atMost ? actual <= limit : actual >= limit
            checks.append(ExpectationCheck(check: "\(name) \(atMost ? "<=" : ">=") \(format(limit))", passed: passed,
                                           message: passed ? nil : "got \(format(actual))"))
        }
        let failures = result.agents.flatMap(\.failures)
        let counts = result.agents.map(\.counts)
        check("outcome", outcome, result.outcome) { $0.rawValue }
        check("hostSurvived", hostSurvived, result.hostSurvived)
        check("hostCrashes", hostCrashes, result.hostCrashes)
        check("bugcheck", bugcheck.map(\.rawValue), result.bugcheck?.rawValue ?? "none")
        check("recovered", recovered, result.recovered)
        bound("restarts", maxRestarts.map(Double.init), Double(counts.map(\.restarts).max() ?? 0), atMost: true) { String(Int($0)) }
        let malicious = counts.reduce(0) { $0 + $1.malicious }, detected = counts.reduce(0) { $0 + $1.detected }
        let rate = malicious == 0 ? 1 : Double(detected) / Double(malicious)
        bound("detectionRate", minDetectionRate, rate, atMost: false) { String(format: "%.3f", $0) }
        bound("missed", maxMissed.map(Double.init), Double(counts.reduce(0) { $0 + $1.missed }), atMost: true) { String(Int($0)) }
        if let failureKind {
            let kinds = failures.map(\.kind.rawValue)
            checks.append(ExpectationCheck(check: "failureKind == \(failureKind.rawValue)", passed: kinds.contains(failureKind.rawValue),
                                           message: kinds.contains(failureKind.rawValue) ? nil : "failures: \(kinds.isEmpty ? "none" : kinds.joined(separator: ", "))"))
        }
        if let syscall {
            let seen = failures.compactMap(\.syscall)
            checks.append(ExpectationCheck(check: "syscall == \(syscall)", passed: seen.contains(syscall),
                                           message: seen.contains(syscall) ? nil : "syscalls: \(seen.isEmpty ? "none" : seen.joined(separator: ", "))"))
        }
        if let signal {
            let seen = failures.compactMap(\.signal)
            checks.append(ExpectationCheck(check: "signal == \(signal)", passed: seen.contains(signal),
                                           message: seen.contains(signal) ? nil : "signals: \(seen.isEmpty ? "none" : seen.joined(separator: ", "))"))
        }
        check("quarantined", quarantined, counts.contains { !$0.quarantined.isEmpty })
        check("permanentlyFailed", permanentlyFailed, counts.contains { $0.permanentlyFailed })
        return checks
    }
}
