import RingfenceSandbox
import RingfenceSystem

/// The defaults of the commands' options: data from the install or the
/// checkout the executable belongs to (``RingfenceHome``), files written
/// under the user's state folder. Never the working directory: a tool must
/// work the same from any folder, and must not litter it.
enum Defaults {
    /// The July 19 content sources that ship with Ringfence.
    static var content: String { (RingfenceHome.current?.scenarios ?? "Scenarios") + "/content" }
    /// The scenario library that ships with Ringfence.
    static var library: String { RingfenceHome.current?.scenarios ?? "Scenarios" }
    /// `STATE/ringfence/NAME`, for trials, bundles and demos.
    static func work(_ name: String) -> String { RingfenceHome.stateFolder + "/" + name }
    /// A shipped profile by name, or a path as given.
    static func profile(_ nameOrPath: String) throws -> String {
        do { return try SandboxRun.profilePath(nameOrPath) } catch { throw UserFacingError.invalidInput(error.description) }
    }
}
