import RingfenceContent
import RingfenceHost
import RingfenceSystem

/// One line of a trial's durable log: a typed event, numbered and stamped
/// with the simulated time and the boot it belongs to. JSON happens only when
/// it is written (``RecordFields``; docs/records.md).
public struct TrialRecord: Hashable, Sendable {
    public var seq: Int
    public var time: SimulatedTime
    /// The host process it belongs to (1-based; a safe-mode boot has its own
    /// number); 0 for the cloud's records before any boot.
    public var boot: Int
    public var event: TrialEvent

    public init(seq: Int = 0, time: SimulatedTime, boot: Int, event: TrialEvent) {
        self.seq = seq
        self.time = time
        self.boot = boot
        self.event = event
    }

    /// A record a report's timeline shows: boots, crashes, updates, recoveries, agent failures and restarts.
    public var isMilestone: Bool {
        switch event {
        case .attemptStarted, .hostCrash, .updateRejected, .recovery, .host(.updateDelivered), .host(.agentFailure), .host(.agentRestart),
             .host(.quarantine), .host(.updateRefused), .host(.agentPermanentlyFailed), .host(.shutdown):
            true
        default:
            false
        }
    }
}

/// How a host process died, as the lab saw it and its crash dump tells.
public struct HostCrash: Hashable, Sendable {
    public var signal: Signal
    public var bugcheck: Bugcheck
    /// No update arrived during the boot that crashed: the content on disk did it.
    public var atBoot: Bool
    /// The agent whose code was running (the faulting driver), if the dump names one.
    public var driver: String?
    public var channel: UInt32?
    public var instance: UInt32?
    /// The channel file on the disk that the faulting code was running.
    public var file: String?
    /// The update that brought that file, if one did.
    public var update: Int?
    /// Every agent's totals for the boot, from the dump.
    public var counts: [AgentCounts]?

    public init(signal: Signal, bugcheck: Bugcheck, atBoot: Bool, driver: String? = nil, channel: UInt32? = nil, instance: UInt32? = nil,
                file: String? = nil, update: Int? = nil, counts: [AgentCounts]? = nil) {
        self.signal = signal
        self.bugcheck = bugcheck
        self.atBoot = atBoot
        self.driver = driver
        self.channel = channel
        self.instance = instance
        self.file = file
        self.update = update
        self.counts = counts
    }
}

/// A recovery action before the next boot, and what it did.
public struct Recovery: Hashable, Sendable {
    public var action: RecoveryAction
    /// False when it was tried and did not work (the denylist lost the race).
    public var applied: Bool
    public var reason: String
    /// The channel files it removed or replaced.
    public var files: [String]

    public init(action: RecoveryAction, applied: Bool, reason: String, files: [String] = []) {
        self.action = action
        self.applied = applied
        self.reason = reason
        self.files = files
    }
}

/// Everything in a trial's log: the lab's own events and the hosts'.
public enum TrialEvent: Hashable, Sendable {
    /// The first record: which scenario, which seed, which schema.
    case trialStarted(scenario: String, seed: UInt64)
    /// The cloud's validator refused an update before it shipped.
    case updateRejected(update: Int, channel: UInt32, digest: String, validator: ValidatorMode, findings: String)
    /// A host process is about to start.
    case attemptStarted(BootMode)
    case hostCrash(HostCrash)
    case recovery(Recovery)
    /// A host process ended in a way that is not a crash (it could not boot at all).
    case hostError(String)
    case host(HostEvent)
}

// MARK: - To and from JSON fields

extension TrialRecord {
    public var fields: RecordFields {
        var fields: RecordFields
        switch event {
        case .host(let host):
            fields = host.fields
        case .trialStarted(let scenario, let seed):
            fields = RecordFields(type: "trial-started")
            fields.version = RecordFields.schemaVersion
            fields.scenario = scenario
            fields.seed = seed
        case .updateRejected(let update, let channel, let digest, let validator, let findings):
            fields = RecordFields(type: "update-rejected")
            fields.update = update
            fields.channel = channel
            fields.digest = digest
            fields.detail = validator.rawValue
            fields.reason = findings
        case .attemptStarted(let mode):
            fields = RecordFields(type: "attempt-started")
            fields.detail = mode.rawValue
        case .hostCrash(let crash):
            fields = RecordFields(type: "host-crash")
            fields.signal = crash.signal.name
            fields.bugcheck = crash.bugcheck.rawValue
            fields.atBoot = crash.atBoot
            fields.driver = crash.driver
            fields.channel = crash.channel
            fields.instance = crash.instance
            fields.file = crash.file
            fields.update = crash.update
            fields.counts = crash.counts
        case .recovery(let recovery):
            fields = RecordFields(type: "recovery")
            fields.detail = recovery.action.rawValue
            fields.reason = recovery.reason
            fields.files = recovery.files
            fields.applied = recovery.applied
        case .hostError(let reason):
            fields = RecordFields(type: "host-error")
            fields.reason = reason
        }
        fields.seq = seq
        fields.time = time.milliseconds
        fields.boot = boot
        return fields
    }

    public init(_ fields: RecordFields) throws(RecordFields.DecodingError) {
        let event: TrialEvent
        switch fields.type {
        case "trial-started":
            event = .trialStarted(scenario: try fields.required(fields.scenario, "scenario"), seed: try fields.required(fields.seed, "seed"))
        case "update-rejected":
            event = .updateRejected(update: try fields.required(fields.update, "update"), channel: try fields.required(fields.channel, "channel"),
                                    digest: try fields.required(fields.digest, "digest"), validator: try fields.word(fields.detail, "detail"),
                                    findings: fields.reason ?? "")
        case "attempt-started":
            event = .attemptStarted(try fields.word(fields.detail, "detail"))
        case "host-crash":
            let name = try fields.required(fields.signal, "signal")
            guard let signal = Signal(name: name) else { throw RecordFields.DecodingError(description: "unknown signal \(name)") }
            event = .hostCrash(HostCrash(signal: signal, bugcheck: try fields.word(fields.bugcheck, "bugcheck"),
                                         atBoot: try fields.required(fields.atBoot, "atBoot"), driver: fields.driver, channel: fields.channel,
                                         instance: fields.instance, file: fields.file, update: fields.update, counts: fields.counts))
        case "recovery":
            event = .recovery(Recovery(action: try fields.word(fields.detail, "detail"), applied: try fields.required(fields.applied, "applied"),
                                       reason: fields.reason ?? "", files: fields.files ?? []))
        case "host-error":
            event = .hostError(fields.reason ?? "")
        default:
            event = .host(try HostEvent(fields))
        }
        self.init(seq: fields.seq ?? 0, time: fields.simulatedTime, boot: fields.boot ?? 0, event: event)
    }
}
