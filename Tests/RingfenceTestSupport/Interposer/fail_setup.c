// Test-only: makes one call of the sandbox's child setup fail, to prove that
// a failed stage stops everything before any sandboxed code runs. It is
// compiled by the tests (cc -shared) and loaded with LD_PRELOAD into the real
// `ringfence` binary; it is never linked into Ringfence itself, so the
// production path carries no hook.
//
// RINGFENCE_FAIL=CALL:ERRNO chooses the call. Child-setup calls fail only in
// processes other than the one that loaded this library (the sandboxed
// children); `clone` fails in the loader itself (the supervisor or the fork
// server), where children are created.
//
//   pdeathsig  prctl(PR_SET_PDEATHSIG)      parent-death-signal
//   setpgid    setpgid                      process-group
//   sigmask    sigprocmask                  signals
//   dup3       dup3                         file-descriptors
//   setrlimit  setrlimit                    rlimits
//   setgroups  syscall(SYS_setgroups)       identity (as root)
//   nnp        prctl(PR_SET_NO_NEW_PRIVS)   no-new-privileges
//   seccomp    syscall(SYS_seccomp)         seccomp
//   clone      syscall(SYS_clone), clone()  clone
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static char rf_call[16];
static int rf_errno;
static long rf_loader;

typedef long (*rf_syscall_fn)(long, long, long, long, long, long, long);

static long rf_real_syscall(long number, long a, long b, long c, long d, long e, long f) {
    static rf_syscall_fn real;
    if (real == NULL) real = (rf_syscall_fn)dlsym(RTLD_NEXT, "syscall");
    return real(number, a, b, c, d, e, f);
}

__attribute__((constructor)) static void rf_read_choice(void) {
    const char *choice = getenv("RINGFENCE_FAIL");
    rf_loader = rf_real_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
    if (choice == NULL) return;
    const char *colon = strchr(choice, ':');
    if (colon == NULL || (size_t)(colon - choice) >= sizeof rf_call) return;
    memcpy(rf_call, choice, (size_t)(colon - choice));
    rf_errno = atoi(colon + 1);
}

/// Whether `call` is the one to fail here.
static int rf_fails(const char *call) {
    if (rf_errno == 0 || strcmp(rf_call, call) != 0) return 0;
    int in_loader = rf_real_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0) == rf_loader;
    return strcmp(call, "clone") == 0 ? in_loader : !in_loader;
}

#define RF_FAIL_IF(call) \
    do { \
        if (rf_fails(call)) { errno = rf_errno; return -1; } \
    } while (0)

long syscall(long number, ...) {
    va_list list;
    va_start(list, number);
    long a = va_arg(list, long), b = va_arg(list, long), c = va_arg(list, long);
    long d = va_arg(list, long), e = va_arg(list, long), f = va_arg(list, long);
    va_end(list);
    if (number == SYS_seccomp) RF_FAIL_IF("seccomp");
    if (number == SYS_setgroups) RF_FAIL_IF("setgroups");
    if (number == SYS_clone) RF_FAIL_IF("clone");
    return rf_real_syscall(number, a, b, c, d, e, f);
}

int prctl(int option, ...) {
    va_list list;
    va_start(list, option);
    unsigned long a = va_arg(list, unsigned long), b = va_arg(list, unsigned long);
    unsigned long c = va_arg(list, unsigned long), d = va_arg(list, unsigned long);
    va_end(list);
    if (option == PR_SET_PDEATHSIG) RF_FAIL_IF("pdeathsig");
    if (option == PR_SET_NO_NEW_PRIVS) RF_FAIL_IF("nnp");
    return (int)rf_real_syscall(SYS_prctl, option, (long)a, (long)b, (long)c, (long)d, 0);
}

int setpgid(pid_t pid, pid_t group) {
    RF_FAIL_IF("setpgid");
    return (int)rf_real_syscall(SYS_setpgid, pid, group, 0, 0, 0, 0);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    RF_FAIL_IF("sigmask");
    return (int)rf_real_syscall(SYS_rt_sigprocmask, how, (long)set, (long)old, _NSIG / 8, 0, 0);
}

int dup3(int from, int to, int flags) {
    RF_FAIL_IF("dup3");
    return (int)rf_real_syscall(SYS_dup3, from, to, flags, 0, 0, 0);
}

int setrlimit(__rlimit_resource_t resource, const struct rlimit *limit) {
    RF_FAIL_IF("setrlimit");
    return (int)rf_real_syscall(SYS_prlimit64, 0, resource, (long)limit, 0, 0, 0);
}

typedef int (*rf_clone_fn)(int (*)(void *), void *, int, void *, ...);

int clone(int (*entry)(void *), void *stack, int flags, void *argument, ...) {
    RF_FAIL_IF("clone");
    va_list list;
    va_start(list, argument);
    void *parent_tid = va_arg(list, void *), *tls = va_arg(list, void *), *child_tid = va_arg(list, void *);
    va_end(list);
    rf_clone_fn real = (rf_clone_fn)dlsym(RTLD_NEXT, "clone");
    return real(entry, stack, flags, argument, parent_tid, tls, child_tid);
}
