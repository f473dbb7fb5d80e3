import Foundation
import Glibc

/// The reliability suite's figures, from whichever test target measures them:
/// printed as `reliability: NAME: TEXT`, and appended to the file named by
/// RINGFENCE_RELIABILITY_FIGURES (`make reliability` collects them there).
public enum ReliabilityFigures {
    public static func record(_ name: String, _ text: String) {
        let line = "reliability: \(name): \(text)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        guard let path = ProcessInfo.processInfo.environment["RINGFENCE_RELIABILITY_FIGURES"] else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
}
