import Glibc

/// Where Ringfence's data lives, found from the running executable (or
/// `RINGFENCE_HOME`), never from the working directory: the shipped profiles,
/// the scenario library with its content, and the examples. Two layouts:
///
/// - installed (`make install`): `PREFIX/bin/ringfence` and
///   `PREFIX/share/ringfence/{profiles,scenarios,examples}`;
/// - a checkout: `.build/<triple>/<config>/ringfence` three folders below the
///   package root, with `Sandbox/profiles`, `Scenarios` and `examples`.
///
/// `RINGFENCE_HOME` names either root, and is tried first.
public struct RingfenceHome: Sendable, Equatable {
    public let profiles: String
    public let scenarios: String
    public let examples: String

    /// The data of this executable; nil when neither layout is found.
    public static let current: RingfenceHome? = locate(environment: getenv("RINGFENCE_HOME").map { String(cString: $0) },
                                                       executable: ChildProcess.currentExecutable)

    /// The first root, of `RINGFENCE_HOME` and the two layouts beside `executable`, that holds the shipped agent profile.
    public static func locate(environment home: String?, executable: String) -> RingfenceHome? {
        let bin = executable.lastIndex(of: "/").map { String(executable[..<$0]) } ?? "."
        for root in (home.map { [$0] } ?? []) + ["\(bin)/../share/ringfence", "\(bin)/../../.."] {
            if let installed = PathConfinement.canonical(root + "/profiles"), access(installed + "/agent.json", R_OK) == 0,
               let base = PathConfinement.canonical(root) {
                return RingfenceHome(profiles: installed, scenarios: base + "/scenarios", examples: base + "/examples")
            }
            if let checkout = PathConfinement.canonical(root + "/Sandbox/profiles"), access(checkout + "/agent.json", R_OK) == 0,
               let base = PathConfinement.canonical(root) {
                return RingfenceHome(profiles: checkout, scenarios: base + "/Scenarios", examples: base + "/examples")
            }
        }
        return nil
    }

    /// Where commands write when no `--work` is given: `$XDG_STATE_HOME/ringfence`,
    /// else `~/.local/state/ringfence`, else a folder of this user's in /tmp.
    /// Never the working directory, which may be a checkout or read-only.
    public static var stateFolder: String {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") { return state + "/ringfence" }
        if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/"), home != "/" { return home + "/.local/state/ringfence" }
        return "/tmp/ringfence-\(getuid())"
    }
}
