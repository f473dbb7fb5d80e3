import ArgumentParser
import Foundation
import Logging
import RingfenceSandbox
import RingfenceSystem

/// The full `ringfence` command tree: a thin layer over the Ringfence
/// libraries. This is the `ringfence-cli` executable; users reach it through
/// the `ringfence` front, which execs it for every command but `sandbox run`.
@main
struct Ringfence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringfence",
        abstract: "Rerun the July 19, 2024 endpoint-sensor outage and measure what each design choice changes.",
        subcommands: [Run.self, Matrix.self, Merge.self, Content.self, Faults.self, SandboxCommand.self, Host.self, HostProcess.self, Demo.self, Bench.self]
    )

    /// Logging is bootstrapped here and nowhere else; libraries only take a Logger.
    static func main() {
        // A supervisor writes to pipes its children may have closed: EPIPE, never a signal.
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["RINGFENCE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
        do {
            if let entry = internalEntry(CommandLine.arguments.dropFirst()) {
                try entry()
                Glibc.exit(0)
            }
            // `--version` on any command, as CI logs want it.
            if CommandLine.arguments.dropFirst().contains("--version") {
                print(RingfenceVersion.description)
                Glibc.exit(0)
            }
            var command = try parseAsRoot()
            try command.run()
        } catch {
            finish(with: error)
        }
    }

    /// DESIGN section 4: a usage error is exit 2 (ArgumentParser's own is 64),
    /// in one `ringfence: ...` line, with "did you mean" for a mistyped
    /// subcommand. Help, and the codes commands throw, pass through.
    static func finish(with error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .validationFailure {
            var message = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "usage error"
            if let word = message.firstMatch(of: /nexpected arguments?:? '([^']*)'/)?.output.1,
               let suggestion = closestSubcommand(to: String(word)) {
                message += "; did you mean '\(suggestion)'?"
            }
            StandardError.complain(message.prefix(1).lowercased() + message.dropFirst() + " (see 'ringfence --help')")
            Glibc.exit(2)
        }
        if error is ExitCode || code == .success { exit(withError: error) }
        // Anything else is an error no command turned into a message: still one line.
        StandardError.complain("\(error)")
        Glibc.exit(2)
    }

    /// The subcommand nearest `word` by edit distance, if it is near enough to be a typo.
    static func closestSubcommand(to word: String) -> String? {
        let names = configuration.subcommands.compactMap { $0.configuration.commandName ?? String(describing: $0).lowercased() }
            .filter { !$0.hasPrefix("__") }
        let scored = names.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (name, distance) = scored, distance <= max(1, name.count / 3) else { return nil }
        return name
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }

    /// The internal commands the lab and the host start for every boot and
    /// every fork server, run without ArgumentParser: building its command
    /// tree reflects over every command type, which costs a host process
    /// several milliseconds, more than its whole boot set-up (BENCHMARKS.md,
    /// issue 10). Their arguments have one fixed form; anything else goes the
    /// normal way, and gets the normal errors.
    static func internalEntry(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
        let words = Array(arguments)
        if words.count == 5, words[0] == HostProcess.configuration.commandName, words[1] == "--config", words[3] == "--disk" {
            return {
                ParentDeath.armFromEnvironment()
                try HostProcess.boot(config: words[2], disk: words[4])
            }
        }
        if words == [SandboxCommand.configuration.commandName!, SandboxCommand.ForkServerProcess.configuration.commandName!] {
            return {
                ParentDeath.armFromEnvironment()
                SandboxCommand.ForkServerProcess.serve()
            }
        }
        return nil
    }
}

/// An error meant for the user: printed as `ringfence: message` with an exit code
/// (2 = invalid input, 1 = a check failed).
struct UserFacingError: Error, CustomStringConvertible {
    let message: String
    let code: Int32
    var description: String { message }

    static func invalidInput(_ message: String) -> UserFacingError { UserFacingError(message: message, code: 2) }
}

extension ParsableCommand {
    /// Runs `body`, turning a ``UserFacingError`` into its message and exit code.
    func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as UserFacingError {
            StandardError.complain(error.message)
            throw ExitCode(error.code)
        }
    }
}

/// Prints a line and flushes at once: several commands may be about to crash
/// on purpose, and buffered output would die with them.
func say(_ text: String = "") {
    print(text)
    fflush(nil)
}
