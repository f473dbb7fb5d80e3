import RingfenceSensor

/// A running user-mode agent as the host's event loop sees it: something that
/// takes content and batches in order and answers each batch, or ends.
///
/// The real one is a sandboxed process (``UserModeAgent``); tests of the
/// host's logic use fakes, which answer in microseconds without a fork. One
/// batch is in flight at a time: the host dispatches it, then waits for the
/// answer, so that an agent's death always falls on a known batch.
protocol AgentConnection: AnyObject {
    /// Queues a channel file; the agent loads it before the next batch.
    func deliver(_ content: ContentUpdate)
    /// Hands the agent a batch to scan.
    func dispatch(_ batch: EventBatch)
    /// Waits, in real time, until the agent has answered the dispatched batch
    /// or has ended; what it said meanwhile comes with the answer.
    func awaitReply() -> AgentReply
    /// Asks the agent to stop; the host is shutting down.
    func shutdown()
}

/// What came back for one batch.
struct AgentReply {
    enum Outcome {
        /// One verdict byte (``VerdictByte``) per event the agent scanned.
        case answered(verdicts: [UInt8])
        case ended(AgentFailure)
    }

    /// Content loads the agent reported, in order.
    var loads: [ChannelLoad]
    var outcome: Outcome
}

/// Starts user-mode agents.
protocol AgentLauncher: AnyObject {
    /// Starts `configuration`'s agent with `content` queued. Throws when the
    /// sandbox cannot be set up: then no agent runs (fail closed).
    func launch(_ configuration: AgentConfiguration, content: [ContentUpdate]) throws(AgentLaunchError) -> (AgentConnection, WallFacts)
}

/// The sandbox could not be set up for an agent.
struct AgentLaunchError: Error {
    let failure: AgentFailure
}
