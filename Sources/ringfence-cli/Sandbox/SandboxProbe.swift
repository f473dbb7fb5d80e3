import ArgumentParser
import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem

extension Ringfence.SandboxCommand {
    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the escape corpus against a profile and show how each act was stopped.",
            discussion: "Exit status: 0 when every probe was blocked, 1 when any escaped, 3 when the sandbox could not be set up.")

        @OptionGroup var options: ProfileOptions
        @Flag(help: "Launch the probes through the exec path (ringfence-probe) instead of the fork server.") var exec = false
        @Option(help: "Run only these probes (comma-separated names).") var only: String?
        @Option(help: "Optional namespaces for the probes: pid,net,ipc,mount (root only).") var namespaces: String?

        func run() throws {
            do {
                try probe()
            } catch let failure as SetupFailure {
                StandardError.complain(failure.message)
                throw ExitCode(3)
            } catch let error as SandboxPolicyError {
                StandardError.complain("\(error)")
                throw ExitCode(3)
            } catch let error as SandboxSetupError {
                StandardError.complain("\(error)")
                throw ExitCode(3)
            }
        }

        private func probe() throws {
            let compiler = try options.compiler()
            let handling = options.resolvedHandling(compiler)
            let probes = try only.map { list in
                try list.split(separator: ",").map { name in
                    guard let probe = EscapeProbe(name: String(name)) else { throw ValidationError("unknown probe \(name)") }
                    return probe
                }
            } ?? EscapeProbe.allCases
            let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
            defer { close(devNull) }
            var runner = ProbeRunner(policy: compiler, handling: handling, devNull: devNull)
            if let namespaces {
                guard let parsed = SandboxNamespaces(names: namespaces) else {
                    throw ValidationError("--namespaces takes a comma-separated list of pid, net, ipc, mount")
                }
                runner.spec.namespaces = parsed
            }
            let forkServer = try ForkServer()
            let path = exec ? "exec path (ringfence-probe)" : "fork server"
            say("probing \(options.profile) via the \(path), violations by \(handling), running as uid \(getuid())")
            let outcomes = exec
                ? try runner.run(probes, probeExecutable: probeExecutable(), launcher: try options.execLauncher(), forkServer: forkServer)
                : try runner.run(probes, forkServer: forkServer)
            let width = EscapeProbe.allCases.map(\.description.count).max() ?? 0
            for outcome in outcomes {
                let name = outcome.probe.description.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                switch outcome.verdict {
                case .blocked(let how): say("\(name)blocked   \(how)")
                case .escaped: say("\(name)ESCAPED   \(outcome.probe.act) succeeded")
                case .error(let message): say("\(name)ERROR     \(message)")
                }
            }
            let escaped = outcomes.filter { $0.verdict == .escaped }.count
            let errors = outcomes.filter { if case .error = $0.verdict { true } else { false } }.count
            say("\(outcomes.count - escaped - errors) of \(outcomes.count) blocked, \(escaped) escaped, \(errors) errors")
            if escaped > 0 || errors > 0 { throw ExitCode(1) }
        }

        private func probeExecutable() -> String {
            ChildProcess.besideCurrentExecutable("ringfence-probe")
        }
    }
}
