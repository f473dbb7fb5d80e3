import Glibc

/// Facts about a program file the exec path needs before launching it.
public enum ExecutableFile {
    /// Whether `path` is a dynamically linked ELF file (it has a PT_INTERP
    /// program header): such a program needs its loader's syscalls before
    /// main, so the exec path adds Sandbox/profiles/exec-startup.json.
    /// nil when the file cannot be read or is not a 64-bit ELF file.
    public static func isDynamicallyLinked(_ path: String) -> Bool? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 64)
        guard pread(fd, &header, 64, 0) == 64, header[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), header[4] == 2 else { return nil }
        func value<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, _ type: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        let tableOffset = Int(value(header, 32, UInt64.self))
        let entrySize = Int(value(header, 54, UInt16.self))
        let entries = Int(value(header, 56, UInt16.self))
        guard entrySize >= 4, entries < 1024 else { return nil }
        var table = [UInt8](repeating: 0, count: entrySize * entries)
        guard pread(fd, &table, table.count, off_t(tableOffset)) == table.count else { return nil }
        return (0..<entries).contains { value(table, $0 * entrySize, UInt32.self) == 3 }  // PT_INTERP
    }
}
