// CSandbox: the C that Ringfence's sandbox cannot do without.
//
// Everything here runs, or may run, in a child between fork and exec (or the
// agent's entry point), where only async-signal-safe code is allowed: no
// malloc, no locks, no Swift runtime. The parent prepares every input (the
// configuration, the BPF program compiled by libseccomp) before forking; the
// child only makes syscalls. Swift cannot call variadic C (`syscall`,
// `prctl`, `ioctl`) at all, which is the other reason this is C.
#ifndef RINGFENCE_CSANDBOX_H
#define RINGFENCE_CSANDBOX_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

// MARK: - Setup stages

/// The child setup, in the order it runs. A failure reports its stage and errno.
enum rf_stage {
    RF_STAGE_NONE = 0,
    RF_STAGE_CLONE = 1,          // the parent could not create the child
    RF_STAGE_PARENT_DEATH = 2,   // 1. parent-death signal
    RF_STAGE_PROCESS_GROUP = 3,  // 2. a process group of its own
    RF_STAGE_SIGNALS = 4,        // 3. every handler reset, mask cleared, reporters installed
    RF_STAGE_FDS = 5,            // 4. fd layout, every other fd closed
    RF_STAGE_RLIMITS = 6,        // 5. address space, CPU, core = 0, nofile, nproc
    RF_STAGE_NAMESPACES = 7,     //    (optional) private mount propagation in a new mount namespace
    RF_STAGE_IDENTITY = 8,       // 6. drop to an unprivileged uid/gid when started as root
    RF_STAGE_NO_NEW_PRIVS = 9,   // 7. no_new_privs
    RF_STAGE_SECCOMP = 10,       // 8. the seccomp filter, last
    RF_STAGE_LISTENER = 11,      //    hand the user-notification listener to the supervisor
    RF_STAGE_EXEC = 12,          //    execve (exec path only)
    RF_STAGE_READY = 100,        // not a failure: setup finished, the entry point runs next
};

/// One record on the setup channel: a failure `{stage, error}`, a listener
/// hand-over `{RF_STAGE_LISTENER, 0, fd}`, or `{RF_STAGE_READY, 0, 0}`.
struct rf_setup_record {
    uint32_t magic;   // RF_SETUP_MAGIC
    int32_t stage;
    int32_t error;    // errno
    int32_t value;
};
#define RF_SETUP_MAGIC 0x52465355u  // "RFSU"

// MARK: - Child configuration

#define RF_MAX_FDS 16
#define RF_UNLIMITED ((rlim_t)-1)

/// Everything the child needs, prepared by the parent before it forks.
struct rf_child_config {
    int parent_death_signal;          // e.g. SIGKILL
    pid_t expected_parent;            // if the parent is already gone, fail
    int setup_fd;                     // close-on-exec channel for rf_setup_record
    int sync_fd;                      // read end the child waits on after a listener hand-over, or -1
    int listener_by_message;          // send the listener itself on the setup channel (exec path), no sync

    int fd_count;                     // fd layout: fd_sources[i] ends up as fd_targets[i]
    int fd_sources[RF_MAX_FDS];
    int fd_targets[RF_MAX_FDS];
    int report_fd;                    // target fd the violation reporter writes to, or -1

    rlim_t address_space;             // bytes, or RF_UNLIMITED
    rlim_t cpu_seconds;               // soft limit (SIGXCPU); the hard limit is one second more
    rlim_t nofile;
    rlim_t nproc;

    int private_mounts;               // in a new mount namespace, make every mount private
    int drop_identity;                // when started as root, switch to uid/gid
    uid_t uid;
    gid_t gid;

    const struct sock_filter *filter; // the BPF program, compiled in the parent
    unsigned short filter_length;
    unsigned int seccomp_flags;       // SECCOMP_FILTER_FLAG_NEW_LISTENER for the notify path
    int self_pid_sites;               // comparisons with RF_SELF_PID_PLACEHOLDER the child patches, or 0
};

/// The value a profile's `"$pid"` compiles to. The child copies the filter,
/// replaces the operand of each `BPF_JMP|BPF_JEQ|BPF_K` instruction carrying
/// it with its own pid, and loads the copy only if it found exactly
/// `self_pid_sites` of them: a signal rule can then name the sender itself
/// and nobody else (the parent cannot know the pid before it clones).
#define RF_SELF_PID_PLACEHOLDER 0x5E1F5E1Fu

// MARK: - Launching

/// Runs the child setup in the calling process (already the child). Returns 0
/// when every stage succeeded; on failure it writes the record and _exits(127).
int rf_child_setup(const struct rf_child_config *config);

/// Creates a child with `clone(clone_flags | SIGCHLD)` and runs the setup in
/// it. Returns the pid in the parent (or -1 with errno), and 0 in the child
/// only once the filter is loaded: the caller then runs the entry point.
pid_t rf_fork_sandboxed(const struct rf_child_config *config, unsigned long clone_flags);

/// The exec path: the child shares the parent's memory (CLONE_VM |
/// CLONE_VFORK), runs the setup on a stack of its own and calls execve as soon
/// as the filter is loaded; the call returns once the child has exec'd or
/// exited. Needs `listener_by_message` and no sync fd (the suspended parent
/// cannot answer a hand-over). Returns the pid, or -1 with errno.
pid_t rf_spawn_sandboxed(const struct rf_child_config *config, unsigned long clone_flags,
                         const char *path, char *const argv[], char *const envp[]);

/// Writes READY on the setup channel and closes it (fork-server path).
void rf_report_ready(const struct rf_child_config *config);
/// Reports a failure on the setup channel and exits (fork-server path, after setup).
void rf_report_failure(int stage, int error);

// MARK: - Fork-server requests and warm spares

/// A launch request to the fork server: this header, then a struct
/// rf_child_config, then `filter_length` BPF instructions. Descriptors travel
/// as SCM_RIGHTS: the setup channel, the sync fd if `has_sync`, then the
/// sources of the fd layout, in order.
struct rf_launch_header {
    uint32_t magic;          // RF_LAUNCH_MAGIC
    uint32_t has_sync;
    uint64_t request_id;
    uint64_t clone_flags;    // namespaces
    int64_t arguments[2];
    char entry[32];
    uint32_t filter_length;
    uint32_t descriptor_count;
};
#define RF_LAUNCH_MAGIC 0x52464c41u  // "RFLA"
#define RF_REQUEST_CAPACITY 65536

/// Creates a warm spare: a child of the fork server that has already been
/// cloned and waits for its launch request on a private channel, so that a
/// launch does not wait for clone(). Returns the spare's pid and the fork
/// server's end of the channel in the parent. In the spare it returns 0 only
/// once a request has arrived and its setup has finished (the filter is
/// loaded), with *header pointing at the request; a spare whose channel
/// closes exits quietly.
pid_t rf_fork_spare(int *channel, const struct rf_launch_header **header);

// MARK: - Violation reports (SECCOMP_RET_TRAP and SIGABRT)

/// What the in-child reporter writes when a filtered syscall traps (SIGSYS) or
/// the process aborts (SIGABRT). It is a claim made inside the sandbox: the
/// parent believes it only when the kernel says the child died by that signal.
struct rf_violation_report {
    uint32_t magic;        // RF_REPORT_MAGIC
    int32_t signal;        // SIGSYS or SIGABRT
    int32_t syscall;       // si_syscall (SIGSYS)
    uint32_t arch;         // si_arch (an AUDIT_ARCH_* value)
    int32_t saved_errno;   // errno when the signal arrived (ENOMEM after a failed allocation)
    int32_t reserved;
    uint64_t args[6];
};
#define RF_REPORT_MAGIC 0x52465652u  // "RFVR"

// MARK: - Kernel calls Swift cannot make directly

int rf_pidfd_open(pid_t pid);
/// Arms PR_SET_PDEATHSIG(SIGKILL), then dies at once if the parent is no
/// longer `parent` (it died before the signal was armed). Returns 0, or -1
/// with errno if the signal could not be armed.
int rf_die_with_parent(pid_t parent);
int rf_pidfd_send_signal(int pidfd, int signal);
int rf_pidfd_getfd(int pidfd, int target_fd);
/// The kernel supports seccomp user notification (SECCOMP_GET_NOTIF_SIZES works).
int rf_seccomp_user_notification_available(void);
/// The kernel's size of struct seccomp_notif: a receive buffer must be zeroed
/// over all of it, or the kernel refuses it (EINVAL).
int rf_seccomp_notification_size(void);

/// pipe2(O_CLOEXEC); glibc's pipe2 is a GNU extension Swift's Glibc module hides.
int rf_pipe_cloexec(int fds[2]);
/// A close-on-exec SOCK_SEQPACKET unix socket pair (the fork-server channel).
int rf_socketpair_seqpacket(int fds[2]);
/// memfd_create(name, MFD_CLOEXEC) sized to `size`: the shared event ring.
int rf_shared_memory(const char *name, size_t size);

/// Sends `length` bytes and up to RF_MAX_FDS descriptors over a unix socket.
ssize_t rf_send_with_fds(int socket, const void *data, size_t length, const int *fds, int fd_count);
/// Receives a message and its descriptors (close-on-exec); *fd_count is in/out.
ssize_t rf_receive_with_fds(int socket, void *data, size_t length, int *fds, int *fd_count);

// MARK: - Escape probes

/// The escape corpus: each act tries one forbidden thing.
enum rf_probe {
    RF_PROBE_OPEN_SHADOW = 1,
    RF_PROBE_SOCKET,
    RF_PROBE_EXECVE,
    RF_PROBE_PTRACE_PARENT,
    RF_PROBE_KILL_PARENT,
    RF_PROBE_KILL_SIBLING,
    RF_PROBE_CLONE_NAMESPACES,
    RF_PROBE_CLONE3,
    RF_PROBE_IO_URING,
    RF_PROBE_BPF,
    RF_PROBE_UNSHARE,
    RF_PROBE_MOUNT,
    RF_PROBE_PERSONALITY,
    RF_PROBE_KEYCTL,
    RF_PROBE_I386_SYSCALL,
    RF_PROBE_X32_SYSCALL,
    RF_PROBE_FORK_BOMB,
    RF_PROBE_MEMORY_BOMB,
    RF_PROBE_FD_EXHAUSTION,
    RF_PROBE_CPU_SPIN,
    RF_PROBE_OPEN_TRUNCATE,
    RF_PROBE_OPEN_CREATE,
    RF_PROBE_OPEN_WRITE,
    RF_PROBE_OPENAT2,
    RF_PROBE_TGKILL_SIBLING,
    RF_PROBE_TKILL_SIBLING,
    RF_PROBE_RT_SIGQUEUEINFO_SIBLING,
    RF_PROBE_PIDFD_SEND_SIGNAL_SIBLING,
    RF_PROBE_KILL_UNRELATED,
    RF_PROBE_KILL_GROUP,
    RF_PROBE_KILL_EVERYONE,
    RF_PROBE_PROCESS_VM_WRITEV,
    RF_PROBE_KCMP,
    RF_PROBE_USERFAULTFD,
    RF_PROBE_PERF_EVENT_OPEN,
    RF_PROBE_OPEN_BY_HANDLE_AT,
    RF_PROBE_SETNS,
    RF_PROBE_TIOCSTI,
    RF_PROBE_MEMFD_EXECVEAT,
    RF_PROBE_FANOTIFY_INIT,
    RF_PROBE_IOPL,
    RF_PROBE_MODIFY_LDT,
    RF_PROBE_VMSPLICE,
    RF_PROBE_THREAD_11_OF_16,
    RF_PROBE_COUNT_PLUS_ONE,
    // Policy checks rather than escapes: single calls whose expected answer
    // depends on the profile (used to test real-world profiles).
    RF_CHECK_NETLINK_AUDIT_SOCKET = 101,
    RF_CHECK_KEXEC_LOAD,
    RF_CHECK_ADD_KEY,
    RF_CHECK_GETPID,
    RF_CHECK_OPEN_READ_ONLY,
    RF_CHECK_VSOCK_SOCKET,
};

/// Exit status of an act that ran to the end: the act succeeded (escaped).
#define RF_PROBE_ESCAPED 100
/// Otherwise the act exits with the errno that stopped it (1...99), or dies.

/// Performs probe `probe` (in an already-sandboxed child) and returns its exit status.
/// `target` is a pid for the kill probes.
int rf_probe_act(int probe, pid_t target);

// MARK: - Signal forwarding (the launcher, never a child)

/// From now on SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process are
/// sent on to process group `group` instead. Returns 0, or -1 with errno.
int rf_forward_signals(pid_t group);
/// Stops forwarding and restores the default actions: the group has ended.
void rf_stop_forwarding(void);

#endif
