import Glibc
import RingfenceSensor

/// The host's crash dump: one page of the host's memory, mapped from a file on
/// its disk, that outlives the process.
///
/// A real kernel writes its dump from the bugcheck handler. A simulated one
/// cannot run code once its interpreter has faulted, so it keeps the page
/// current instead: the simulated clock and every agent's totals after each
/// batch, and, while a driver runs, which driver, which phase (loading or
/// evaluating) and, from the interpreter's trace, which channel and instance.
/// After a crash the lab reads the file: the dump names the faulting driver
/// and its channel file, as the July 2024 dumps named the sensor's, and the
/// fix is keyed on that file.
///
/// Layout, little-endian 64-bit words: magic, boot, clock (microseconds),
/// driver (agent index, -1 none), phase, channel (-1 none), instance (-1
/// none), agent count, then per agent the seven totals of ``AgentCounts``.
public final class CrashDump {
    public enum Phase: Int64, Sendable {
        case idle = 0
        case load = 1
        case evaluate = 2
    }

    static let size = 4096
    static let magic: Int64 = 0x3130_504D_5544_4652  // "RFDUMP01"
    static let headerWords = 8
    static let wordsPerAgent = 7
    public static let maxAgents = (size / 8 - headerWords) / wordsPerAgent

    private let words: UnsafeMutablePointer<Int64>

    /// Creates (or resets) the dump file and maps it.
    public init(path: String, boot: Int, agents: Int) throws(CrashDumpError) {
        guard agents <= Self.maxAgents else { throw CrashDumpError(path: path, reason: "more than \(Self.maxAgents) agents") }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CrashDumpError(path: path, errno: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(Self.size)) == 0 else { throw CrashDumpError(path: path, errno: errno) }
        guard let mapping = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            throw CrashDumpError(path: path, errno: errno)
        }
        words = mapping.assumingMemoryBound(to: Int64.self)
        words[1] = Int64(boot)
        words[3] = -1
        words[5] = -1
        words[6] = -1
        words[7] = Int64(agents)
        words[0] = Self.magic
    }

    deinit { munmap(words, Self.size) }

    /// The host's simulated clock.
    public var clock: SimulatedTime {
        get { SimulatedTime(microseconds: words[2]) }
        set { words[2] = newValue.microseconds }
    }

    /// A driver (agent `index`) starts to run: loading `channel`, or evaluating.
    public func enter(driver index: Int, _ phase: Phase, channel: UInt32? = nil) {
        words[3] = Int64(index)
        words[4] = phase.rawValue
        words[5] = channel.map(Int64.init) ?? -1
        words[6] = -1
    }

    /// Control is back in the kernel's own code.
    public func leave() {
        words[3] = -1
        words[4] = Phase.idle.rawValue
    }

    /// Where a kernel-mode interpreter writes the channel and instance it is on.
    public var trace: InterpreterTrace { InterpreterTrace(recordingInto: words + 5) }

    /// One agent's totals (agent `index` of the boot's configuration).
    public func store(_ counts: AgentCounts, at index: Int) {
        let base = words + Self.headerWords + index * Self.wordsPerAgent
        base[0] = Int64(counts.generated)
        base[1] = Int64(counts.processed)
        base[2] = Int64(counts.missed)
        base[3] = Int64(counts.blocked)
        base[4] = Int64(counts.malicious)
        base[5] = Int64(counts.detected)
        base[6] = counts.unprotected.microseconds
    }

    // MARK: - Reading it back, after the crash

    /// Reads a dump file; nil if there is none or it is not a dump.
    public static func read(_ path: String, agents names: [String]) -> CrashDumpContents? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [Int64](repeating: 0, count: size / 8)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count == size, buffer[0] == magic, buffer[7] == Int64(names.count) else { return nil }
        let counts = names.enumerated().map { index, name in
            let base = headerWords + index * wordsPerAgent
            var agent = AgentCounts(name: name)
            agent.generated = Int(buffer[base])
            agent.processed = Int(buffer[base + 1])
            agent.missed = Int(buffer[base + 2])
            agent.blocked = Int(buffer[base + 3])
            agent.malicious = Int(buffer[base + 4])
            agent.detected = Int(buffer[base + 5])
            agent.unprotected = SimulatedTime(microseconds: buffer[base + 6])
            return agent
        }
        return CrashDumpContents(boot: Int(buffer[1]), clock: SimulatedTime(microseconds: buffer[2]),
                                 driver: buffer[3] >= 0 ? Int(buffer[3]) : nil, phase: Phase(rawValue: buffer[4]) ?? .idle,
                                 channel: buffer[5] >= 0 ? UInt32(truncatingIfNeeded: buffer[5]) : nil,
                                 instance: buffer[6] >= 0 ? UInt32(truncatingIfNeeded: buffer[6]) : nil, counts: counts)
    }
}

/// What a crash dump says.
public struct CrashDumpContents: Hashable, Sendable {
    public var boot: Int
    /// The simulated time the host had reached.
    public var clock: SimulatedTime
    /// The agent (index in the boot's configuration) whose code was running, if any.
    public var driver: Int?
    public var phase: CrashDump.Phase
    public var channel: UInt32?
    public var instance: UInt32?
    public var counts: [AgentCounts]
}

/// The dump could not be set up.
public struct CrashDumpError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(path: String, reason: String) { description = "crash dump \(path): \(reason)" }
    init(path: String, errno: Int32) { self.init(path: path, reason: String(cString: strerror(errno))) }
}
