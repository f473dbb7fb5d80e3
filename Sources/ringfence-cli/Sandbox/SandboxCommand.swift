import ArgumentParser
import Glibc
import Foundation
import RingfenceHost
import RingfenceSandbox
import RingfenceSystem

extension Ringfence {
    struct SandboxCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sandbox",
            abstract: "The user-mode sandbox: seccomp, rlimits, no_new_privs, a fork server and an exec path.",
            subcommands: [Run.self, Probe.self, ForkServerProcess.self, Hold.self])
    }
}

/// Options shared by the sandbox commands.
struct ProfileOptions: ParsableArguments {
    @Option(help: "An OCI/Docker seccomp profile (JSON), or a shipped one by name: agent, permissive-log.") var profile = "agent"
    @Option(help: "How violations are named: trap (in-child SIGSYS reporter), notify (seccomp user notification) or log (permissive). Default: notify where the kernel supports it; log for a profile whose default action is SCMP_ACT_LOG.")
    var handling: ViolationHandling?
    @Flag(help: "Accept a permissive profile: default action allow, log or notify, or an allow rule for execve, execveat, ptrace, bpf, mount or process_vm_writev.")
    var permissive = false

    func compiler() throws -> PolicyCompiler {
        do {
            var compiler = try PolicyCompiler.load(SandboxRun.profilePath(profile))
            compiler.allowsPermissive = permissive
            return compiler
        } catch { throw SetupFailure(message: error.description) }
    }

    /// An exec launcher with the startup allowances found beside the profile.
    func execLauncher() throws -> ExecLauncher {
        do { return try ExecLauncher.withShippedStartupProfiles() } catch {
            throw SetupFailure(message: error.description)
        }
    }

    func resolvedHandling(_ compiler: PolicyCompiler) -> ViolationHandling {
        handling ?? compiler.handling(preferring: .preferred)
    }
}

extension ViolationHandling: ExpressibleByArgument {}

/// A sandbox that cannot be set up: exit status 3 (fail closed).
struct SetupFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension Ringfence.SandboxCommand {
    /// The fork server's process: started by the supervisor, never by hand.
    struct ForkServerProcess: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__zygote", shouldDisplay: false)

        func run() throws { Self.serve() }

        static func serve() -> Never {
            let entries = SandboxEntries.standard.merging(["agent": AgentMain.entry]) { $1 }.merging(HostileAgents.entries) { $1 }
            ForkServer.serve(socket: 3, entries: entries)
        }
    }
}

extension Ringfence.SandboxCommand {
    /// For the parent-death test: launches one sandboxed sleeper through each
    /// path, prints their pids, and waits to be killed.
    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__hold", shouldDisplay: false)

        @OptionGroup var options: ProfileOptions

        func run() throws {
            let compiler = try options.compiler()
            let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
            let spec = SandboxSpec(policy: compiler, handling: options.resolvedHandling(compiler),
                                   descriptors: [0, 1, 2].map { DescriptorMapping(devNull, as: $0) })
            let forkServer = try ForkServer()
            let viaForkServer = try forkServer.launch(spec, entry: "sleep", arguments: [60_000])
            let probe = ChildProcess.besideCurrentExecutable("ringfence-probe")
            let viaExec = try options.execLauncher().launch(spec, executable: probe, arguments: ["hold"])
            say("fork-server \(viaForkServer.pid)")
            say("exec \(viaExec.pid)")
            sleep(60)
        }
    }
}
