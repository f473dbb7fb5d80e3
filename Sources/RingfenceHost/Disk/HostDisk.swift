import Foundation
import RingfenceContent
import RingfenceSystem

/// A simulated host's disk: a folder that outlives each boot. The sensor's
/// channel files live in `drivers/ringfence/` as `C-<channel>-...chan`, which
/// is why a faulty update is read again at every boot; updates are staged in
/// `incoming/` before they are installed; the supervisor's quarantine list is
/// in `quarantine.txt`; `boot.txt` is the boot record: the last boot's number
/// and whether it got to a clean shutdown; `crash.dump` is the page the lab
/// reads after a crash (``CrashDump``).
public struct HostDisk: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var driverFolder: String { "\(root)/drivers/ringfence" }
    public var incomingFolder: String { "\(root)/incoming" }
    public var quarantineFile: String { "\(root)/quarantine.txt" }
    public var bootRecordFile: String { "\(root)/boot.txt" }
    /// The host's crash dump (``CrashDump``).
    public var crashDumpFile: String { "\(root)/crash.dump" }

    /// How far a boot got, as its record on the disk says.
    public enum BootPhase: String, Sendable {
        /// It came up and has not shut down: if this is still the record at the next boot, it crashed.
        case running
        case shutdown
    }

    /// Writes the boot record: `boot N MODE PHASE`, e.g. `boot 3 normal running`.
    public func recordBoot(_ number: Int, mode: BootMode, phase: BootPhase) {
        try? AtomicFile.write("boot \(number) \(mode.rawValue) \(phase.rawValue)\n", to: bootRecordFile)
    }

    /// The last boot record, if there is one that reads.
    public func lastBoot() -> (number: Int, mode: BootMode, phase: BootPhase)? {
        guard let text = try? String(contentsOfFile: bootRecordFile, encoding: .utf8) else { return nil }
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 4, words[0] == "boot", let number = Int(words[1]), let mode = BootMode(rawValue: String(words[2])),
              let phase = BootPhase(rawValue: String(words[3])) else { return nil }
        return (number, mode, phase)
    }

    public func prepare() throws {
        for folder in [driverFolder, incomingFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// Installs a channel file: written atomically, replacing every older
    /// version of the same channel. A file that does not parse (zeroed, cut
    /// short) is installed all the same, under its channel's name, as the real
    /// sensor's were. Returns the installed path.
    @discardableResult
    public func install(_ bytes: [UInt8], channel: UInt32, update: Int) throws -> String {
        let name = (try? ChannelFile(parsing: bytes))?.header.fileName
            ?? "C-\(ChannelHeader.padded(UInt64(channel)))-00000000-u\(update).chan"
        let path = "\(driverFolder)/\(name)"
        try AtomicFile.write(bytes, to: path)
        for old in channelFiles(channel: channel) where old != path { try? FileManager.default.removeItem(atPath: old) }
        return path
    }

    /// Every installed channel file, in name order.
    public func channelFiles(channel: UInt32? = nil) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: driverFolder)) ?? []
        let prefix = channel.map { "C-\(ChannelHeader.padded(UInt64($0)))-" } ?? "C-"
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".chan") }.sorted().map { "\(driverFolder)/\($0)" }
    }

    /// What the technician does in safe mode: `del C-00000291*` (returns the files deleted).
    @discardableResult
    public func deleteChannelFiles(channel: UInt32) -> [String] {
        let files = channelFiles(channel: channel)
        for file in files { try? FileManager.default.removeItem(atPath: file) }
        return files
    }

    // MARK: - Quarantine

    public func quarantinedDigests() -> Set<String> {
        guard let text = try? String(contentsOfFile: quarantineFile, encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map { String($0.prefix(64)) }.filter { $0.count == 64 })
    }

    public func quarantine(_ digest: String, reason: String) {
        var lines = (try? String(contentsOfFile: quarantineFile, encoding: .utf8)) ?? ""
        lines += "\(digest) \(reason)\n"
        try? AtomicFile.write(lines, to: quarantineFile)
    }
}
