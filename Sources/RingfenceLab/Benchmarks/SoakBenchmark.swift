import Foundation
import Glibc
import RingfenceSandbox
import RingfenceSystem

/// Thousands of agent failures of every kind under one supervisor (this
/// process, through the fork server and the watch the host's supervisor
/// uses), and what is left afterwards: whether the fork server lives, its
/// zombie children, this process's descriptors and resident memory against a
/// baseline taken after a warm-up. A process of its own, so that nothing
/// else moves those figures (`ringfence bench soak`; the reliability suite).
public struct SoakBenchmark {
    /// One kind of failure: what to launch, how, and the termination it must end in.
    struct Kind: Sendable {
        let name: String
        let entry: String
        let arguments: [Int64]
        let handling: ViolationHandling
        let wall: Double
        let expected: @Sendable (Termination) -> Bool
    }

    static let kinds: [Kind] = [
        Kind(name: "SIGSEGV", entry: "crash-segv", arguments: [], handling: .notify, wall: 10) { $0 == .crashed(.segmentationFault) },
        Kind(name: "SIGILL", entry: "crash-trap", arguments: [0], handling: .notify, wall: 10) { $0 == .crashed(.swiftTrap) },
        Kind(name: "SIGSYS (notify)", entry: "probe", arguments: [Int64(EscapeProbe.socket.rawValue), 0], handling: .notify, wall: 10) {
            if case .policyViolation(let violation) = $0 { violation.syscall == "socket" } else { false }
        },
        Kind(name: "SIGSYS (trap)", entry: "probe", arguments: [Int64(EscapeProbe.socket.rawValue), 0], handling: .trap, wall: 10) {
            if case .policyViolation(let violation) = $0 { violation.syscall == "socket" } else { false }
        },
        Kind(name: "hang", entry: "sleep", arguments: [60_000], handling: .notify, wall: 0.02) { $0 == .timedOut },
        Kind(name: "memory", entry: "probe", arguments: [Int64(EscapeProbe.memoryBomb.rawValue), 0], handling: .notify, wall: 10) { $0 == .memoryLimit },
        // Garbage on the report channel, then SIGSEGV: the kernel's word must win.
        Kind(name: "protocol error", entry: "crash-lying-report", arguments: [7], handling: .trap, wall: 10) { $0 == .crashed(.segmentationFault) },
    ]
    /// RLIMIT_CPU costs a second of CPU per failure: one in `cpuEvery`.
    static let cpu = Kind(name: "CPU", entry: "probe", arguments: [Int64(EscapeProbe.cpuSpin.rawValue), 0], handling: .notify, wall: 10) { $0 == .cpuLimit }

    public struct Result: Sendable {
        public var failures: Int
        public var seconds: Double
        public var byKind: [String: Int]
        /// Terminations that were not the kind's (at most ten listed).
        public var wrong: [String]
        public var forkServerAlive: Bool
        public var zombies: Int
        public var descriptors: (baseline: Int, after: Int)
        public var residentKilobytes: (baseline: Int, after: Int)

        public var memoryGrowth: Double { Double(residentKilobytes.after - residentKilobytes.baseline) / Double(residentKilobytes.baseline) }
        /// Nothing left behind: every check of the soak held.
        public var held: Bool {
            wrong.isEmpty && forkServerAlive && zombies == 0 && descriptors.after <= descriptors.baseline && memoryGrowth <= 0.05
        }

        public var summary: String {
            let kinds = byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return String(format: "%d failures in %.1f s (%@); supervisor %@; zombies %d; fds %d -> %d; RSS %d -> %d kB (%+.1f%%)",
                          failures, seconds, kinds, forkServerAlive ? "alive" : "DEAD", zombies, descriptors.baseline, descriptors.after,
                          residentKilobytes.baseline, residentKilobytes.after, 100 * memoryGrowth)
        }
    }

    public let profile: String
    public let failures: Int
    public let cpuEvery: Int

    public init(profile: String, failures: Int, cpuEvery: Int = 500) {
        self.profile = profile
        self.failures = failures
        self.cpuEvery = cpuEvery
    }

    public func run() throws -> Result {
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devNull) }
        let forkServer = try ForkServer()
        let limits = SandboxLimits(addressSpace: 64 << 20, cpuSeconds: 1, openFiles: 64, processes: 8, wallSeconds: 10)
        let policy = try PolicyCompiler.load(profile)
        var specs: [ViolationHandling: SandboxSpec] = [:]
        for handling in [ViolationHandling.notify, .trap] {
            specs[handling] = SandboxSpec(policy: policy, handling: handling, limits: limits,
                                          descriptors: [DescriptorMapping(devNull, as: 0), DescriptorMapping(devNull, as: 1),
                                                        DescriptorMapping(devNull, as: 2)],
                                          reportTarget: 3)
        }
        var wrong: [String] = []
        var byKind: [String: Int] = [:]
        func fail(_ kind: Kind) throws {
            let child = try forkServer.launch(specs[kind.handling]!, entry: kind.entry, arguments: kind.arguments)
            let termination = child.wait(until: monotonicSeconds() + kind.wall)
            byKind[kind.name, default: 0] += 1
            if !kind.expected(termination), wrong.count < 10 { wrong.append("\(kind.name): \(termination)") }
        }
        // Warm up (the first launches allocate what the watch reuses), then take the baseline.
        for kind in Self.kinds + Self.kinds { try fail(kind) }
        byKind = [:]
        let baselineDescriptors = Self.openDescriptors
        let baselineMemory = Self.residentKilobytes
        let started = monotonicSeconds()
        for index in 0..<failures {
            try fail(index % cpuEvery == cpuEvery - 1 ? Self.cpu : Self.kinds[index % Self.kinds.count])
        }
        let seconds = monotonicSeconds() - started
        return Result(failures: failures, seconds: seconds, byKind: byKind, wrong: wrong, forkServerAlive: kill(forkServer.pid, 0) == 0,
                      zombies: Self.zombieChildren(of: forkServer.pid), descriptors: (baselineDescriptors, Self.openDescriptors),
                      residentKilobytes: (baselineMemory, Self.residentKilobytes))
    }

    static var openDescriptors: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }

    static var residentKilobytes: Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// Children of `parent` that have exited and not been reaped.
    static func zombieChildren(of parent: pid_t) -> Int {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init)
        return pids.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && fields[0] == "Z" && fields[1] == Substring("\(parent)")
        }.count
    }
}
