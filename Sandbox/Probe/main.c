// ringfence-probe: one escape act per run, for launching through the exec
// path (`ringfence sandbox run -- ringfence-probe ACT [PID]`). Written in C and
// kept free of any runtime so that what it does under a filter is only the act.
#include <CSandbox.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const names[] = {
    "", "open-shadow", "socket", "execve", "ptrace-parent", "kill-parent", "kill-sibling",
    "clone-namespaces", "clone3", "io-uring", "bpf", "unshare", "mount", "personality", "keyctl",
    "i386-syscall", "x32-syscall", "fork-bomb", "memory-bomb", "fd-exhaustion", "cpu-spin",
    "open-truncate", "open-create", "open-write", "openat2", "tgkill-sibling", "tkill-sibling",
    "rt_sigqueueinfo-sibling", "pidfd_send_signal-sibling", "kill-unrelated", "kill-group", "kill-everyone",
    "process_vm_writev-parent", "kcmp", "userfaultfd", "perf_event_open", "open_by_handle_at", "setns",
    "tiocsti", "memfd-execveat", "fanotify_init", "iopl", "modify_ldt", "vmsplice", "thread-11-of-16",
};
_Static_assert(sizeof names / sizeof names[0] == RF_PROBE_COUNT_PLUS_ONE, "one name per probe");

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ringfence-probe ACT [PID]\n");
        return 2;
    }
    // Not an escape: sleep for a minute, for tests that need a live sandboxed process.
    if (strcmp(argv[1], "hold") == 0) {
        struct timespec duration = { 60, 0 };
        nanosleep(&duration, NULL);
        return 0;
    }
    for (int probe = 1; probe < RF_PROBE_COUNT_PLUS_ONE; probe++) {
        if (strcmp(argv[1], names[probe]) == 0) return rf_probe_act(probe, argc > 2 ? (pid_t)atoi(argv[2]) : 0);
    }
    fprintf(stderr, "ringfence-probe: unknown act %s\n", argv[1]);
    return 2;
}
