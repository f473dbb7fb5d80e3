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
        bound("restarts", maxRestarts.map(Double.init), Double(result.agents.map(\.restarts).max() ?? 0), atMost: true) { String(Int($0)) }
        let malicious = counts.reduce(0) { $0 + $1.malicious }, detected = counts.reduce(0) { $0 + $1.detected }
        let rate = malicious == 0 ? 1 : Double(detected) / Double(malicious)
        bound("detectionRate", minDetectionRate, rate, atMost: false) { String(format: "%.3f", $0) }
        bound("missed", maxMissed.map(Double.init), Double(counts.reduce(0) { $0 + $1.missed }), atMost: true) { String(Int($0)) }
        /// Some failure had this (kind, signal, syscall).
        func some<T: Equatable>(_ name: String, _ wanted: T?, in seen: [T], _ describe: (T) -> String) {
            guard let wanted else { return }
            let found = seen.contains(wanted)
            checks.append(ExpectationCheck(check: "\(name) == \(describe(wanted))", passed: found,
                                           message: found ? nil : "seen: \(seen.isEmpty ? "none" : seen.map(describe).joined(separator: ", "))"))
        }
        some("failureKind", failureKind, in: failures.map(\.kind)) { $0.rawValue }
        some("syscall", syscall, in: failures.compactMap(\.syscall)) { $0 }
        some("signal", signal, in: failures.compactMap(\.signal)) { $0.name }
        check("quarantined", quarantined, result.agents.contains { !$0.quarantined.isEmpty })
        check("permanentlyFailed", permanentlyFailed, result.agents.contains { $0.permanentlyFailed })
        return checks
    }
}
