import CSandbox
import CSeccomp
import Glibc

/// Syscall numbers and names per architecture, through libseccomp's tables.
public enum SyscallTable {
    /// The architecture token (an AUDIT_ARCH_* value) of this process.
    public static var nativeArchitecture: UInt32 { seccomp_arch_native() }

    /// The number of `name` on the native architecture; nil if libseccomp does
    /// not know the name at all. Names that exist only on other architectures
    /// resolve to libseccomp's negative pseudo-numbers, which rules accept.
    public static func number(of name: String) -> Int32? {
        let number = seccomp_syscall_resolve_name(name)
        return number == __NR_SCMP_ERROR ? nil : number
    }

    /// Linux syscalls added after libseccomp 2.5's tables (kernels 5.17 to
    /// 6.17, and riscv's own): a profile written for a newer runtime (Docker's
    /// default names several) may allow them, and an allow rule for one this
    /// libseccomp cannot name is skipped, as Docker's runtime skips it. That
    /// only makes the filter stricter: the call then meets the default action.
    /// Any other name libseccomp does not know is an error (a typo).
    public static let newerSyscalls: Set<String> = [
        "set_mempolicy_home_node", "cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue",
        "statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal", "setxattrat",
        "getxattrat", "listxattrat", "removexattrat", "open_tree_attr", "file_getattr", "file_setattr", "uretprobe",
        "riscv_hwprobe", "riscv_flush_icache",
    ]

    /// The name of syscall `number` on `architecture`, e.g. `openat`.
    public static func name(of number: Int32, architecture: UInt32 = nativeArchitecture) -> String? {
        guard let text = seccomp_syscall_resolve_num_arch(architecture, number) else { return nil }
        defer { free(text) }
        return String(cString: text)
    }

    /// A readable name for an AUDIT_ARCH_* token.
    public static func architectureName(_ token: UInt32) -> String {
        switch token {
        case 0xC000_003E: "x86_64"
        case 0x4000_0003: "i386"
        case 0x4000_003E: "x32"
        case 0xC000_00B7: "aarch64"
        case 0x4000_0028: "arm"
        default: "arch 0x\(String(token, radix: 16))"
        }
    }

    /// The architecture names profiles use (Docker's and libseccomp's) for this machine.
    static var nativeNames: Set<String> {
        #if arch(x86_64)
        return ["amd64", "x86_64", "SCMP_ARCH_X86_64"]
        #elseif arch(arm64)
        return ["arm64", "aarch64", "SCMP_ARCH_AARCH64"]
        #else
        return []
        #endif
    }

    /// The 32-bit architecture this kernel can also run, if any (x32 is never allowed).
    static var compatibleArchitecture: (names: Set<String>, token: UInt32)? {
        #if arch(x86_64)
        return (["x86", "i386", "SCMP_ARCH_X86"], 0x4000_0003)
        #elseif arch(arm64)
        return (["arm", "SCMP_ARCH_ARM"], 0x4000_0028)
        #else
        return nil
        #endif
    }

    /// The running kernel as (major, minor).
    static var kernelVersion: (Int, Int) {
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let parts = release.split(separator: ".").prefix(2).map { Int($0.prefix { $0.isNumber }) ?? 0 }
        return (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
    }

    /// Whether the kernel offers SECCOMP_RET_USER_NOTIF (checked once).
    public static let userNotificationAvailable: Bool = rf_seccomp_user_notification_available() != 0
}
