import RingfenceSandbox
import RingfenceSystem

/// How a user-mode agent failed (DESIGN.md section 3), decided by the
/// supervisor from kernel facts and its own deadlines, never from the agent.
public struct AgentFailure: Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case crash
        case hang
        case memoryLimit = "memory-limit"
        case cpuLimit = "cpu-limit"
        case policyViolation = "policy-violation"
        case protocolError = "protocol-error"
        case exit
        /// The sandbox could not be set up, so the agent never ran (fail
        /// closed). Not one of DESIGN.md's failure kinds, which are ways a
        /// running agent fails: a run with one exits 3.
        case sandboxSetup = "sandbox-setup"
    }

    public var kind: Kind
    public var signal: Signal?
    /// The forbidden syscall of a policy violation, by name.
    public var syscall: String?
    /// The update loaded when it failed (1-based delivery order), if any.
    public var update: Int?
    /// A few words for people: the exit status, the setup stage, the violated call.
    public var detail: String?

    public init(kind: Kind, signal: Signal? = nil, syscall: String? = nil, update: Int? = nil, detail: String? = nil) {
        self.kind = kind
        self.signal = signal
        self.syscall = syscall
        self.update = update
        self.detail = detail
    }

    /// Maps how the sandboxed process ended. `killedFor` is the supervisor's
    /// own reason when it killed the agent for something other than a deadline.
    public init(_ termination: Termination, killedFor reason: Kind? = nil) {
        switch termination {
        case .crashed(let signal): self.init(kind: .crash, signal: signal)
        case .policyViolation(let violation):
            self.init(kind: .policyViolation, signal: .badSystemCall, syscall: violation.syscall, detail: violation.description)
        case .timedOut: self.init(kind: .hang)
        case .memoryLimit: self.init(kind: .memoryLimit)
        case .cpuLimit: self.init(kind: .cpuLimit, signal: .cpuLimitExceeded)
        case .killedBySupervisor: self.init(kind: reason ?? .protocolError)
        case .exited(let code): self.init(kind: .exit, detail: "exit status \(code)")
        case .setupFailed(let stage, let errno):
            self.init(kind: .sandboxSetup, detail: "sandbox setup failed at \(stage): \(ErrnoName.describe(errno))")
        }
    }
}
