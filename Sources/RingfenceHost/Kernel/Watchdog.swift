import Glibc

/// The host's DPC watchdog: a CPU-time timer (ITIMER_PROF) that the kernel
/// arms around every call into a driver (a channel load, a batch). If a
/// kernel-mode interpreter never returns, the host's CPU time runs out,
/// SIGPROF (left at its default action) ends the host, and the lab reads
/// DPC_WATCHDOG_VIOLATION. The kernel's own work (generating events, say) is
/// not timed: what it costs differs between debug and release builds, and a
/// watchdog that fired on it would make the two disagree.
///
/// CPU time, not wall time: a host waiting for a CPU on a loaded machine, or
/// stopped, is not stuck, and must not bugcheck.
struct Watchdog {
    let seconds: Double

    func arm() {
        signal(SIGPROF, SIG_DFL)
        var timer = itimerval()
        timer.it_value.tv_sec = Int(seconds)
        timer.it_value.tv_usec = max(1, Int((seconds - Double(Int(seconds))) * 1_000_000))
        setitimer(__itimer_which_t(ITIMER_PROF.rawValue), &timer, nil)
    }

    func disarm() {
        var timer = itimerval()
        setitimer(__itimer_which_t(ITIMER_PROF.rawValue), &timer, nil)
    }
}
