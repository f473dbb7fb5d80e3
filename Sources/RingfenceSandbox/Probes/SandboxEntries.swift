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
        // A protocol error: garbage on the violation-report channel (fd 3),
        // then a SIGSEGV. The supervisor must believe the kernel, not the report.
        "crash-lying-report": { arguments in
            var garbage = (0..<64).map { UInt8(truncatingIfNeeded: Int64($0) &* 37 &+ arguments.0) }
            _ = write(3, &garbage, garbage.count)
            return UnsafePointer<Int>(bitPattern: 8)!.pointee == 0 ? 1 : 2
        },
    ]
}
