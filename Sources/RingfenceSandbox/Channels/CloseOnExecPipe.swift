import CSandbox
import Glibc

/// A pipe whose two ends are close-on-exec from the moment they exist
/// (`pipe2(O_CLOEXEC)`): a process another thread starts meanwhile cannot
/// inherit either end and hold the pipe open. A child that is to have one end
/// gets it by `dup2`, which clears the flag on the copy.
public struct CloseOnExecPipe: Sendable {
    public let readEnd: Int32
    public let writeEnd: Int32

    public init() throws(SandboxSetupError) {
        var fds: [Int32] = [-1, -1]
        guard rf_pipe_cloexec(&fds) == 0 else { throw SandboxSetupError(stage: .fileDescriptors, errno: errno) }
        readEnd = fds[0]
        writeEnd = fds[1]
    }
}
