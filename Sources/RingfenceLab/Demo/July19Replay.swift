import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceSensor

/// The classroom run: the same July 19 update, the same unsafe interpreter and
/// the same buggy validator, once with the sensor as a kernel driver and once
/// as a sandboxed user-mode agent, side by side.
public struct July19Replay {
    public let contentDirectory: String
    public let profile: String
    public let workDirectory: String
    public let executable: String

    public init(contentDirectory: String, profile: String, workDirectory: String, executable: String) {
        self.contentDirectory = contentDirectory
        self.profile = profile
        self.workDirectory = workDirectory
        self.executable = executable
    }

    public func run(print: (String) -> Void) throws -> (kernel: TrialResult, user: TrialResult) {
        var results: [TrialResult] = []
        for isolation in [Isolation.kernel, .user] {
            var trial = July19Trial(contentDirectory: contentDirectory, profile: profile)
            trial.isolation = isolation
            print("")
            print("$ ringfence host run --isolation \(isolation) --interpreter unsafe --validator buggy --recovery safe-mode")
            let result = try TrialRunner(settings: try trial.settings(name: "july19-\(isolation)"),
                                         folder: "\(workDirectory)/\(isolation)", executable: executable).run()
            for line in TrialSummary(result).lines { print(line) }
            results.append(result)
        }
        let kernel = results[0], user = results[1]
        print("")
        for line in Self.comparison(kernel: kernel, user: user) { print(line) }
        return (kernel, user)
    }

    static func comparison(kernel: TrialResult, user: TrialResult) -> [String] {
        func row(_ label: String, _ value: (TrialResult) -> String) -> String {
            label.padding(toLength: 34, withPad: " ", startingAt: 0)
                + value(kernel).padding(toLength: 30, withPad: " ", startingAt: 0) + value(user)
        }
        let agent = { (result: TrialResult) in result.agents[0].counts }
        return [
            row("July 19, 2024, replayed", { _ in "" }),
            row("", { $0 === kernel ? "sensor in kernel mode" : "sensor in user mode" }),
            row("outcome", { $0.outcome.rawValue }),
            row("host crashes", { "\($0.hostCrashes)" }),
            row("boots", { "\($0.boots)" + ($0.recoveries.isEmpty ? "" : " (+ \($0.recoveries.map(\.rawValue).joined(separator: ", ")))") }),
            row("bugcheck", { $0.bugcheck?.rawValue ?? "-" }),
            row("agent failures", { $0.agents[0].failures.first.map { "\($0.kind.rawValue) \($0.signal?.name ?? "")" } ?? "-" }),
            row("agent restarts", { "\($0.agents[0].restarts)" }),
            row("update quarantined", { $0.agents[0].quarantined.isEmpty ? "no" : "yes, rolled back" }),
            row("events scanned / missed", { "\(agent($0).processed) / \(agent($0).missed)" }),
            row("malicious detected", { "\(agent($0).detected) of \(agent($0).malicious)" }),
            row("simulated downtime", { "\($0.downtime)" }),
        ]
    }
}

extension TrialResult {
    fileprivate static func === (lhs: TrialResult, rhs: TrialResult) -> Bool { lhs.recordsPath == rhs.recordsPath }
}
