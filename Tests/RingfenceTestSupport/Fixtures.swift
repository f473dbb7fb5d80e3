import Foundation
import Glibc
import RingfenceContent

/// Paths and compiled content shared by the test targets.
public enum Fixtures {
    /// The package root, found from this file's location.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var content: String { "\(root)/Scenarios/content" }
    public static var templates: String { "\(content)/templates.yaml" }

    /// A content source compiled to bytes.
    public static func compiled(_ name: String) throws -> [UInt8] {
        try ChannelSource.compile("\(content)/\(name)").encoded()
    }

    public static func channel(_ name: String) throws -> ChannelFile {
        try ChannelFile(parsing: compiled(name))
    }

    public static var baseline: ChannelFile { get throws { try channel("ipc-baseline.yaml") } }
    public static var update291: ChannelFile { get throws { try channel("ipc-update-291.yaml") } }

    /// A scratch folder unique to one test.
    public static func temporaryDirectory(_ label: String = "test") -> String {
        let path = NSTemporaryDirectory() + "ringfence-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A fresh temporary folder holding a copy of the library's content
    /// (`content/`), for scenarios written at test time: a scenario reads
    /// only inside its own folder tree.
    public static func folderWithContent(_ label: String) throws -> String {
        let folder = temporaryDirectory(label)
        try FileManager.default.copyItem(atPath: content, toPath: "\(folder)/content")
        return folder
    }

    /// The C compiler for programs the tests build: the toolchain's clang
    /// (the compiler a release build uses), else the system's cc.
    public static var cCompiler: String {
        access("/opt/swift/usr/bin/clang", X_OK) == 0 ? "/opt/swift/usr/bin/clang" : "/usr/bin/cc"
    }

    /// Writes `text` to a file in a fresh temporary folder and returns its path.
    public static func writeTemporary(_ text: String, name: String = "file.yaml") -> String {
        let path = temporaryDirectory() + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}
