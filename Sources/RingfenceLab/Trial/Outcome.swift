/// The one outcome of a trial: the worst that happened (DESIGN.md section 3).
public enum Outcome: String, Codable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// The host crashed at boot again and again (at least 2 consecutive boots).
    case bootLoop = "boot-loop"
    /// The host died, but came back on the next boot.
    case hostCrash = "host-crash"
    /// An agent process died, hung or was killed; the host kept running.
    case isolated
    /// An agent detected the bad content itself and kept running, with no process death.
    case handled
    /// The validator refused the update before any agent loaded it.
    case rejected
    /// Nothing went wrong.
    case clean

    public var description: String { rawValue }

    /// Worst first.
    static let severity: [Outcome] = [.bootLoop, .hostCrash, .isolated, .handled, .rejected, .clean]

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool {
        severity.firstIndex(of: lhs)! < severity.firstIndex(of: rhs)!
    }

    /// A harmless outcome: the host and its protection kept running.
    public var isHarmless: Bool { self == .handled || self == .rejected || self == .clean }
}
