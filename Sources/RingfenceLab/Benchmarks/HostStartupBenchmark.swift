import Foundation
import Glibc
import RingfenceHost
import RingfenceSystem

/// What one boot of a simulated host costs before its first event: the
/// process starts, reads its configuration, prepares its disk and crash dump,
/// writes its boot and shutdown records, and exits (a safe-mode boot, which
/// loads no agent and generates no event). Timed interleaved with the floor:
/// the same executable started as a fork server that finds no supervisor and
/// exits at once, which is what any process of it costs.
public struct HostStartupBenchmark {
    public var executable: String
    public var rounds: Int
    let folder: String

    public init(executable: String, rounds: Int, folder: String) {
        self.executable = executable
        self.rounds = rounds
        self.folder = folder
    }

    public func run() throws -> [(name: String, samples: Samples)] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = HostConfiguration(seed: 1, boot: 1, bootAt: .zero, host: HostSettings(), agents: [])
        configuration.safeMode = true
        configuration.safeModeStay = .minutes(15)
        let path = "\(folder)/boot.json"
        try AtomicFile.write([UInt8](JSONEncoder().encode(configuration)), to: path)
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devNull) }
        let runners = [
            InterleavedTiming.Runner("process start (floor)") {
                InterleavedTiming.timeCommand(executable, ["sandbox", "__zygote"], descriptors: [(devNull, 3)])
            },
            InterleavedTiming.Runner("safe-mode boot, whole") {
                InterleavedTiming.timeCommand(executable, ["__host", "--config", path, "--disk", "\(folder)/disk"],
                                              descriptors: [(devNull, HostKernel.recordDescriptor)])
            },
        ]
        return try InterleavedTiming(runners, rounds: rounds).measure()
    }
}
