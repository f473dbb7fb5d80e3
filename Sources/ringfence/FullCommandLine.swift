import Glibc
import RingfenceSystem

/// `ringfence-cli`, the full command tree, which lives beside this executable.
enum FullCommandLine {
    static var path: String { ChildProcess.besideCurrentExecutable("ringfence-cli") }

    /// Replaces this process with `ringfence-cli ARGUMENTS`; if it cannot, exits 127.
    static func exec(_ arguments: [String]) -> Never {
        ProcessImage.replace(with: path, name: "ringfence", arguments: arguments, failureStatus: 127)
    }
}
