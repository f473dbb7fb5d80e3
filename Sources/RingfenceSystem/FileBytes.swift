import Glibc

/// A whole file read with open/read, for the paths where start-up time counts
/// (`ringfence sandbox run` reads two profiles): FileManager's first use
/// initialises much of Foundation, which costs more than the read itself.
public enum FileBytes {
    public struct ReadError: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        /// strerror's text, e.g. "No such file or directory".
        public var reason: String { String(cString: strerror(errno)) }
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// Files larger than `limit` are refused with EFBIG rather than read into memory.
    public static func read(_ path: String, limit: Int = 64 << 20) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ReadError(path: path, errno: errno) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw ReadError(path: path, errno: EISDIR) }
        guard Int(status.st_size) <= limit else { throw ReadError(path: path, errno: EFBIG) }
        // st_size is a hint (0 for /proc files, stale if the file grows): read
        // until end of file, growing the buffer when it fills.
        var bytes: [UInt8] = []
        var capacity = max(Int(status.st_size) + 1, 4096)
        while true {
            var failure: Int32 = 0
            let previous = bytes.count
            bytes += [UInt8](unsafeUninitializedCapacity: capacity - previous) { buffer, count in
                count = 0
                while count < buffer.count {
                    let got = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                    if got > 0 { count += got } else if got == 0 { break } else if errno != EINTR { failure = errno; break }
                }
            }
            if failure != 0 { throw ReadError(path: path, errno: failure) }
            if bytes.count < capacity { return bytes }
            guard capacity < limit else { throw ReadError(path: path, errno: EFBIG) }
            capacity = min(capacity * 2, limit + 1)
        }
    }
}
