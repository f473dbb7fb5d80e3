import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// A hundred set-up failures, injected from outside Ringfence's code (a
/// preloaded library makes the real call fail): every one is refused at its
/// stage, and no program runs unsandboxed.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FailClosedInjectionTests {
    static let calls = ["pdeathsig", "setpgid", "sigmask", "dup3", "setrlimit", "nnp", "seccomp", "clone"] + (geteuid() == 0 ? ["setgroups"] : [])

    @Test func noInjectedFailureLetsAProgramRun() throws {
        let total = Reliability.count(short: 18, full: 100)
        let marker = FailureInjection.worldWritableFolder() + "/ran"
        var refused = 0, ran = 0
        var servers: [String: ForkServer] = [:]
        for index in 0..<total {
            let call = Self.calls[index % Self.calls.count]
            if (index / Self.calls.count) % 2 == 0 {
                // sandbox run: the command would create the marker.
                let output = try ChildProcess.run(RingfenceBinary.path, ["sandbox", "run", "--profile", "\(Fixtures.root)/Sandbox/profiles/permissive-log.json",
                                                                         "--", "/bin/sh", "-c", "echo ran > '\(marker)'"],
                                                  environment: FailureInjection.environment(failing: call, errno: EPERM))
                if output.status == .exited(252) && output.stderr.contains("setup failed at") { refused += 1 }
            } else {
                // The fork server: the getpid check would exit 100 if it ran.
                if servers[call] == nil {
                    servers[call] = try ForkServer(executable: RingfenceBinary.path, environment: FailureInjection.environment(failing: call, errno: EPERM))
                }
                let spec = SandboxSpec(policy: try PolicyCompiler.load("\(Fixtures.root)/Sandbox/profiles/agent.json"), handling: .notify,
                                       descriptors: [], reportTarget: nil)
                do {
                    let child = try servers[call]!.launch(spec, entry: "probe", arguments: [Int64(PolicyCheck.getpid.rawValue), 0])
                    if child.wait(until: monotonicSeconds() + 10) == .exited(100) { ran += 1 }
                } catch is SandboxSetupError {
                    refused += 1
                }
            }
            if access(marker, F_OK) == 0 {
                ran += 1
                unlink(marker)
            }
        }
        #expect(ran == 0)
        #expect(refused == total)
        Reliability.figure("fail closed", "\(total) injected set-up failures (\(Self.calls.joined(separator: ", ")); sandbox run and fork server): "
                               + "\(refused) refused at their stage, \(ran) programs ran unsandboxed")
    }
}
