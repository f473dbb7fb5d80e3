import Glibc
import RingfenceSystem

/// The seccomp profiles that ship with Ringfence (Sandbox/profiles), by name:
/// a scenario writes `profile: agent` rather than a path into the checkout.
/// They are found from the running executable (an install or the checkout it
/// was built in, or `RINGFENCE_HOME`: ``RingfenceHome``), never from the
/// working directory.
public enum ShippedProfiles {
    /// The canonical folder, or nil when no Ringfence data was found.
    public static let folder: String? = RingfenceHome.current?.profiles

    /// The profile called `name` (`agent` for agent.json), if it ships.
    public static func path(named name: String) -> String? {
        guard let folder, isName(name) else { return nil }
        let path = "\(folder)/\(name).json"
        return PathConfinement.canonical(path) == path ? path : nil
    }

    /// The shipped profiles' names, for messages.
    public static var names: [String] {
        guard let folder, let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".json") { names.append(String(name.dropLast(5))) }
        }
        return names.sorted()
    }

    /// The name a shipped profile's path is written back as, or nil for any other file.
    public static func name(of path: String) -> String? {
        guard let folder, path.hasPrefix(folder + "/"), path.hasSuffix(".json") else { return nil }
        let name = String(path.dropFirst(folder.count + 1).dropLast(5))
        return isName(name) ? name : nil
    }

    /// A bare word (no folder, no extension) names a shipped profile; anything else is a path.
    public static func isName(_ text: String) -> Bool {
        !text.isEmpty && !text.contains("/") && !text.contains(".")
    }
}
