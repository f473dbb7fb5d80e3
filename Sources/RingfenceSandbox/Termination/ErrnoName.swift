import Glibc

/// Symbolic errno names, for reports people and tools read (`EACCES`, not 13).
public enum ErrnoName {
    static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", E2BIG: "E2BIG",
        ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
        EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST", ENOTDIR: "ENOTDIR",
        EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE", EMFILE: "EMFILE", ENOSPC: "ENOSPC",
        EPIPE: "EPIPE", ERANGE: "ERANGE", ENOSYS: "ENOSYS", ENODEV: "ENODEV", EAFNOSUPPORT: "EAFNOSUPPORT",
        EOPNOTSUPP: "EOPNOTSUPP", ECONNREFUSED: "ECONNREFUSED",
    ]

    public static func name(_ value: Int32) -> String { names[value] ?? "errno \(value)" }

    /// `EACCES (Permission denied)`.
    public static func describe(_ value: Int32) -> String { "\(name(value)) (\(String(cString: strerror(value))))" }
}
