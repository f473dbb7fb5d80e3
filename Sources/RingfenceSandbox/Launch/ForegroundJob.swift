import CSandbox
import Glibc

/// What a shell does for a job, done for the one program `ringfence sandbox
/// run` launches. The program runs in a process group of its own (setup step
/// 2), which a terminal and a `kill` of the launcher do not reach; so while it
/// runs the launcher
/// - passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on to the whole group, and
/// - when its stdin is its controlling terminal and it holds the terminal's
///   foreground, hands the foreground to the group, so that the program can
///   read the terminal (a background group is stopped by SIGTTIN) and Ctrl-C
///   reaches it directly; and takes it back when the program has ended.
///
/// Not handled: Ctrl-Z stops the program, but the launcher, outside its
/// group, keeps waiting for it (resume it with `kill -CONT`).
struct ForegroundJob {
    /// The terminal was handed to the group and must be taken back.
    private let handedTerminal: Bool

    init(group: pid_t) {
        _ = rf_forward_signals(group)
        guard isatty(STDIN_FILENO) == 1, tcgetpgrp(STDIN_FILENO) == getpgrp() else {
            handedTerminal = false
            return
        }
        handedTerminal = tcsetpgrp(STDIN_FILENO, group) == 0
        // A read of the terminal before the hand-over stopped the program
        // (SIGTTIN); it may go on now.
        if handedTerminal { _ = kill(-group, SIGCONT) }
    }

    /// The group has ended: stop forwarding, take the terminal back.
    func end() {
        rf_stop_forwarding()
        guard handedTerminal else { return }
        // In the background now, this process would be stopped by SIGTTOU for
        // taking the foreground, unless it ignores SIGTTOU meanwhile.
        let previous = signal(SIGTTOU, SIG_IGN)
        _ = tcsetpgrp(STDIN_FILENO, getpgrp())
        signal(SIGTTOU, previous)
    }
}
