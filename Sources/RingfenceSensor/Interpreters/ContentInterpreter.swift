import RingfenceContent

/// How an agent applies content to events. The three implementations differ
/// only in how they treat content they should not trust.
public protocol ContentInterpreter: AnyObject {
    var kind: InterpreterKind { get }

    /// Loads a channel's instances, replacing any earlier version of that channel.
    /// Throws if the channel cannot be used at all; the previous content stays.
    @discardableResult
    func load(_ channel: ChannelFile) throws(ContentLoadError) -> LoadReport

    /// Drops a channel (rollback to no content for it).
    func unload(channel: UInt32)

    /// Evaluates one event against every loaded instance of its template type.
    func evaluate(_ event: EventView) -> Verdict

    /// Instances this interpreter refused or switched off, at load or while running.
    var faults: [InstanceFault] { get }

    /// The state actions can damage (see ``RuleEffects``); the kernel checks it after each batch.
    var effects: RuleEffects { get }

    /// Where evaluation is, for a kernel-mode host's crash dump. Once an action
    /// has corrupted the state next to its buffer the trace stops moving, so it
    /// names the instance that did it.
    var trace: InterpreterTrace { get set }
}

extension ContentInterpreter {
    /// The kernel's integrity check: false once an action wrote where it must not.
    public var integrityIntact: Bool { effects.intact }
}

extension ContentInterpreter {
    /// Evaluates every event of a batch and totals the verdicts.
    public func evaluate(_ batch: EventBatch, into counts: inout EvaluationCounts) {
        batch.forEach { event in counts.add(evaluate(event), malicious: event.malicious) }
    }
}

/// The outcome of loading one channel.
public struct LoadReport: Hashable, Sendable {
    public let channel: UInt32
    public let instancesLoaded: Int
    public let disabled: [InstanceFault]
}

/// A channel no interpreter can use (for instance a regex that does not compile).
public struct ContentLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public let channel: UInt32
    public let instance: UInt32?
    public let message: String

    public var description: String {
        "channel \(channel)" + (instance.map { ", instance \($0)" } ?? "") + ": \(message)"
    }
}

/// An instance the resilient interpreter disabled, with the reason and when.
public struct InstanceFault: Hashable, Sendable, CustomStringConvertible {
    public enum Phase: String, Hashable, Sendable { case load, evaluation }

    public let channel: UInt32
    public let phase: Phase
    public let finding: ValidationFinding

    public var instance: UInt32? { finding.instance }
    public var field: Int? { finding.field }

    public var description: String { "channel \(channel) \(finding) [disabled at \(phase.rawValue)]" }
}
