import RingfenceContent
import RingfenceSystem

/// One record as JSON: a flat object with a `type` and the fields that type
/// uses (docs/records.md, schema version ``RecordFields/schemaVersion``).
/// This is the edge: typed records become these only to be written, and are
/// made back from them as soon as they are read.
public struct RecordFields: Codable, Hashable, Sendable {
    /// Bumped when a field changes meaning or a type is removed.
    public static let schemaVersion = 2

    public var seq: Int?
    /// Milliseconds of simulated time since the trial started.
    public var time: Double?
    public var boot: Int?
    public var type: String
    public var version: Int?
    public var scenario: String?
    public var seed: UInt64?
    public var agent: String?
    public var detail: String?
    public var signal: String?
    public var syscall: String?
    public var bugcheck: String?
    public var driver: String?
    public var update: Int?
    public var channel: UInt32?
    public var instance: UInt32?
    public var digest: String?
    public var file: String?
    public var files: [String]?
    public var fault: String?
    public var reason: String?
    public var instances: Int?
    public var disabled: Int?
    public var events: Int?
    public var scanned: Int?
    public var restarts: Int?
    public var atBoot: Bool?
    public var applied: Bool?
    public var previous: Previous?
    public var counts: [AgentCounts]?
    public var wall: WallFacts?

    /// The boot before, as a `boot` record tells it.
    public struct Previous: Codable, Hashable, Sendable {
        public var boot: Int
        public var mode: String
        public var crashed: Bool
    }

    public init(type: String) { self.type = type }

    /// Why a record could not be read back.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) { self.description = description }
    }

    public func required<T>(_ value: T?, _ name: String) throws(DecodingError) -> T {
        guard let value else { throw DecodingError(description: "a '\(type)' record without '\(name)'") }
        return value
    }

    public func word<T: RawRepresentable>(_ value: String?, _ name: String) throws(DecodingError) -> T where T.RawValue == String {
        let text = try required(value, name)
        guard let parsed = T(rawValue: text) else { throw DecodingError(description: "'\(type)' record: '\(text)' is not a valid \(name)") }
        return parsed
    }

    /// The time field as simulated time.
    public var simulatedTime: SimulatedTime { SimulatedTime(microseconds: Int64(((time ?? 0) * 1000).rounded())) }
}

// MARK: - Host records to and from fields

extension HostRecord {
    public var fields: RecordFields {
        var fields = event.fields
        fields.time = time.milliseconds
        return fields
    }

    public init(_ fields: RecordFields) throws(RecordFields.DecodingError) {
        self.init(try HostEvent(fields), at: fields.simulatedTime)
    }
}

extension HostEvent {
    /// The JSON `type` of each host event.
    public var type: String {
        switch self {
        case .booted: "boot"
        case .updateDelivered: "update-delivered"
        case .updateInstalled: "update-installed"
        case .channelLoaded: "channel-loaded"
        case .updateRefused: "update-refused"
        case .agentStarted: "agent-started"
        case .agentFailure: "agent-failure"
        case .quarantine: "quarantine"
        case .rollback: "rollback"
        case .agentRestart: "agent-restart"
        case .agentPermanentlyFailed: "agent-permanently-failed"
        case .eventsDropped: "events-dropped"
        case .counts: "counts"
        case .shutdown: "shutdown"
        case .bugcheck: "bugcheck"
        }
    }

    public var fields: RecordFields {
        var fields = RecordFields(type: type)
        switch self {
        case .booted(let mode, let previous):
            fields.detail = mode.rawValue
            fields.previous = previous.map { RecordFields.Previous(boot: $0.number, mode: $0.mode.rawValue, crashed: $0.crashed) }
        case .updateDelivered(let delivery):
            fields.update = delivery.update
            fields.channel = delivery.channel
            fields.digest = delivery.digest
            fields.file = delivery.label
            fields.fault = delivery.fault?.rawValue
        case .updateInstalled(let update, let channel, let file):
            fields.update = update
            fields.channel = channel
            fields.file = file
        case .channelLoaded(let agent, let update, let load):
            fields.agent = agent
            fields.update = update
            switch load {
            case .loaded(let channel, let instances, let disabled, let detail):
                fields.detail = ChannelLoad.Kind.loaded.rawValue
                fields.channel = channel
                fields.instances = instances
                fields.disabled = disabled
                fields.reason = detail
            case .refused(let reason):
                fields.detail = ChannelLoad.Kind.refused.rawValue
                fields.reason = reason
            }
        case .updateRefused(let agent, let update, let digest, let reason):
            fields.agent = agent
            fields.update = update
            fields.digest = digest
            fields.detail = "quarantined"
            fields.reason = reason
        case .agentStarted(let agent, let wall):
            fields.agent = agent
            fields.wall = wall
        case .agentFailure(let agent, let failure):
            fields.agent = agent
            fields.detail = failure.kind.rawValue
            fields.signal = failure.signal?.name
            fields.syscall = failure.syscall
            fields.update = failure.update
            fields.reason = failure.detail
        case .quarantine(let agent, let update, let channel, let digest, let reason):
            fields.agent = agent
            fields.update = update
            fields.channel = channel
            fields.digest = digest
            fields.reason = reason
        case .rollback(let agent, let update, let channel, let knownGood):
            fields.agent = agent
            fields.update = update
            fields.channel = channel
            fields.digest = knownGood
        case .agentRestart(let agent, let restarts):
            fields.agent = agent
            fields.restarts = restarts
        case .agentPermanentlyFailed(let agent, let restarts, let reason):
            fields.agent = agent
            fields.restarts = restarts
            fields.reason = reason
        case .eventsDropped(let agent, let events, let scanned):
            fields.agent = agent
            fields.events = events
            fields.scanned = scanned
        case .counts(let counts), .shutdown(let counts):
            fields.counts = counts
        case .bugcheck(let agent, let code, let reason):
            fields.agent = agent
            fields.bugcheck = code.rawValue
            fields.reason = reason
        }
        return fields
    }

    public init(_ fields: RecordFields) throws(RecordFields.DecodingError) {
        func agent() throws(RecordFields.DecodingError) -> String { try fields.required(fields.agent, "agent") }
        switch fields.type {
        case "boot":
            let previous = try fields.previous.map { (previous) throws(RecordFields.DecodingError) in
                PreviousBoot(number: previous.boot, mode: try fields.word(previous.mode, "mode"), crashed: previous.crashed)
            }
            self = .booted(try fields.word(fields.detail, "detail"), previous: previous)
        case "update-delivered":
            self = .updateDelivered(UpdateDelivery(update: try fields.required(fields.update, "update"),
                                                   channel: try fields.required(fields.channel, "channel"),
                                                   digest: try fields.required(fields.digest, "digest"),
                                                   label: try fields.required(fields.file, "file"),
                                                   fault: try fields.fault.map { (name) throws(RecordFields.DecodingError) -> Fault in try fields.word(name, "fault") }))
        case "update-installed":
            self = .updateInstalled(update: try fields.required(fields.update, "update"), channel: try fields.required(fields.channel, "channel"),
                                    file: try fields.required(fields.file, "file"))
        case "channel-loaded":
            let load: ChannelLoad = switch try fields.word(fields.detail, "detail") as ChannelLoad.Kind {
            case .refused: .refused(reason: try fields.required(fields.reason, "reason"))
            case .loaded: .loaded(channel: try fields.required(fields.channel, "channel"), instances: try fields.required(fields.instances, "instances"),
                                  disabled: fields.disabled ?? 0, detail: fields.reason)
            }
            self = .channelLoaded(agent: try agent(), update: fields.update, load)
        case "update-refused":
            self = .updateRefused(agent: try agent(), update: fields.update, digest: try fields.required(fields.digest, "digest"),
                                  reason: fields.reason ?? "")
        case "agent-started":
            self = .agentStarted(agent: try agent(), wall: fields.wall ?? WallFacts())
        case "agent-failure":
            let signal = try fields.signal.map { (name) throws(RecordFields.DecodingError) in
                guard let signal = Signal(name: name) else { throw RecordFields.DecodingError(description: "unknown signal \(name)") }
                return signal
            }
            self = .agentFailure(agent: try agent(), AgentFailure(kind: try fields.word(fields.detail, "detail"), signal: signal,
                                                                  syscall: fields.syscall, update: fields.update, detail: fields.reason))
        case "quarantine":
            self = .quarantine(agent: try agent(), update: fields.update, channel: try fields.required(fields.channel, "channel"),
                               digest: try fields.required(fields.digest, "digest"), reason: fields.reason ?? "")
        case "rollback":
            self = .rollback(agent: try agent(), update: fields.update, channel: try fields.required(fields.channel, "channel"),
                             knownGood: fields.digest)
        case "agent-restart":
            self = .agentRestart(agent: try agent(), restarts: try fields.required(fields.restarts, "restarts"))
        case "agent-permanently-failed":
            self = .agentPermanentlyFailed(agent: try agent(), restarts: try fields.required(fields.restarts, "restarts"),
                                           reason: fields.reason ?? "")
        case "events-dropped":
            self = .eventsDropped(agent: try agent(), events: try fields.required(fields.events, "events"),
                                  scanned: try fields.required(fields.scanned, "scanned"))
        case "counts":
            self = .counts(try fields.required(fields.counts, "counts"))
        case "shutdown":
            self = .shutdown(try fields.required(fields.counts, "counts"))
        case "bugcheck":
            self = .bugcheck(agent: try agent(), try fields.word(fields.bugcheck, "bugcheck"), reason: fields.reason ?? "")
        default:
            throw RecordFields.DecodingError(description: "unknown host record type '\(fields.type)'")
        }
    }
}
