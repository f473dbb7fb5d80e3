import Foundation
import RingfenceSystem
import RingfenceTestSupport
import Testing
@testable import RingfenceSandbox

@Suite(.timeLimit(.minutes(10))) struct SandboxRunArgumentsTests {
    @Test func optionsThenTheCommand() throws {
        let parsed = try SandboxRunArguments.parse([
            "--memory=256MiB", "--cpu", "2", "--keep-fd", "7", "--keep-fd=9", "--log", "--namespaces", "pid,net",
            "--handling", "trap", "--", "ls", "-l",
        ])
        #expect(parsed.limits.addressSpace == 256 << 20)
        #expect(parsed.limits.cpuSeconds == 2)
        #expect(parsed.keptDescriptors == [7, 9])
        #expect(parsed.log)
        #expect(parsed.namespaces == [.pid, .network])
        #expect(parsed.handling == .trap)
        #expect(parsed.command == ["ls", "-l"])
        #expect(parsed.profile == nil)
    }

    /// The default from another folder is a CLI test (SandboxRunCommandTests).
    @Test func aGivenProfileIsNeverReplaced() throws {
        #expect(try SandboxRun.profilePath("/nowhere/p.json") == "/nowhere/p.json")
        #expect(try SandboxRun.profilePath("agent") == ShippedProfiles.path(named: "agent"))
        #expect(try SandboxRun.profilePath(nil) == ShippedProfiles.path(named: "agent"))
        #expect(throws: SandboxPolicyError.self) { try SandboxRun.profilePath("no-such-profile") }
    }

    /// Data is found from the executable: an install's share/ringfence, or
    /// the checkout it was built in; RINGFENCE_HOME first, never the working directory.
    @Test func ringfenceHomeFindsAnInstallOrACheckout() throws {
        let install = Fixtures.temporaryDirectory("install")
        try FileManager.default.createDirectory(atPath: "\(install)/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(install)/share/ringfence/profiles", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Fixtures.root)/Sandbox/profiles/agent.json", toPath: "\(install)/share/ringfence/profiles/agent.json")
        let installed = try #require(RingfenceHome.locate(environment: nil, executable: "\(install)/bin/ringfence"))
        #expect(installed.profiles == PathConfinement.canonical("\(install)/share/ringfence/profiles"))
        #expect(installed.scenarios.hasSuffix("/share/ringfence/scenarios"))
        let built = URL(fileURLWithPath: RingfenceBinary.path).resolvingSymlinksInPath().path
        let checkout = try #require(RingfenceHome.locate(environment: nil, executable: built))
        #expect(checkout.profiles == PathConfinement.canonical("\(Fixtures.root)/Sandbox/profiles"))
        #expect(RingfenceHome.locate(environment: "\(install)/share/ringfence", executable: "/nowhere/bin/ringfence") == installed)
        #expect(RingfenceHome.locate(environment: nil, executable: "/nowhere/bin/ringfence") == nil)
    }

    @Test func theFirstWordThatIsNotAnOptionStartsTheCommand() throws {
        // As with bwrap and minijail0: CMD's own options are CMD's.
        let parsed = try SandboxRunArguments.parse(["--wall", "1.5", "ls", "--log", "--", "x"])
        #expect(parsed.limits.wallSeconds == 1.5)
        #expect(!parsed.log)
        #expect(parsed.command == ["ls", "--log", "--", "x"])
    }

    @Test(arguments: [
        (["--bogus", "x"], "unknown option '--bogus' (see ringfence sandbox run --help)"),
        (["--memory"], "--memory needs a value (SIZE)"),
        (["--log=yes", "x"], "--log takes no value"),
        (["--keep-fd", "2", "x"], "--keep-fd: '2' is not a descriptor above 2"),
        (["--handling", "log", "x"], "--handling: 'log' is not notify or trap"),
        (["--cpu", "0", "x"], "--cpu: '0' is not a positive whole number"),
        (["--"], "no program given: ringfence sandbox run [options] -- CMD [ARGS...]"),
    ])
    func mistakesAreNamed(_ words: [String], message: String) {
        #expect(throws: SandboxRunArguments.UsageError(description: message)) { try SandboxRunArguments.parse(words) }
    }

    @Test func helpStopsParsing() throws {
        #expect(try SandboxRunArguments.parse(["--log", "--help", "--bogus"]).helpRequested)
        #expect(try !SandboxRunArguments.parse(["ls", "--help"]).helpRequested)
    }
}
