// The escape corpus: each act tries exactly one thing a sandboxed agent must
// not do, and reports only whether it got through. The verdict on *how* it was
// stopped is the parent's, from kernel facts (signal, seccomp notification),
// never from these return values alone.
//
// An act returns RF_PROBE_ESCAPED when the forbidden thing worked, or the errno
// that stopped it. Acts that could hurt the host if they escaped are capped
// and undone (the mount is detached, the fork bomb stops at 64 children, the
// memory bomb at 4 GiB, kill uses signal 0).
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

static int rf_memory_bomb(void) {
    const size_t chunk = 16u << 20;
    for (size_t total = 0; total < (4ull << 30); total += chunk) {
        char *block = malloc(chunk);
        // Out of address space: die as a Swift agent would on a failed allocation.
        if (block == NULL) abort();
        memset(block, 1, chunk);
    }
    return RF_PROBE_ESCAPED;
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
    case RF_CHECK_NETLINK_AUDIT_SOCKET:
        return rf_result(socket(AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */));
    case RF_CHECK_KEXEC_LOAD:
        return rf_result(syscall(SYS_kexec_load, 0, 0, NULL, 0));
    case RF_CHECK_ADD_KEY:
        return rf_result(syscall(SYS_add_key, "user", "ringfence", "x", 1, -3 /* KEY_SPEC_SESSION_KEYRING */));
    case RF_CHECK_GETPID:
        return rf_result(getpid());
    case RF_CHECK_OPEN_READ_ONLY:
        return rf_result(open("/etc/hostname", O_RDONLY | O_CLOEXEC));
    default:
        errno = EINVAL;
        return rf_blocked();
    }
}
