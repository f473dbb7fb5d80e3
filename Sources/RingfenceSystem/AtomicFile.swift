import Glibc

/// Writes a file so that readers see either the old contents or the new, never
/// a torn mix: write a temporary file beside it, fsync, then rename over it.
/// (linkat of an O_TMPFILE file would leave nothing behind, but cannot
/// replace an existing report.) A writer killed between the two leaves its
/// temporary file, `NAME.tmp-PID`; the next write to NAME removes every such
/// file whose process is gone.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let step: String
        public let errno: Int32
        public var description: String { "cannot write \(path): \(step) failed: \(String(cString: strerror(errno)))" }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        removeStaleTemporaries(of: path)
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, step: "open", errno: errno) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                let saved = errno
                close(fd)
                unlink(temporary)
                throw WriteError(path: path, step: "write", errno: saved)
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            let saved = errno
            close(fd)
            unlink(temporary)
            throw WriteError(path: path, step: "fsync", errno: saved)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let saved = errno
            unlink(temporary)
            throw WriteError(path: path, step: "rename", errno: saved)
        }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// Removes `path.tmp-PID` files left by writers that no longer run.
    /// A live writer's file (another process writing the same path) is kept.
    public static func removeStaleTemporaries(of path: String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp-"
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix), let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink("\(folder)/\(name)") }
        }
    }
}
