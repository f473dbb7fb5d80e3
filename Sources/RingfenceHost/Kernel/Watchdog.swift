import Glibc

/// The host's DPC watchdog: an interval timer the kernel loop re-arms on every
/// pass. If the loop is stuck (a kernel-mode interpreter that never returns),
/// the timer fires and SIGALRM, left at its default action, ends the host: the
/// lab reads that as DPC_WATCHDOG_VIOLATION.
struct Watchdog {
    let seconds: Double

    func arm() {
        signal(SIGALRM, SIG_DFL)
        var timer = itimerval()
        timer.it_value.tv_sec = Int(seconds)
        timer.it_value.tv_usec = Int((seconds - Double(Int(seconds))) * 1_000_000)
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }

    func disarm() {
        var timer = itimerval()
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }
}
