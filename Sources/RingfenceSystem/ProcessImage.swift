import Glibc

/// Replacing this process with another program (execv), as the two
/// `ringfence` executables do to hand a command line to each other.
public enum ProcessImage {
    /// Runs `path` in this process, with argv `[name] + arguments` and the
    /// same environment. Returns only if execv failed, and then does not
    /// return either: it says why on stderr and exits with `failureStatus`.
    public static func replace(with path: String, name: String, arguments: [String], failureStatus: Int32) -> Never {
        let argv = ([name] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        StandardError.complain("cannot run \(path): \(String(cString: strerror(errno)))")
        exit(failureStatus)
    }
}
