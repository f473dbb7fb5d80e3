import Foundation
import RingfenceContent
import RingfenceSensor
import RingfenceTestSupport
@testable import RingfenceHost

/// Records kept in memory.
final class CollectingRecordSink: RecordSink {
    private(set) var records: [HostRecord] = []

    func send(_ record: HostRecord) { records.append(record) }

    var events: [HostEvent] { records.map(\.event) }
    func times(of type: String) -> [SimulatedTime] { records.filter { $0.event.type == type }.map(\.time) }
}

/// A user-mode agent inside the test process: it flags every malicious event,
/// and fails in the way it is told, on the first batch with events after it
/// loaded "poisoned" content. Answers come at once: no fork, no pipe.
final class FakeAgent: AgentConnection {
    enum Behaviour {
        case healthy
        /// Ends with `failure` on the first non-empty batch once poisoned content is loaded.
        case failsOnPoison(AgentFailure)
        /// Scans only `count` events of each batch.
        case scansOnly(Int)
    }

    let behaviour: Behaviour
    let poison: Set<String>
    private var queued: [ContentUpdate] = []
    private var loaded: [ContentUpdate] = []
    private var batch: EventBatch?
    private(set) var batches = 0
    /// Batches that would not have fitted the shared ring's slot.
    private(set) var oversized = 0
    private(set) var shutDown = false

    init(behaviour: Behaviour, poison: Set<String>) {
        self.behaviour = behaviour
        self.poison = poison
    }

    func deliver(_ content: ContentUpdate) { queued.append(content) }
    func dispatch(_ batch: EventBatch) {
        let layout = EventRingLayout.standard
        if batch.bytes.count > layout.eventBytes || batch.count > layout.maxEvents { oversized += 1 }
        self.batch = batch
    }
    func shutdown() { shutDown = true }

    func awaitReply() -> AgentReply {
        let loads = queued.map { content -> ChannelLoad in
            loaded.append(content)
            return .loaded(channel: content.channel, instances: 1, disabled: 0, detail: nil)
        }
        queued.removeAll()
        guard let batch = self.batch else { return AgentReply(loads: loads, outcome: .answered(verdicts: [])) }
        self.batch = nil
        batches += 1
        var verdicts: [UInt8] = []
        batch.forEach { verdicts.append($0.malicious ? VerdictByte.alert : VerdictByte.allow) }
        switch behaviour {
        case .failsOnPoison(let failure) where batch.count > 0 && loaded.contains(where: { poison.contains($0.digest) }):
            return AgentReply(loads: loads, outcome: .ended(failure))
        case .scansOnly(let count):
            return AgentReply(loads: loads, outcome: .answered(verdicts: Array(verdicts.prefix(count))))
        default:
            return AgentReply(loads: loads, outcome: .answered(verdicts: verdicts))
        }
    }
}

/// Starts fake agents, or refuses to (a sandbox that cannot be set up).
final class FakeLauncher: AgentLauncher {
    var behaviour: FakeAgent.Behaviour = .healthy
    var poison: Set<String> = []
    var setupFails = false
    private(set) var launched: [FakeAgent] = []
    /// The content each launch was given, by digest.
    private(set) var launchContent: [[String]] = []

    func launch(_ configuration: AgentConfiguration, content: [ContentUpdate]) throws(AgentLaunchError) -> (AgentConnection, WallFacts) {
        if setupFails { throw AgentLaunchError(failure: AgentFailure(kind: .sandboxSetup, detail: "sandbox setup failed at filter: EINVAL")) }
        let agent = FakeAgent(behaviour: behaviour, poison: poison)
        for update in content { agent.deliver(update) }
        launched.append(agent)
        launchContent.append(content.map(\.digest))
        return (agent, WallFacts(pid: 4242, launchMilliseconds: 0.1))
    }
}

/// A boot's pieces for tests: a disk in a temporary folder, fake agents, records in memory.
struct BootBench {
    let disk = HostDisk(root: Fixtures.temporaryDirectory("boot-session"))
    let records = CollectingRecordSink()
    let launcher = FakeLauncher()

    /// A user-mode agent's configuration.
    func agent(_ name: String = "sensor", isolation: Isolation = .user, interpreter: InterpreterKind = .resilient) -> AgentConfiguration {
        var agent = AgentConfiguration(name: name, profile: "/nonexistent/agent.json")
        agent.isolation = isolation
        agent.interpreter = interpreter
        return agent
    }

    /// Puts channel files on the disk, as the lab does before the first boot.
    func install(_ content: [[UInt8]]) throws {
        try disk.prepare()
        for (index, bytes) in content.enumerated() {
            try disk.install(bytes, channel: try ChannelFile(parsing: bytes).header.channel, update: -index)
        }
    }

    /// Stages an update in the disk's incoming folder.
    func stage(_ bytes: [UInt8], update: Int, at time: SimulatedTime) throws -> ScheduledDelivery {
        try disk.prepare()
        let path = "\(disk.incomingFolder)/update-\(update).chan"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return ScheduledDelivery(update: update, at: time, channel: try ChannelFile(parsing: bytes).header.channel, path: path,
                                 label: "update-\(update)", fault: nil)
    }

    func run(_ configuration: HostConfiguration) throws {
        try BootSession(configuration: configuration, disk: disk, records: records, launcher: launcher).run()
    }
}
