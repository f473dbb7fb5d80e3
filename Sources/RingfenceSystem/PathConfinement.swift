import Glibc

/// The folders an input file may make Ringfence read: a scenario reads files
/// in its own folder tree, the profiles shipped with Ringfence, and folders
/// the user allowed explicitly (`--allow DIR`). Anything else, and anything
/// that is not a regular file, is refused before it is opened.
///
/// Paths are compared after `realpath`, so `..` and symbolic links cannot
/// lead out of a root: what counts is where the file really is. A root is
/// canonicalised once, when the confinement is made.
public struct PathConfinement: Sendable, Equatable {
    /// Canonical folders, without a trailing slash.
    public let roots: [String]

    /// `roots` that do not exist are dropped (they could not hold a file anyway).
    public init(roots: [String]) {
        var unique: [String] = []
        for root in roots.compactMap(Self.canonical) where !unique.contains(root) { unique.append(root) }
        self.roots = unique
    }

    /// The same roots and `more`.
    public func adding(_ more: [String]) -> PathConfinement { PathConfinement(roots: roots + more) }

    /// Why a path was refused, in words that name the fix.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The canonical path of `path` if it is a regular file inside one of the roots.
    public func admit(_ path: String) throws(Refusal) -> String {
        guard !path.utf8.contains(0) else { throw Refusal(path: path, reason: "a path with a NUL byte in it") }
        guard let real = Self.canonical(path) else { throw Refusal(path: path, reason: "no such file") }
        var status = stat()
        guard stat(real, &status) == 0 else { throw Refusal(path: path, reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Refusal(path: path, reason: "not a regular file (\(FileBytes.describeKind(status.st_mode & S_IFMT)))")
        }
        guard roots.contains(where: { real.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
            let shown = real == path ? "" : " (it resolves to \(real))"
            throw Refusal(path: path, reason: "outside the folders it may read\(shown): \(roots.joined(separator: ", ")); pass --allow DIR to read files there")
        }
        return real
    }

    /// `realpath(3)`, or nil when the path does not exist.
    public static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
