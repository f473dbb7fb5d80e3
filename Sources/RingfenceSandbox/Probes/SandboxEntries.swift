import CSandbox
import Glibc
import RingfenceSystem

/// Entry points the fork server offers: probe acts, and small programs the
/// tests need (a sleeper, deliberate crashes, a chosen exit status).
public enum SandboxEntries {
    public static let standard: [String: SandboxEntry] = [
        // (probe or check id, target pid)
        "probe": { arguments in rf_probe_act(Int32(arguments.0), pid_t(arguments.1)) },
        // Sleep for arguments.0 milliseconds, then exit 0.
        "sleep": { arguments in
            pause(milliseconds: arguments.0)
            return 0
        },
        // A wild read: SIGSEGV, as the unsafe interpreter's fault.
        "crash-segv": { _ in
            UnsafePointer<Int>(bitPattern: 8)!.pointee == 0 ? 1 : 2
        },
        // A Swift bounds trap: SIGILL on x86_64.
        "crash-trap": { arguments in
            let values = [1, 2, 3]
            return Int32(values[Int(arguments.0) + 3])
        },
        "exit": { arguments in Int32(truncatingIfNeeded: arguments.0) },
    ]
}
