import Foundation
import RingfenceHost

/// The JSON report of a run (DESIGN.md section 5). Fields may be added; the
/// contract's fields are never renamed.
public struct RunReport: Codable, Sendable {
    public var version = 1
    public var scenarios: [ScenarioReport]
    /// Unique crash signatures across the run, with how often each was seen.
    public var signatures: [SignatureCount]
    public var matrix: MatrixReport?
    /// When and where the run happened (figures of this machine, never part
    /// of a result: a `wall` key, as DESIGN section 1a keeps them apart).
    public var wall: RunWall?

    public struct RunWall: Codable, Sendable {
        /// ISO 8601, UTC, seconds.
        public var started: String
        public var hostname: String

        public init(started: String, hostname: String) {
            self.started = started
            self.hostname = hostname
        }
    }

    public init(scenarios: [ScenarioReport], matrix: MatrixReport? = nil) {
        self.scenarios = scenarios
        self.signatures = SignatureCount.tally(scenarios.flatMap(\.signatures))
        self.matrix = matrix
    }

    public var passed: Bool { scenarios.allSatisfy(\.passed) }
}

/// A crash signature and its count: failures with the same (fault, failure
/// kind, signal or syscall, template type, field) are one problem.
public struct SignatureCount: Codable, Hashable, Sendable {
    public var signature: String
    public var count: Int

    static func tally(_ counts: [SignatureCount]) -> [SignatureCount] {
        var totals: [String: Int] = [:]
        for entry in counts { totals[entry.signature, default: 0] += entry.count }
        return totals.keys.sorted().map { SignatureCount(signature: $0, count: totals[$0]!) }
    }
}

/// One scenario's part of the report. Everything but `wall` (and the paths of
/// the work folders the caller chose: `records`, `bundle`) is a function of the
/// scenario, its files and the seed (docs/scenarios.md, "Determinism").
public struct ScenarioReport: Codable, Sendable {
    public struct Wall: Codable, Sendable {
        /// How long the trial took, in seconds.
        public var seconds: Double
    }

    public struct Host: Codable, Sendable {
        public var survived: Bool
        public var crashes: Int
        public var boots: Int
        public var bugcheck: String?
        public var recovered: Bool
        public var bootLoop: Int
        public var downtimeSeconds: Double
        public var recoveries: [String]

        enum CodingKeys: String, CodingKey { case survived, crashes, boots, bugcheck, recovered, bootLoop, downtimeSeconds, recoveries }

        /// `bugcheck` is always present, null when the host did not crash.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(survived, forKey: .survived)
            try container.encode(crashes, forKey: .crashes)
            try container.encode(boots, forKey: .boots)
            try container.encode(bugcheck, forKey: .bugcheck)
            try container.encode(recovered, forKey: .recovered)
            try container.encode(bootLoop, forKey: .bootLoop)
            try container.encode(downtimeSeconds, forKey: .downtimeSeconds)
            try container.encode(recoveries, forKey: .recoveries)
        }
    }

    public struct Failure: Codable, Sendable {
        public var kind: String
        public var signal: String?
        public var syscall: String?
        public var update: Int?
        /// Why the sandbox could not be set up (sandbox-setup failures only).
        public var detail: String?

        enum CodingKeys: String, CodingKey { case kind, signal, syscall, update, detail }

        /// `signal`, `syscall` and `update` are always present, null when they do not apply.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(signal, forKey: .signal)
            try container.encode(syscall, forKey: .syscall)
            try container.encode(update, forKey: .update)
            try container.encodeIfPresent(detail, forKey: .detail)
        }
    }

    public struct Events: Codable, Sendable {
        public var processed: Int
        public var missed: Int
        public var malicious: Int
        public var detected: Int
        public var generated: Int
        public var blocked: Int
    }

    public struct Agent: Codable, Sendable {
        public var name: String
        public var isolation: String
        public var interpreter: String
        /// The first 1,000 failures (``TrialAnalysis/Tally/maxListed``); ``failureCount`` counts them all.
        public var failures: [Failure]
        public var failureCount: Int
        public var restarts: Int
        public var rollbacks: Int
        public var quarantined: [String]
        public var permanentlyFailed: Bool
        public var unprotectedSeconds: Double
        public var events: Events
    }

    /// A point on the scenario's timeline (for the HTML report).
    public struct TimelineEvent: Codable, Sendable {
        public var time: Double
        public var boot: Int
        public var type: String
        public var label: String
    }

    public var name: String
    public var seed: UInt64
    public var passed: Bool
    public var outcome: String
    public var host: Host
    public var agents: [Agent]
    public var expectations: [ExpectationCheck]
    public var file: String
    public var description: String
    public var updates: [UpdateFacts]
    public var signatures: [SignatureCount]
    public var records: String
    public var bundle: String?
    /// Why the replay bundle of a failed scenario could not be written.
    public var bundleError: String?
    /// Figures of this run on this machine: never part of an outcome or a count.
    public var wall: Wall
    public var timeline: [TimelineEvent]
    /// Set when the scenario could not run at all.
    public var error: String?
    /// The sandbox could not be set up for an agent (fail closed): exit status 3.
    public var sandboxSetupFailed: Bool
}

extension ScenarioReport {
    init(scenario: Scenario, result: TrialResult, updates: [UpdateFacts]) {
        let failures = result.agents.flatMap(\.failures)
        self.init(
            name: scenario.name, seed: scenario.seed, passed: true, outcome: result.isSound ? result.outcome.rawValue : "error",
            host: Host(survived: result.hostSurvived, crashes: result.hostCrashes, boots: result.boots, bugcheck: result.bugcheck?.rawValue,
                       recovered: result.recovered, bootLoop: result.bootLoopLength, downtimeSeconds: result.downtime.seconds,
                       recoveries: result.recoveries.map(\.rawValue)),
            agents: result.agents.map { agent in
                Agent(name: agent.configuration.name, isolation: agent.configuration.isolation.rawValue,
                      interpreter: agent.configuration.interpreter.rawValue,
                      failures: agent.failures.map { Failure(kind: $0.kind.rawValue, signal: $0.signal?.name, syscall: $0.syscall, update: $0.update,
                                                                            detail: $0.kind == .sandboxSetup ? $0.detail : nil) },
                      failureCount: agent.failureCount,
                      restarts: agent.restarts, rollbacks: agent.rollbacks, quarantined: agent.quarantined,
                      permanentlyFailed: agent.permanentlyFailed, unprotectedSeconds: agent.counts.unprotected.seconds,
                      events: Events(processed: agent.counts.processed, missed: agent.counts.missed, malicious: agent.counts.malicious,
                                     detected: agent.counts.detected, generated: agent.counts.generated, blocked: agent.counts.blocked))
            },
            expectations: result.isSound ? scenario.expect.checks(result)
                : [ExpectationCheck(check: "the trial ran soundly", passed: false,
                                    message: result.problems.map(\.description).joined(separator: "; "))],
            file: scenario.file, description: scenario.description, updates: updates,
            signatures: Self.signatures(failures, updates: updates), records: result.recordsPath, bundle: nil, bundleError: nil,
            wall: Wall(seconds: result.wallSeconds), timeline: Self.timeline(result.timeline),
            error: result.isSound ? nil : result.problems.map(\.description).joined(separator: "; "),
            sandboxSetupFailed: failures.contains { $0.kind == .sandboxSetup })
        passed = expectations.allSatisfy(\.passed)
    }

    /// A scenario that could not run.
    /// A scenario file that could not be read: an error entry, so that a JUnit
    /// report still shows it (nothing ran).
    public static func invalid(file: String, message: String) -> ScenarioReport {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return ScenarioReport(scenario: Scenario(file: file, name: name), error: message, sandbox: false)
    }

    init(scenario: Scenario, error: String, sandbox: Bool) {
        self.init(name: scenario.name, seed: scenario.seed, passed: false, outcome: "error",
                  host: Host(survived: false, crashes: 0, boots: 0, bugcheck: nil, recovered: false, bootLoop: 0, downtimeSeconds: 0, recoveries: []),
                  agents: [], expectations: [ExpectationCheck(check: "scenario runs", passed: false, message: error)], file: scenario.file,
                  description: scenario.description, updates: [], signatures: [], records: "", bundle: nil, bundleError: nil,
                  wall: Wall(seconds: 0), timeline: [],
                  error: error, sandboxSetupFailed: sandbox)
    }

    static func signatures(_ failures: [AgentFailure], updates: [UpdateFacts]) -> [SignatureCount] {
        let keys = failures.map { failure -> String in
            let facts = updates.first { $0.number == failure.update }
            return [facts?.fault ?? "none", failure.kind.rawValue, failure.syscall ?? failure.signal?.name ?? "-", facts?.templateType ?? "-",
                    facts?.field.map(String.init) ?? "-"].joined(separator: "|")
        }
        return SignatureCount.tally(keys.map { SignatureCount(signature: $0, count: 1) })
    }

    /// The records a timeline shows, each with its label.
    static func timeline(_ records: [TrialRecord]) -> [TimelineEvent] {
        records.filter(\.isMilestone).map { record in
            let fields = record.fields
            let label = [fields.type, fields.detail, fields.signal, fields.syscall, fields.bugcheck].compactMap { $0 }.joined(separator: " ")
            return TimelineEvent(time: record.time.milliseconds, boot: record.boot, type: fields.type, label: label)
        }
    }
}

extension RunReport.RunWall {
    /// This moment, and this machine's name.
    public static var now: Self {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return Self(started: formatter.string(from: Date()), hostname: ProcessInfo.processInfo.hostName)
    }
}
