import CSeccomp

/// What `--version` prints on every command, `sandbox run` included: CI logs
/// need the tool's version and the two things its behaviour depends on, the
/// Swift it was built with and the libseccomp it runs against.
public enum RingfenceVersion {
    /// The tool's own version: the issue it was last built for, until releases are cut.
    public static let number = "0.12.0-dev"

    public static var swift: String {
        #if compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1 or earlier"
        #endif
    }

    public static var libseccomp: String {
        guard let version = seccomp_version() else { return "unknown" }
        return "\(version.pointee.major).\(version.pointee.minor).\(version.pointee.micro)"
    }

    /// `ringfence 0.12.0-dev (Swift 6.3, libseccomp 2.5.4)`.
    public static var description: String { "ringfence \(number) (Swift \(swift), libseccomp \(libseccomp))" }
}
