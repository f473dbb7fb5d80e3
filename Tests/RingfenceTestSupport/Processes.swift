import Foundation
import Glibc

/// Processes found through /proc, for tests that stop, load or watch what
/// Ringfence starts.
public enum Processes {
    /// One entry of /proc: its pid, parent and command name.
    public struct Entry: Sendable {
        public let pid: pid_t
        public let parent: pid_t
        public let command: String
    }

    public static var all: [Entry] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(pid_t.init)
        return pids.compactMap { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]) else { return nil }
            return Entry(pid: pid, parent: parent, command: String(stat[stat.index(after: open)..<close]))
        }
    }

    public static func children(of parent: pid_t, named name: String) -> [pid_t] {
        all.filter { $0.parent == parent && $0.command == name.prefix(15) }.map(\.pid)
    }

    /// Every process below `ancestor`.
    public static func descendants(of ancestor: pid_t) -> [pid_t] {
        let entries = all
        var found: [pid_t] = []
        var frontier = [ancestor]
        while let parent = frontier.popLast() {
            let children = entries.filter { $0.parent == parent }.map(\.pid)
            found += children
            frontier += children
        }
        return found
    }

    /// Processes whose command line mentions `text` (a trial's folder, say).
    public static func commandLineContains(_ text: String) -> [pid_t] {
        all.map(\.pid).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self).contains(text)
        }
    }

    /// Still running: it exists and is not a zombie waiting to be reaped.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// Running under a seccomp filter.
    public static func isSandboxed(_ pid: pid_t) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "").contains("Seccomp:\t2")
    }
}

/// A flag set by one thread and read by another.
public final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    public init() {}

    public func set() { lock.withLock { raised = true } }
    public var value: Bool { lock.withLock { raised } }
}
