import Foundation
import Glibc
import RingfenceSystem

/// Builds Interposer/fail_setup.c and preloads it into the real binary, so
/// that a chosen setup call fails for real (see that file), with no hook in
/// Ringfence's own code.
public enum FailureInjection {
    public static let library: String = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Interposer/fail_setup.c").path
        let output = Fixtures.temporaryDirectory("interposer") + "/fail_setup.so"
        let result = try? ChildProcess.run(Fixtures.cCompiler, ["-shared", "-fPIC", "-O1", "-o", output, source, "-ldl"])
        precondition(result?.status == .exited(0), "cannot build the interposer: \(result?.stderr ?? "no cc")")
        return output
    }()

    /// The environment that makes `call` fail with `errno` (none for nil).
    public static func environment(failing call: String?, errno: Int32) -> [String: String] {
        guard let call else { return ["SWIFT_BACKTRACE": "enable=no"] }
        return ["LD_PRELOAD": library, "RINGFENCE_FAIL": "\(call):\(errno)", "SWIFT_BACKTRACE": "enable=no"]
    }

    /// A fresh folder the sandbox's uid (nobody, as root) can write to and reach.
    public static func worldWritableFolder() -> String {
        let folder = Fixtures.temporaryDirectory("fail-closed")
        chmod(folder, 0o777)
        var parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        while parent != "/" {
            var status = stat()
            if stat(parent, &status) == 0 { chmod(parent, status.st_mode & 0o7777 | 0o111) }
            parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
        }
        return folder
    }
}
