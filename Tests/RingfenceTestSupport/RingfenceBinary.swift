import Foundation
import RingfenceSystem

/// The `ringfence` executable that `swift test` built next to the test bundle.
public enum RingfenceBinary {
    public static var path: String {
        let bundleFolder = URL(fileURLWithPath: ChildProcess.currentExecutable).deletingLastPathComponent()
        return bundleFolder.appendingPathComponent("ringfence").path
    }

    /// Runs `ringfence ARGS` without the Swift crash reporter. Tests pass
    /// absolute paths (see ``Fixtures``), so the working directory does not matter.
    /// Runs the binary to completion; `environment` is added to the defaults.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Output {
        try ChildProcess.run(path, arguments, environment: ["SWIFT_BACKTRACE": "enable=no", "NO_COLOR": "1"].merging(environment) { $1 })
    }
}
