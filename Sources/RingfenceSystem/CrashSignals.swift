import Glibc

/// The signals a crash ends in, and a way to die by them directly.
public enum CrashSignals {
    public static let all: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT, SIGSYS]

    /// Restores the default action for every crash signal.
    ///
    /// The Swift runtime installs a crash reporter (the backtracer) on these
    /// signals. A simulated driver has no such thing: when its interpreter
    /// faults, the process must die at once by the raw signal, which is what
    /// the lab then reads as a blue screen.
    public static func restoreDefaultActions() {
        for signal in all { Glibc.signal(signal, SIG_DFL) }
    }
}
