// The escape corpus: each act tries exactly one thing a sandboxed agent must
// not do, and reports only whether it got through. The verdict on *how* it was
// stopped is the parent's, from kernel facts (signal, seccomp notification),
// never from these return values alone.
//
// An act returns RF_PROBE_ESCAPED when the forbidden thing worked, or the errno
// that stopped it. Acts that could hurt the host if they escaped are capped
// and undone (the mount is detached, the fork bomb stops at 64 children, the
// memory bomb at 4 GiB, kill uses signal 0; the open probes aim at /dev/null).
// Every act's effect is observable (volatile stores, results used), so that
// an optimising compiler cannot remove the act and make a probe pass or fail
// on its own.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int rf_blocked(void) { return errno >= 1 && errno <= 99 ? errno : 99; }
static int rf_result(long value) { return value >= 0 ? RF_PROBE_ESCAPED : rf_blocked(); }

static int rf_fork_bomb(void) {
    for (int i = 0; i < 64; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid < 0) return rf_blocked();
    }
    while (wait(NULL) > 0) {}
    return RF_PROBE_ESCAPED;
}

/// Every block is touched page by page through a volatile pointer, and the
/// blocks are kept and read back at the end: without that, an optimiser
/// removes malloc + memset of memory nobody reads, and the probe "escapes" in
/// a release build while it is stopped in a debug one. Every page, because
/// the exec path (no in-child reporter) tells a memory limit from a crash by
/// the peak RSS reaching the limit.
static int rf_memory_bomb(void) {
    enum { CHUNK = 16u << 20, STRIDE = 4096, BLOCKS = (int)((4ull << 30) / CHUNK) };
    static volatile char *blocks[BLOCKS];
    for (int index = 0; index < BLOCKS; index++) {
        volatile char *block = malloc(CHUNK);
        // Out of address space: die as a Swift agent would on a failed allocation.
        if (block == NULL) abort();
        for (size_t offset = 0; offset < CHUNK; offset += STRIDE) block[offset] = (char)(offset / STRIDE + 1);
        blocks[index] = block;
    }
    unsigned long sum = 0;
    for (int index = 0; index < BLOCKS; index++) sum += (unsigned char)blocks[index][STRIDE];
    return sum > 0 ? RF_PROBE_ESCAPED : RF_PROBE_ESCAPED + 1;
}

static int rf_fd_exhaustion(void) {
    for (int i = 0; i < 1 << 20; i++) {
        if (dup(0) < 0) return rf_blocked();
    }
    return RF_PROBE_ESCAPED;
}

static int rf_cpu_spin(void) {
    // About half a minute of work on this class of machine, far beyond any
    // CPU limit a profile sets; reaching the end means no limit applied.
    volatile unsigned long long counter = 0;
    for (unsigned long long i = 0; i < (1ull << 36); i++) counter += i;
    return RF_PROBE_ESCAPED;
}

/// Sixteen threads; the eleventh makes a forbidden call (socket) while the
/// others wait. Seccomp must end the whole process, not only that thread.
/// Under a profile without clone, the first pthread_create is already fatal.
static void *rf_thread_wait(void *argument) {
    (void)argument;
    struct timespec second = { 1, 0 };
    for (;;) nanosleep(&second, NULL);
    return NULL;
}

static void *rf_thread_forbidden(void *argument) {
    *(volatile long *)argument = socket(AF_INET, SOCK_STREAM, 0);
    return NULL;
}

static int rf_thread_k_of_16(void) {
    volatile long result = -1;
    pthread_t threads[16];
    for (int index = 0; index < 16; index++) {
        int failed = index == 10 ? pthread_create(&threads[index], NULL, rf_thread_forbidden, (void *)&result)
                                 : pthread_create(&threads[index], NULL, rf_thread_wait, NULL);
        if (failed) { errno = failed; return rf_blocked(); }
    }
    errno = 0;
    pthread_join(threads[10], NULL);
    if (result >= 0) return RF_PROBE_ESCAPED;
    errno = EACCES;  // the kernel refused the socket; seccomp did not end the process
    return rf_blocked();
}

/// tgkill(sibling, sibling, SIGABRT): the very call abort() makes, aimed elsewhere.
static int rf_signal_sibling(int probe, pid_t target) {
    switch (probe) {
    case RF_PROBE_TGKILL_SIBLING:
        return rf_result(syscall(SYS_tgkill, target, target, SIGABRT));
    case RF_PROBE_TKILL_SIBLING:
        return rf_result(syscall(SYS_tkill, target, SIGABRT));
    case RF_PROBE_RT_SIGQUEUEINFO_SIBLING: {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = SIGABRT;
        info.si_code = SI_QUEUE;
        info.si_pid = getpid();
        return rf_result(syscall(SYS_rt_sigqueueinfo, target, SIGABRT, &info));
    }
    default: {
        long pidfd = syscall(SYS_pidfd_open, target, 0);
        // If pidfd_open is refused by the kernel rather than the filter, still try the send.
        return rf_result(syscall(SYS_pidfd_send_signal, pidfd >= 0 ? (int)pidfd : 0, SIGABRT, NULL, 0));
    }
    }
}

/// memfd_create, then execveat of that descriptor: running code from memory.
static int rf_memfd_execveat(void) {
    long fd = syscall(SYS_memfd_create, "ringfence-probe", 0);
    if (fd < 0) return rf_blocked();
    static const char script[] = "#!/bin/sh\nexit 100\n";
    if (write((int)fd, script, sizeof script - 1) != (ssize_t)(sizeof script - 1)) return rf_blocked();
    char *argv[] = { "probe", NULL };
    char *envp[] = { NULL };
    syscall(SYS_execveat, (int)fd, "", argv, envp, AT_EMPTY_PATH);
    return rf_blocked();
}

static int rf_i386_syscall(void) {
#if defined(__x86_64__)
    long result = 20;  // getpid in the i386 table
    __asm__ volatile("int $0x80" : "+a"(result) : : "memory");
    if (result >= 0) return RF_PROBE_ESCAPED;
    errno = (int)-result;
    return rf_blocked();
#else
    errno = ENOSYS;
    return rf_blocked();
#endif
}

int rf_probe_act(int probe, pid_t target) {
    errno = 0;
    switch (probe) {
    case RF_PROBE_OPEN_SHADOW:
        return rf_result(open("/etc/shadow", O_RDONLY | O_CLOEXEC));
    case RF_PROBE_SOCKET:
        return rf_result(socket(AF_INET, SOCK_STREAM, 0));
    case RF_PROBE_EXECVE: {
        // If execve works, the shell's exit status says so.
        char *argv[] = { "/bin/sh", "-c", "exit 100", NULL };
        char *envp[] = { NULL };
        execve("/bin/sh", argv, envp);
        return rf_blocked();
    }
    case RF_PROBE_PTRACE_PARENT:
        if (ptrace(PTRACE_ATTACH, target, NULL, NULL) != 0) return rf_blocked();
        ptrace(PTRACE_DETACH, target, NULL, NULL);
        return RF_PROBE_ESCAPED;
    case RF_PROBE_KILL_PARENT:
    case RF_PROBE_KILL_SIBLING:
        return kill(target, 0) == 0 ? RF_PROBE_ESCAPED : rf_blocked();
    case RF_PROBE_CLONE_NAMESPACES: {
        long pid = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid == 0) _exit(0);
        return rf_result(pid);
    }
    case RF_PROBE_CLONE3: {
        struct clone_args args;
        memset(&args, 0, sizeof args);
        args.exit_signal = SIGCHLD;
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0) _exit(0);
        return rf_result(pid);
    }
    case RF_PROBE_IO_URING: {
        struct io_uring_params params;
        memset(&params, 0, sizeof params);
        return rf_result(syscall(SYS_io_uring_setup, 4, &params));
    }
    case RF_PROBE_BPF: {
        union bpf_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.map_type = BPF_MAP_TYPE_ARRAY;
        attr.key_size = 4;
        attr.value_size = 4;
        attr.max_entries = 1;
        return rf_result(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
    }
    case RF_PROBE_UNSHARE:
        return rf_result(unshare(CLONE_NEWUSER));
    case RF_PROBE_MOUNT:
        if (mount("ringfence-probe", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") != 0) return rf_blocked();
        umount2("/tmp", MNT_DETACH);
        return RF_PROBE_ESCAPED;
    case RF_PROBE_PERSONALITY:
        return rf_result(personality(ADDR_NO_RANDOMIZE));
    case RF_PROBE_KEYCTL:
        return rf_result(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
    case RF_PROBE_I386_SYSCALL:
        return rf_i386_syscall();
    case RF_PROBE_X32_SYSCALL:
#if defined(__x86_64__)
        return rf_result(syscall(0x40000000 | 39));  // getpid through the x32 ABI
#else
        errno = ENOSYS;
        return rf_blocked();
#endif
    case RF_PROBE_FORK_BOMB:
        return rf_fork_bomb();
    case RF_PROBE_MEMORY_BOMB:
        return rf_memory_bomb();
    case RF_PROBE_FD_EXHAUSTION:
        return rf_fd_exhaustion();
    case RF_PROBE_CPU_SPIN:
        return rf_cpu_spin();
    case RF_PROBE_OPEN_TRUNCATE:
        return rf_result(open("/dev/null", O_RDONLY | O_TRUNC | O_CLOEXEC));
    case RF_PROBE_OPEN_CREATE:
        return rf_result(open("/dev/null", O_RDONLY | O_CREAT | O_CLOEXEC, 0600));
    case RF_PROBE_OPEN_WRITE:
        return rf_result(open("/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC));
    case RF_PROBE_OPENAT2: {
        // Read-only, but seccomp cannot see inside `how`: the call itself must be refused.
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = O_RDONLY | O_CLOEXEC;
        return rf_result(syscall(SYS_openat2, AT_FDCWD, "/dev/null", &how, sizeof how));
    }
    case RF_PROBE_TGKILL_SIBLING:
    case RF_PROBE_TKILL_SIBLING:
    case RF_PROBE_RT_SIGQUEUEINFO_SIBLING:
    case RF_PROBE_PIDFD_SEND_SIGNAL_SIBLING:
        return rf_signal_sibling(probe, target);
    case RF_PROBE_KILL_UNRELATED:
        return kill(target, 0) == 0 ? RF_PROBE_ESCAPED : rf_blocked();
    case RF_PROBE_KILL_GROUP:
        return kill(0, 0) == 0 ? RF_PROBE_ESCAPED : rf_blocked();
    case RF_PROBE_KILL_EVERYONE:
        return kill(-1, 0) == 0 ? RF_PROBE_ESCAPED : rf_blocked();
    case RF_PROBE_PROCESS_VM_WRITEV: {
        // Zero bytes: if the call is allowed at all it returns 0, and nothing is written.
        char byte = 0;
        struct iovec local = { &byte, 0 }, remote = { &byte, 0 };
        return rf_result(syscall(SYS_process_vm_writev, target, &local, 1, &remote, 1, 0));
    }
    case RF_PROBE_KCMP:
        return rf_result(syscall(SYS_kcmp, getpid(), target, KCMP_FILE, 0, 0));
    case RF_PROBE_USERFAULTFD:
        return rf_result(syscall(SYS_userfaultfd, O_CLOEXEC));
    case RF_PROBE_PERF_EVENT_OPEN: {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_CPU_CLOCK;
        attr.exclude_kernel = 1;
        return rf_result(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    }
    case RF_PROBE_OPEN_BY_HANDLE_AT: {
        struct { struct file_handle handle; unsigned char bytes[128]; } handle;
        memset(&handle, 0, sizeof handle);
        handle.handle.handle_bytes = 8;
        handle.handle.handle_type = 1;
        return rf_result(syscall(SYS_open_by_handle_at, AT_FDCWD, &handle.handle, O_RDONLY));
    }
    case RF_PROBE_SETNS:
        // The call itself, on any descriptor: opening a namespace file first
        // would be stopped at openat under a profile that allows no files.
        return rf_result(syscall(SYS_setns, 0, CLONE_NEWNET));
    case RF_PROBE_TIOCSTI: {
        char byte = '\n';
        return rf_result(ioctl(0, TIOCSTI, &byte));
    }
    case RF_PROBE_MEMFD_EXECVEAT:
        return rf_memfd_execveat();
    case RF_PROBE_FANOTIFY_INIT:
        return rf_result(syscall(SYS_fanotify_init, FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY));
    case RF_PROBE_IOPL:
#if defined(__x86_64__)
        return rf_result(syscall(SYS_iopl, 3));
#else
        errno = ENOSYS;
        return rf_blocked();
#endif
    case RF_PROBE_MODIFY_LDT: {
#if defined(__x86_64__)
        unsigned char table[64];
        return rf_result(syscall(SYS_modify_ldt, 0, table, sizeof table));
#else
        errno = ENOSYS;
        return rf_blocked();
#endif
    }
    case RF_PROBE_VMSPLICE: {
        char byte = 'x';
        struct iovec vector = { &byte, 1 };
        return rf_result(syscall(SYS_vmsplice, 1, &vector, 1, 0));
    }
    case RF_PROBE_THREAD_11_OF_16:
        return rf_thread_k_of_16();
    case RF_CHECK_NETLINK_AUDIT_SOCKET:
        return rf_result(socket(AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */));
    case RF_CHECK_KEXEC_LOAD:
        return rf_result(syscall(SYS_kexec_load, 0, 0, NULL, 0));
    case RF_CHECK_ADD_KEY:
        return rf_result(syscall(SYS_add_key, "user", "ringfence", "x", 1, -3 /* KEY_SPEC_SESSION_KEYRING */));
    case RF_CHECK_GETPID:
        return rf_result(getpid());
    case RF_CHECK_VSOCK_SOCKET:
        return rf_result(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
    case RF_CHECK_OPEN_READ_ONLY:
        return rf_result(open("/etc/hostname", O_RDONLY | O_CLOEXEC));
    default:
        errno = EINVAL;
        return rf_blocked();
    }
}
