// The child setup, as a checklist that runs in a fixed order between clone and
// the agent's entry point (or execve). Only async-signal-safe calls appear
// below: the parent prepared every input before it cloned.
//
// Two ways in. The fork paths (the fork server, its warm spares) clone a copy
// of the process, as fork does. The exec path shares the parent's memory
// (CLONE_VM | CLONE_VFORK, as posix_spawn does), which spares it copying the
// parent's page tables and every copy-on-write fault afterwards; the parent is
// suspended until the execve. Code that may run in such a child writes no
// global, calls no glibc wrapper that keeps process-wide state (the set*id
// family walks the parent's thread list; raw syscalls are used instead)
// and never waits for the parent, who cannot answer before the execve.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

void rf_install_reporters(int report_fd);

/// Where the setup channel and the sync fd live once the fd layout is done:
/// high enough not to collide with any target, and fixed so that the parent
/// can pin the filter's launcher rules to these exact numbers.
enum { RF_SETUP_FD_HIGH = 1000, RF_SYNC_FD_HIGH = 1001 };

// MARK: - Reporting

/// The descriptors one setup writes to and waits on. It lives on the child's
/// stack, never in a global: an exec-path child shares the parent's memory.
struct rf_setup_state {
    int setup_fd;
    int sync_fd;
};

/// The setup channel of a fork-path child whose setup has finished, for
/// rf_report_ready and rf_report_failure. Only forked children (which have
/// memory of their own) set it.
static int rf_forked_setup_fd = -1;

static void rf_write_record(int fd, int stage, int error, int value) {
    struct rf_setup_record record = { RF_SETUP_MAGIC, stage, error, value };
    ssize_t written;
    do {
        written = write(fd, &record, sizeof record);
    } while (written < 0 && errno == EINTR);
}

/// Fail closed: report the stage and errno, then exit before any agent code runs.
static void rf_fail(const struct rf_setup_state *state, int stage, int error) {
    rf_write_record(state->setup_fd, stage, error, 0);
    _exit(127);
}

/// Runs one stage: a failed check ends the child with the stage and errno.
#define RF_STAGE(state, stage, ok) \
    do { \
        if (!(ok)) rf_fail((state), (stage), errno); \
    } while (0)

// MARK: - Stages

/// 3. Every handler back to SIG_DFL and an empty mask: the Swift runtime's
/// crash handlers must not survive, or a SIGSEGV in the agent would turn into
/// something else under seccomp. Then the violation reporters go in.
static int rf_reset_signals(const struct rf_child_config *config) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        // glibc reserves two real-time signals for itself and refuses them (EINVAL).
        if (sigaction(signal, &action, NULL) != 0 && errno != EINVAL) return 0;
    }
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) return 0;
    if (config->report_fd >= 0) rf_install_reporters(config->report_fd);
    return 1;
}

/// 4. The fd layout. Sources are first copied above every target so that a
/// source which is also another entry's target is not overwritten, then each
/// copy is dup2'd onto its target (dup2 clears close-on-exec). Everything
/// else is closed, except the setup channel and the sync fd, which move to
/// fixed high numbers and stay close-on-exec.
static int rf_layout_fds(const struct rf_child_config *config, struct rf_setup_state *state) {
    int high = RF_SYNC_FD_HIGH + 1;
    int moved[RF_MAX_FDS];
    if (config->fd_count < 0 || config->fd_count > RF_MAX_FDS) { errno = EINVAL; return 0; }
    if (dup3(state->setup_fd, RF_SETUP_FD_HIGH, O_CLOEXEC) < 0) return 0;
    state->setup_fd = RF_SETUP_FD_HIGH;
    if (state->sync_fd >= 0) {
        if (dup3(state->sync_fd, RF_SYNC_FD_HIGH, O_CLOEXEC) < 0) return 0;
        state->sync_fd = RF_SYNC_FD_HIGH;
    }
    for (int i = 0; i < config->fd_count; i++) {
        moved[i] = fcntl(config->fd_sources[i], F_DUPFD_CLOEXEC, high);
        if (moved[i] < 0) return 0;
    }
    for (int i = 0; i < config->fd_count; i++) {
        if (config->fd_targets[i] >= RF_SETUP_FD_HIGH) { errno = EBADF; return 0; }
        if (dup2(moved[i], config->fd_targets[i]) < 0) return 0;
    }
    // Close every fd that is neither a target nor one of the two high fds.
    int next = 0;
    for (;;) {
        int keep = -1;  // the smallest kept fd at or above `next`
        for (int i = 0; i < config->fd_count; i++) {
            int target = config->fd_targets[i];
            if (target >= next && (keep < 0 || target < keep)) keep = target;
        }
        if (keep < 0 || keep > RF_SETUP_FD_HIGH) keep = RF_SETUP_FD_HIGH;
        if (keep > next && syscall(SYS_close_range, (unsigned)next, (unsigned)(keep - 1), 0) != 0) return 0;
        if (keep == RF_SETUP_FD_HIGH) break;
        next = keep + 1;
    }
    int from = state->sync_fd >= 0 ? RF_SYNC_FD_HIGH + 1 : RF_SETUP_FD_HIGH + 1;
    if (state->sync_fd < 0 && syscall(SYS_close_range, (unsigned)RF_SYNC_FD_HIGH, (unsigned)RF_SYNC_FD_HIGH, 0) != 0) return 0;
    return syscall(SYS_close_range, (unsigned)from, ~0U, 0) == 0;
}

/// 5. Resource limits. Core dumps are always off. The CPU hard limit is one
/// second above the soft one, so a process that ignores SIGXCPU is killed.
static int rf_set_limits(const struct rf_child_config *config) {
    struct rlimit limit;
    limit.rlim_cur = limit.rlim_max = 0;
    if (setrlimit(RLIMIT_CORE, &limit) != 0) return 0;
    if (config->address_space != RF_UNLIMITED) {
        limit.rlim_cur = limit.rlim_max = config->address_space;
        if (setrlimit(RLIMIT_AS, &limit) != 0) return 0;
    }
    if (config->cpu_seconds != RF_UNLIMITED) {
        limit.rlim_cur = config->cpu_seconds;
        limit.rlim_max = config->cpu_seconds + 1;
        if (setrlimit(RLIMIT_CPU, &limit) != 0) return 0;
    }
    if (config->nofile != RF_UNLIMITED) {
        limit.rlim_cur = limit.rlim_max = config->nofile;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    }
    if (config->nproc != RF_UNLIMITED) {
        limit.rlim_cur = limit.rlim_max = config->nproc;
        if (setrlimit(RLIMIT_NPROC, &limit) != 0) return 0;
    }
    return 1;
}

/// 6. When started as root, become an unprivileged user with no
/// supplementary groups, and check that there is no way back. Raw syscalls:
/// glibc's wrappers run its set*id broadcast over its list of threads, which
/// in an exec-path child is the parent's (shared memory); the child must not
/// act on the parent's thread state.
static int rf_drop_identity(const struct rf_child_config *config) {
    if (!config->drop_identity || geteuid() != 0) return 1;
    if (syscall(SYS_setgroups, 0, NULL) != 0) return 0;
    if (syscall(SYS_setresgid, config->gid, config->gid, config->gid) != 0) return 0;
    if (syscall(SYS_setresuid, config->uid, config->uid, config->uid) != 0) return 0;
    if (syscall(SYS_setuid, 0) == 0 || geteuid() != config->uid || getegid() != config->gid) { errno = EPERM; return 0; }
    return 1;
}

/// 8a. The filter as it will be loaded: when it names the sender itself, a
/// copy on this stack with every placeholder replaced by this process's pid
/// (never the parent's buffer, which an exec-path child shares). Any count
/// other than the parent's means the program is not the one it compiled:
/// fail closed. Returns NULL with errno on failure.
static const struct sock_filter *rf_filter_for_self(const struct rf_child_config *config, struct sock_filter *copy) {
    if (config->filter == NULL || config->filter_length == 0) { errno = EINVAL; return NULL; }
    if (config->self_pid_sites == 0) return config->filter;
    if (config->filter_length > BPF_MAXINSNS || config->self_pid_sites < 0) { errno = EINVAL; return NULL; }
    __u32 pid = (__u32)syscall(SYS_getpid);
    int found = 0;
    for (unsigned i = 0; i < config->filter_length; i++) {
        copy[i] = config->filter[i];
        if (copy[i].k != RF_SELF_PID_PLACEHOLDER) continue;
        if (copy[i].code != (BPF_JMP | BPF_JEQ | BPF_K)) { errno = EINVAL; return NULL; }
        copy[i].k = pid;
        found++;
    }
    if (found != config->self_pid_sites) { errno = EINVAL; return NULL; }
    return copy;
}

// MARK: - The checklist

static void rf_run_setup(const struct rf_child_config *config, struct rf_setup_state *state) {

    // 1. Die with the supervisor; and if it is already gone, do not start at all.
    RF_STAGE(state, RF_STAGE_PARENT_DEATH, prctl(PR_SET_PDEATHSIG, config->parent_death_signal, 0, 0, 0) == 0);
    if (config->expected_parent > 0 && getppid() != config->expected_parent) rf_fail(state, RF_STAGE_PARENT_DEATH, ESRCH);

    // 2. A process group of its own, so the supervisor can signal the whole agent.
    RF_STAGE(state, RF_STAGE_PROCESS_GROUP, setpgid(0, 0) == 0);

    // 3. Signals.
    RF_STAGE(state, RF_STAGE_SIGNALS, rf_reset_signals(config));

    // 4. File descriptors.
    RF_STAGE(state, RF_STAGE_FDS, rf_layout_fds(config, state));

    // 5. Resource limits.
    RF_STAGE(state, RF_STAGE_RLIMITS, rf_set_limits(config));

    // (optional) Namespaces were created by clone; in a new mount namespace,
    // stop mount events propagating back to the host.
    if (config->private_mounts) {
        RF_STAGE(state, RF_STAGE_NAMESPACES, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    }

    // 6. Identity.
    RF_STAGE(state, RF_STAGE_IDENTITY, rf_drop_identity(config));
    // Changing the effective uid clears the parent-death signal (commit_creds),
    // so step 1 is re-armed here and the parent checked once more.
    RF_STAGE(state, RF_STAGE_PARENT_DEATH, prctl(PR_SET_PDEATHSIG, config->parent_death_signal, 0, 0, 0) == 0);
    if (config->expected_parent > 0 && getppid() != config->expected_parent) rf_fail(state, RF_STAGE_PARENT_DEATH, ESRCH);

    // 7. No new privileges: required for an unprivileged seccomp filter, and
    // it keeps setuid binaries from undoing step 6.
    RF_STAGE(state, RF_STAGE_NO_NEW_PRIVS, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);

    // 8. Seccomp, last: the BPF was compiled by libseccomp in the parent; here
    // it is only handed to the kernel.
    struct sock_filter copy[BPF_MAXINSNS];
    const struct sock_filter *filter = rf_filter_for_self(config, copy);
    if (filter == NULL) rf_fail(state, RF_STAGE_SECCOMP, errno);
    struct sock_fprog program = { config->filter_length, (struct sock_filter *)filter };
    long listener = -1;
    listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, config->seccomp_flags, &program);
    if (listener < 0) rf_fail(state, RF_STAGE_SECCOMP, errno);

    // With SECCOMP_FILTER_FLAG_NEW_LISTENER the kernel returned the listener,
    // which the supervisor must hold and the agent must never. Exec path: send
    // it in the record itself (SCM_RIGHTS), then close ours; the message keeps
    // it alive until the parent, resumed by the execve, receives it. Fork
    // paths: tell the supervisor its number, wait until it has taken a copy
    // (pidfd_getfd), then close ours.
    if (config->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        if (config->listener_by_message) {
            struct rf_setup_record record = { RF_SETUP_MAGIC, RF_STAGE_LISTENER, 0, (int)listener };
            int descriptor = (int)listener;
            if (rf_send_with_fds(state->setup_fd, &record, sizeof record, &descriptor, 1) != (ssize_t)sizeof record) {
                rf_fail(state, RF_STAGE_LISTENER, errno ? errno : EPIPE);
            }
        } else {
            char go = 0;
            rf_write_record(state->setup_fd, RF_STAGE_LISTENER, 0, (int)listener);
            if (state->sync_fd < 0 || read(state->sync_fd, &go, 1) != 1) rf_fail(state, RF_STAGE_LISTENER, errno ? errno : EPIPE);
        }
        close((int)listener);
    }
    if (state->sync_fd >= 0) close(state->sync_fd);
}

int rf_child_setup(const struct rf_child_config *config) {
    struct rf_setup_state state = { config->setup_fd, config->sync_fd };
    rf_run_setup(config, &state);
    rf_forked_setup_fd = state.setup_fd;
    return 0;
}

void rf_report_ready(const struct rf_child_config *config) {
    (void)config;
    rf_write_record(rf_forked_setup_fd, RF_STAGE_READY, 0, 0);
    close(rf_forked_setup_fd);
}

void rf_report_failure(int stage, int error) {
    struct rf_setup_state state = { rf_forked_setup_fd, -1 };
    rf_fail(&state, stage, error);
}

// MARK: - Launching

pid_t rf_fork_sandboxed(const struct rf_child_config *config, unsigned long clone_flags) {
    // A raw clone, so that namespace flags can be given; without them it is a fork.
    pid_t pid = (pid_t)syscall(SYS_clone, clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid != 0) return pid;
    rf_child_setup(config);
    return 0;
}

/// What the exec-path child needs; it sits on the parent's stack, which the
/// suspended parent does not touch until the child has exec'd or exited.
struct rf_spawn_request {
    const struct rf_child_config *config;
    const char *path;
    char *const *argv;
    char *const *envp;
};

static int rf_spawn_child(void *argument) {
    const struct rf_spawn_request *request = argument;
    struct rf_setup_state state = { request->config->setup_fd, request->config->sync_fd };
    rf_run_setup(request->config, &state);
    // The filter allows exactly this execve: its path argument is pinned to
    // the address of `path`, which the child shares with the parent.
    execve(request->path, request->argv, request->envp);
    rf_fail(&state, RF_STAGE_EXEC, errno);
    return 127;
}

/// The exec-path child runs on a stack of its own, mapped here and unmapped
/// once the parent resumes. 256 KiB is far more than the setup uses; a guard
/// page below it turns an overflow into a fault instead of a write into
/// whatever of the parent's lies below.
enum { RF_SPAWN_STACK = 256 * 1024, RF_SPAWN_GUARD = 4096 };

pid_t rf_spawn_sandboxed(const struct rf_child_config *config, unsigned long clone_flags,
                         const char *path, char *const argv[], char *const envp[]) {
    // Nothing may wait for the parent (sync fd), and the reporters (which keep
    // their fd in a global) are discarded by execve anyway.
    int needs_message = (config->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
    if (config->sync_fd >= 0 || config->report_fd >= 0 || (needs_message && !config->listener_by_message)) { errno = EINVAL; return -1; }
    size_t mapped = RF_SPAWN_GUARD + RF_SPAWN_STACK;
    char *stack = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return -1;
    if (mprotect(stack, RF_SPAWN_GUARD, PROT_NONE) != 0) {
        int saved = errno;
        munmap(stack, mapped);
        errno = saved;
        return -1;
    }
    // Every signal blocked, glibc's internal ones included, so that no handler
    // of the parent's runs in the child before step 3 resets them all.
    sigset_t all, previous;
    sigfillset(&all);
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &previous, _NSIG / 8);
    struct rf_spawn_request request = { config, path, argv, envp };
    pid_t pid = clone(rf_spawn_child, stack + mapped, CLONE_VM | CLONE_VFORK | (int)clone_flags | SIGCHLD, &request);
    int saved = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &previous, NULL, _NSIG / 8);
    munmap(stack, mapped);
    errno = saved;
    return pid;
}
