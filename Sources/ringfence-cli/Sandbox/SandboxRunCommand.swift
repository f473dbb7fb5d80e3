import ArgumentParser
import Glibc
import RingfenceSandbox
import RingfenceSystem

extension Ringfence.SandboxCommand {
    /// `sandbox run` in the command tree, for help and for completeness. The
    /// launcher itself is the `ringfence` front executable (it starts faster
    /// than this one can): `ringfence sandbox run` never reaches this code,
    /// and `ringfence-cli sandbox run` hands its arguments over to it.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run any program under the agent sandbox: seccomp, rlimits, no_new_privs, an unprivileged uid.",
            usage: "ringfence sandbox run [options] [--] CMD [ARGS...]",
            discussion: SandboxRunArguments.help)

        @Argument(parsing: .captureForPassthrough, help: "[options] [--] CMD [ARGS...]") var words: [String] = []

        func run() throws {
            let front = ChildProcess.besideCurrentExecutable("ringfence")
            ProcessImage.replace(with: front, name: front, arguments: ["sandbox", "run"] + words, failureStatus: SandboxRun.setupFailureStatus)
        }
    }
}
