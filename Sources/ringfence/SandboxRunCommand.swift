import Crypto
import Glibc
import RingfenceSandbox
import RingfenceSystem

/// `ringfence sandbox run [options] [--] CMD [ARGS...]`: parse, load the
/// profiles, launch, report, and exit with minijail's status model.
enum SandboxRunCommand {
    static func main(_ words: [String]) -> Never {
        let arguments: SandboxRunArguments
        do {
            arguments = try SandboxRunArguments.parse(words)
        } catch {
            fail("\(error)")
        }
        // The help text is ArgumentParser's layout; the full command line prints it.
        if arguments.helpRequested { FullCommandLine.exec(["help", "sandbox", "run"]) }
        if arguments.versionRequested {
            print(RingfenceVersion.description)
            exit(0)
        }
        let run: SandboxRun
        do {
            run = try SandboxRun.prepare(arguments)
        } catch {
            fail("sandbox setup failed: \(error)")
        }
        var report = run.run()
        let lines = report.messages(listingLogged: arguments.log)
        if !lines.isEmpty { StandardError.write(lines.joined(separator: "\n") + "\n") }
        if let path = arguments.report {
            // Digests only for the report that shows them: not on every launch.
            report.profiles = run.loadedProfiles.map { loaded in
                let digits = Array("0123456789abcdef")
                let hex = SHA256.hash(data: loaded.bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }
                return SandboxRun.Report.LoadedProfile(path: loaded.path, sha256: String(hex))
            }
            do {
                try AtomicFile.write(Array(report.json.utf8), to: path)
            } catch {
                StandardError.complain("\(error)")
            }
        }
        exit(report.exitStatus)
    }

    /// A bad option or an unusable profile: CMD never ran.
    static func fail(_ message: String) -> Never {
        StandardError.complain(message)
        exit(SandboxRun.setupFailureStatus)
    }
}
