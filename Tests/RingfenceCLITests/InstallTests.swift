import Foundation
import Glibc
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// Ringfence as a user installs it: `make install-files` copies the build the
/// tests already have into a fresh PREFIX, and the installed copy runs from a
/// folder outside the checkout, with a HOME of its own. Its data comes from
/// PREFIX/share/ringfence, its files go to the state folder, and nothing is
/// written where it was started.
@Suite(.serialized, .timeLimit(.minutes(10))) struct InstallTests {
    static let install: (prefix: String, home: String, elsewhere: String) = {
        let prefix = Fixtures.temporaryDirectory("prefix")
        let build = URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent().path
        let made = try? ChildProcess.run("/usr/bin/make", ["-s", "-C", Fixtures.root, "install-files", "BUILD=\(build)", "PREFIX=\(prefix)"])
        precondition(made?.status == .exited(0), "make install-files failed: \(made?.stderr ?? "")")
        return (prefix, Fixtures.temporaryDirectory("home"), Fixtures.temporaryDirectory("elsewhere"))
    }()

    /// Runs the installed `ringfence` with `arguments` from the folder outside the checkout.
    static func installed(_ arguments: [String]) throws -> ChildProcess.Output {
        try ChildProcess.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", install.elsewhere, "\(install.prefix)/bin/ringfence"] + arguments,
                             environment: ["HOME": install.home, "SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1", "XDG_STATE_HOME": ""])
    }

    @Test func theInstalledToolFindsItsDataAndWritesToTheStateFolder() throws {
        let share = "\(Self.install.prefix)/share/ringfence"
        #expect(FileManager.default.fileExists(atPath: "\(share)/profiles/agent.json"))
        #expect(FileManager.default.fileExists(atPath: "\(share)/scenarios/july19-user.yaml"))
        #expect(FileManager.default.fileExists(atPath: "\(share)/examples/regression-suite/hang.yaml"))

        let run = try Self.installed(["run", "\(share)/scenarios/july19-user.yaml"])
        #expect(run.status == .exited(0), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(Self.install.home)/.local/state/ringfence/runs"), "no trial in the state folder")
        #expect(run.stdout.contains("trials in \(Self.install.home)/.local/state/ringfence/runs"), "\(run.stdout)")

        let probe = try Self.installed(["sandbox", "probe", "--only", "socket,ptrace-parent"])
        #expect(probe.status == .exited(0), "\(probe.stdout)\(probe.stderr)")
        let report = "\(Self.install.home)/report.json"
        let sandbox = try Self.installed(["sandbox", "run", "--report", report, "--", "/bin/true"])
        #expect(sandbox.status == .exited(0), "\(sandbox.stderr)")
        let profiles = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        #expect(profiles.contains("\(PathConfinement.canonical(share)!)/profiles/agent.json"), "\(profiles)")

        let host = try Self.installed(["host", "run", "--isolation", "user"])
        #expect(host.status == .exited(0), "\(host.stderr)")
        #expect(host.stdout.contains("\(Self.install.home)/.local/state/ringfence/host-run"), "\(host.stdout)")

        // Nothing was written where the commands were started.
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.install.elsewhere).isEmpty)
    }

    @Test func uninstallRemovesWhatInstallPut() throws {
        let prefix = Fixtures.temporaryDirectory("prefix-uninstall")
        let build = URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent().path
        let made = try ChildProcess.run("/usr/bin/make", ["-s", "-C", Fixtures.root, "install-files", "BUILD=\(build)", "PREFIX=\(prefix)"])
        #expect(made.status == .exited(0), "\(made.stderr)")
        let removed = try ChildProcess.run("/usr/bin/make", ["-s", "-C", Fixtures.root, "uninstall", "PREFIX=\(prefix)"])
        #expect(removed.status == .exited(0), "\(removed.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(prefix)/bin").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(prefix)/share/ringfence"))
    }
}
