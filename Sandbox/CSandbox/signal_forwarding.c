// Signal forwarding for `ringfence sandbox run`, which runs one program in a
// process group of its own (setup step 2). A terminal's Ctrl-C, a `kill` of
// the launcher or a closed terminal reaches only the launcher, so it passes
// those signals on to the whole group, as a shell does for its job. This is C
// because a signal handler may run only async-signal-safe code: the handler
// reads one sig_atomic_t and calls kill(2), nothing else.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <signal.h>
#include <string.h>

/// The group signals go to; 0 while nothing is forwarded.
static volatile sig_atomic_t rf_forward_group = 0;

static const int rf_forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void rf_forward(int signal) {
    pid_t group = (pid_t)rf_forward_group;
    if (group > 0) kill(-group, signal);
}

int rf_forward_signals(pid_t group) {
    rf_forward_group = group;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rf_forward;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: the launcher's wait loop sees EINTR and looks again.
    for (size_t i = 0; i < sizeof rf_forwarded_signals / sizeof rf_forwarded_signals[0]; i++) {
        if (sigaction(rf_forwarded_signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

void rf_stop_forwarding(void) {
    rf_forward_group = 0;
    for (size_t i = 0; i < sizeof rf_forwarded_signals / sizeof rf_forwarded_signals[0]; i++) {
        signal(rf_forwarded_signals[i], SIG_DFL);
    }
}
