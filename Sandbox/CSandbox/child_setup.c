// The child setup, as a checklist that runs in a fixed order between clone and
// the agent's entry point (or execve). Only async-signal-safe calls appear
// below: the parent prepared every input before it forked.
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
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void rf_install_reporters(int report_fd);

/// Where the setup channel and the sync fd live once the fd layout is done:
/// high enough not to collide with any target, and fixed so that the parent
/// can pin the filter's launcher rules to these exact numbers.
enum { RF_SETUP_FD_HIGH = 1000, RF_SYNC_FD_HIGH = 1001 };

// MARK: - Reporting

static int rf_setup_fd = -1;

static void rf_write_record(int fd, int stage, int error, int value) {
    struct rf_setup_record record = { RF_SETUP_MAGIC, stage, error, value };
    ssize_t written;
    do {
        written = write(fd, &record, sizeof record);
    } while (written < 0 && errno == EINTR);
}

/// Fail closed: report the stage and errno, then exit before any agent code runs.
static void rf_fail(int stage, int error) {
    rf_write_record(rf_setup_fd, stage, error, 0);
    _exit(127);
}

/// Runs one stage: the injected failure first (tests), then the real check.
#define RF_STAGE(config, stage, ok) \
    do { \
        if ((config)->inject_stage == (stage)) rf_fail((stage), (config)->inject_error); \
        if (!(ok)) rf_fail((stage), errno); \
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
static int rf_layout_fds(const struct rf_child_config *config, int *sync_fd) {
    int high = RF_SYNC_FD_HIGH + 1;
    int moved[RF_MAX_FDS];
    if (config->fd_count < 0 || config->fd_count > RF_MAX_FDS) { errno = EINVAL; return 0; }
    if (dup3(rf_setup_fd, RF_SETUP_FD_HIGH, O_CLOEXEC) < 0) return 0;
    rf_setup_fd = RF_SETUP_FD_HIGH;
    if (*sync_fd >= 0) {
        if (dup3(*sync_fd, RF_SYNC_FD_HIGH, O_CLOEXEC) < 0) return 0;
        *sync_fd = RF_SYNC_FD_HIGH;
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
    int from = *sync_fd >= 0 ? RF_SYNC_FD_HIGH + 1 : RF_SETUP_FD_HIGH + 1;
    if (*sync_fd < 0 && syscall(SYS_close_range, (unsigned)RF_SYNC_FD_HIGH, (unsigned)RF_SYNC_FD_HIGH, 0) != 0) return 0;
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
/// supplementary groups, and check that there is no way back.
static int rf_drop_identity(const struct rf_child_config *config) {
    if (!config->drop_identity || geteuid() != 0) return 1;
    if (setgroups(0, NULL) != 0) return 0;
    if (setresgid(config->gid, config->gid, config->gid) != 0) return 0;
    if (setresuid(config->uid, config->uid, config->uid) != 0) return 0;
    if (setuid(0) == 0 || geteuid() != config->uid || getegid() != config->gid) { errno = EPERM; return 0; }
    return 1;
}

// MARK: - The checklist

int rf_child_setup(const struct rf_child_config *config) {
    rf_setup_fd = config->setup_fd;
    int sync_fd = config->sync_fd;

    // 1. Die with the supervisor; and if it is already gone, do not start at all.
    RF_STAGE(config, RF_STAGE_PARENT_DEATH, prctl(PR_SET_PDEATHSIG, config->parent_death_signal, 0, 0, 0) == 0);
    if (config->expected_parent > 0 && getppid() != config->expected_parent) rf_fail(RF_STAGE_PARENT_DEATH, ESRCH);

    // 2. A process group of its own, so the supervisor can signal the whole agent.
    RF_STAGE(config, RF_STAGE_PROCESS_GROUP, setpgid(0, 0) == 0);

    // 3. Signals.
    RF_STAGE(config, RF_STAGE_SIGNALS, rf_reset_signals(config));

    // 4. File descriptors.
    RF_STAGE(config, RF_STAGE_FDS, rf_layout_fds(config, &sync_fd));

    // 5. Resource limits.
    RF_STAGE(config, RF_STAGE_RLIMITS, rf_set_limits(config));

    // (optional) Namespaces were created by clone; in a new mount namespace,
    // stop mount events propagating back to the host.
    if (config->private_mounts) {
        RF_STAGE(config, RF_STAGE_NAMESPACES, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    }

    // 6. Identity.
    RF_STAGE(config, RF_STAGE_IDENTITY, rf_drop_identity(config));
    // Changing the effective uid clears the parent-death signal (commit_creds),
    // so step 1 is re-armed here and the parent checked once more.
    RF_STAGE(config, RF_STAGE_PARENT_DEATH, prctl(PR_SET_PDEATHSIG, config->parent_death_signal, 0, 0, 0) == 0);
    if (config->expected_parent > 0 && getppid() != config->expected_parent) rf_fail(RF_STAGE_PARENT_DEATH, ESRCH);

    // 7. No new privileges: required for an unprivileged seccomp filter, and
    // it keeps setuid binaries from undoing step 6.
    RF_STAGE(config, RF_STAGE_NO_NEW_PRIVS, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);

    // 8. Seccomp, last: the BPF was compiled by libseccomp in the parent; here
    // it is only handed to the kernel.
    struct sock_fprog program = { config->filter_length, (struct sock_filter *)config->filter };
    long listener = -1;
    if (config->inject_stage == RF_STAGE_SECCOMP) rf_fail(RF_STAGE_SECCOMP, config->inject_error);
    if (config->filter == NULL || config->filter_length == 0) rf_fail(RF_STAGE_SECCOMP, EINVAL);
    listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, config->seccomp_flags, &program);
    if (listener < 0) rf_fail(RF_STAGE_SECCOMP, errno);

    // With SECCOMP_FILTER_FLAG_NEW_LISTENER the kernel returned the listener.
    // Tell the supervisor its number, wait until it has taken a copy
    // (pidfd_getfd), then close ours: the agent must never hold it.
    if (config->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        char go = 0;
        rf_write_record(rf_setup_fd, RF_STAGE_LISTENER, 0, (int)listener);
        if (sync_fd < 0 || read(sync_fd, &go, 1) != 1) rf_fail(RF_STAGE_LISTENER, errno ? errno : EPIPE);
        close((int)listener);
    }
    if (sync_fd >= 0) close(sync_fd);
    return 0;
}

void rf_report_ready(const struct rf_child_config *config) {
    (void)config;
    rf_write_record(rf_setup_fd, RF_STAGE_READY, 0, 0);
    close(rf_setup_fd);
}

void rf_report_failure(int stage, int error) { rf_fail(stage, error); }

// MARK: - Launching

pid_t rf_fork_sandboxed(const struct rf_child_config *config, unsigned long clone_flags) {
    // A raw clone, so that namespace flags can be given; without them it is a fork.
    pid_t pid = (pid_t)syscall(SYS_clone, clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid != 0) return pid;
    rf_child_setup(config);
    return 0;
}

pid_t rf_spawn_sandboxed(const struct rf_child_config *config, unsigned long clone_flags,
                         const char *path, char *const argv[], char *const envp[]) {
    pid_t pid = (pid_t)syscall(SYS_clone, clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid != 0) return pid;
    rf_child_setup(config);
    // The filter allows exactly this execve: its path argument is pinned to
    // the address of `path`, which the child shares with the parent.
    execve(path, argv, envp);
    rf_fail(RF_STAGE_EXEC, errno);
    return -1;
}
