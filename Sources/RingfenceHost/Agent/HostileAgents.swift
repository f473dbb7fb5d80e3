import Glibc
import RingfenceSandbox
import RingfenceSystem

/// Agents that misbehave on purpose, one way each, for the supervisor's
/// robustness tests and for scenarios about hostile or broken agents. Each is
/// a fork-server entry like the built-in agent, with the same descriptors.
public enum HostileAgents {
    public static let entries: [String: SandboxEntry] = [
        // Writes bytes that are not frames.
        "hostile-garbage": { _ in
            let junk = [UInt8](repeating: 0xA5, count: 64)
            _ = junk.withUnsafeBytes { write(AgentMain.output, $0.baseAddress, $0.count) }
            return idle()
        },
        // Announces a frame far larger than the limit.
        "hostile-oversized": { _ in
            let header = AgentFrame(.heartbeat).encoded
            var frame = header
            frame.replaceSubrange(8..<12, with: AgentFrame.words([UInt32(1 << 30)]))
            _ = frame.withUnsafeBytes { write(AgentMain.output, $0.baseAddress, $0.count) }
            return idle()
        },
        // Sends heartbeats as fast as it can and never reads.
        "hostile-flood": { _ in
            let beat = AgentFrame(.heartbeat).encoded
            while true { _ = beat.withUnsafeBytes { write(AgentMain.output, $0.baseAddress, $0.count) } }
        },
        // Never reads and never answers: a hang.
        "hostile-silent": { _ in idle() },
        // Closes every descriptor it was given, then waits.
        "hostile-close-fds": { _ in
            for fd in 0...6 { close(Int32(fd)) }
            return idle()
        },
    ]

    private static func idle() -> Int32 {
        pause(milliseconds: 60_000)
        return 0
    }
}
