import Foundation
import RingfenceContent
import RingfenceHost
import RingfenceLab
import RingfenceSandbox

/// The four decoders that read what a user or an agent hands Ringfence, each
/// as a function of arbitrary bytes. Whatever the bytes, a decoder returns a
/// value or throws its typed error: it never traps, hangs or crashes. The
/// fuzzer (`make fuzz`) and the regression replay (`make test`) both call these.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "channel": channel, "frame": frame, "scenario": scenario, "profile": profile,
    ]

    /// The channel-file parser, and the content view of whatever it accepts.
    static func channel(_ bytes: [UInt8]) {
        guard let file = try? ChannelFile(parsing: bytes) else { return }
        _ = file.instances.count
    }

    /// The agent frame decoder, fed in two pieces as a pipe would deliver them.
    static func frame(_ bytes: [UInt8]) {
        var decoder = FrameDecoder(maxPayload: AgentFrame.maxAgentPayload)
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        for part in [bytes[..<split], bytes[split...]] {
            part.withUnsafeBytes { decoder.append($0) }
            while let frame = try? decoder.next() { _ = frame.payload.count }
        }
    }

    /// The scenario decoder; files it names resolve under a folder that does not exist.
    static func scenario(_ bytes: [UInt8]) {
        _ = try? ScenarioDecoder.decode(Data(bytes), file: "/nonexistent-fuzz/scenario.yaml")
    }

    /// The profile reader, and libseccomp's compilation of whatever it accepts.
    static func profile(_ bytes: [UInt8]) {
        guard let profile = try? SeccompProfile.parse(bytes, source: "fuzz.json") else { return }
        var compiler = PolicyCompiler(profile: profile, source: "fuzz.json")
        compiler.allowsPermissive = true
        _ = try? compiler.compile(handling: .notify)
    }
}

#if RINGFENCE_FUZZ
// libFuzzer's entry: RINGFENCE_FUZZ_TARGET names the decoder.
private let selected: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else { fatalError("RINGFENCE_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted())") }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM links an executable target's entry as `<module>_main`: hand it to
/// libFuzzer's driver (libFuzzer's own `main` is then not linked).
@_cdecl("ringfence_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
}
#else
/// Without the fuzzer: replays every seed and every crash found so far
/// (`ringfence-fuzz CORPUS_ROOT`), each through its decoder, and prints how
/// many. A decoder that traps on one of them fails the run.
@main struct FuzzReplay {
    static func main() throws {
        let root = CommandLine.arguments.dropFirst().first ?? "Tests/Fuzz"
        var replayed = 0
        for folder in ["Corpus", "Crashes"] {
            for name in FuzzTargets.all.keys.sorted() {
                let path = "\(root)/\(folder)/\(name)"
                for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    FuzzTargets.all[name]!([UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(file)"))))
                    replayed += 1
                }
            }
        }
        print("ringfence-fuzz: replayed \(replayed) inputs")
    }
}
#endif
