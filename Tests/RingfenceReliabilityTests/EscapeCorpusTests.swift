import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem
import RingfenceTestSupport
import Testing

/// The escape corpus through both launch paths, from every build present:
/// the debug build the tests run, and the release build `make reliability`
/// makes (an optimiser must not change what a probe measures).
@Suite(.serialized, .timeLimit(.minutes(10))) struct EscapeCorpusTests {
    static var builds: [(name: String, binary: String)] {
        let release = URL(fileURLWithPath: RingfenceBinary.path).deletingLastPathComponent()
            .appendingPathComponent("../release/ringfence").standardized.path
        return [("debug", RingfenceBinary.path)] + (Reliability.isFull && access(release, X_OK) == 0 ? [("release", release)] : [])
    }

    @Test(arguments: ["fork server", "exec path"])
    func noProbeEscapes(_ path: String) throws {
        for build in Self.builds {
            let output = try ChildProcess.run(build.binary, ["sandbox", "probe"] + (path == "exec path" ? ["--exec"] : []),
                                              environment: ["SWIFT_BACKTRACE": "enable=no"])
            #expect(output.status == .exited(0), "\(build.name) \(path): \(output.stdout)\(output.stderr)")
            let summary = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let tried = EscapeProbe.allCases.count
            #expect(summary == "\(tried) of \(tried) blocked, 0 escaped, 0 errors", "\(build.name) \(path): \(summary)")
            Reliability.figure("escape corpus, \(build.name), \(path)", "\(tried) tried, \(summary)")
        }
    }
}
