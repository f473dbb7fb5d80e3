import Glibc
import RingfenceSystem

/// `ringfence-cli`, the full command tree, which lives beside this executable.
enum FullCommandLine {
    static var path: String { ChildProcess.besideCurrentExecutable("ringfence-cli") }

    /// Replaces this process with `ringfence-cli ARGUMENTS`; returns only if it cannot.
    static func exec(_ arguments: [String]) -> Never {
        let path = path
        let argv = (["ringfence"] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        StandardError.write("ringfence: cannot run \(path): \(reason)\n")
        exit(127)
    }
}
