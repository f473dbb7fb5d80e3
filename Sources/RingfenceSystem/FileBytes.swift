import Glibc

/// A whole input file read safely: every file Ringfence reads on a user's
/// behalf (scenarios, profiles, channel files, configurations) goes through
/// here, so that no input can make it block or read without end.
///
/// - The file is opened with `O_NONBLOCK | O_NOCTTY`: opening a FIFO does not
///   wait for a writer, and a terminal does not become ours.
/// - `fstat` decides before any byte is read: only a regular file is read;
///   a FIFO, socket, device or directory is refused by kind.
/// - A file larger than the limit is refused from its size, and at most
///   `limit + 1` bytes are ever read, so a file that grows while it is read
///   (or a /proc file that reports size 0) cannot run past the limit either.
///
/// open/read rather than FileManager: the paths where start-up time counts
/// (`ringfence sandbox run` reads its profiles) would pay for initialising
/// much of Foundation.
public enum FileBytes {
    public struct ReadError: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        /// What is wrong, e.g. "No such file or directory" or "not a regular file (a FIFO)".
        public let reason: String

        public init(path: String, errno: Int32, reason: String? = nil) {
            self.path = path
            self.errno = errno
            self.reason = reason ?? String(cString: strerror(errno))
        }

        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The default limit: far above any real scenario, profile or channel file.
    public static let defaultLimit = 64 << 20

    /// Reads the regular file at `path`, refusing anything larger than `limit` bytes.
    public static func read(_ path: String, limit: Int = defaultLimit) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ReadError(path: path, errno: errno) }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw ReadError(path: path, errno: kind == S_IFDIR ? EISDIR : EINVAL, reason: "not a regular file (\(describeKind(kind)))")
        }
        guard Int(status.st_size) <= limit else { throw tooLarge(path, limit: limit) }
        // st_size is a hint (0 for /proc files, stale if the file grows): read
        // until end of file, growing the buffer when it fills, never past limit + 1.
        var bytes: [UInt8] = []
        var capacity = min(max(Int(status.st_size) + 1, 4096), limit + 1)
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
            if bytes.count > limit { throw tooLarge(path, limit: limit) }
            if bytes.count < capacity { return bytes }
            capacity = min(capacity * 2, limit + 1)
        }
    }

    /// Reads a UTF-8 text file; invalid UTF-8 is an error naming the byte offset.
    public static func readText(_ path: String, limit: Int = defaultLimit) throws(ReadError) -> String {
        let bytes = try read(path, limit: limit)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += UTF8.width(scalar)
                offset = consumed
            case .emptyInput:
                break loop
            case .error:
                throw ReadError(path: path, errno: EILSEQ, reason: "not UTF-8 text (invalid byte at offset \(offset))")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func tooLarge(_ path: String, limit: Int) -> ReadError {
        ReadError(path: path, errno: EFBIG, reason: "larger than the limit of \(ByteSize.describe(limit))")
    }

    /// `a FIFO`, `a directory`, `a character device`...: a file type (`st_mode & S_IFMT`) in words.
    public static func describeKind(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "a special file"
        }
    }
}
