// The in-child reporters for SECCOMP_RET_TRAP (SIGSYS) and abort() (SIGABRT).
//
// Both write one rf_violation_report to the report fd and then let the
// process die by the same signal, so that the parent can check the claim
// against what the kernel says: a report counts only if WTERMSIG agrees.
// Installed in step 3 of the child setup; execve discards them, which is why
// the exec path names violations through SECCOMP_RET_USER_NOTIF instead.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static int rf_report_fd = -1;

static void rf_collect_arguments(struct rf_violation_report *report, void *context) {
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    const greg_t *r = uc->uc_mcontext.gregs;
    report->args[0] = (uint64_t)r[REG_RDI];
    report->args[1] = (uint64_t)r[REG_RSI];
    report->args[2] = (uint64_t)r[REG_RDX];
    report->args[3] = (uint64_t)r[REG_R10];
    report->args[4] = (uint64_t)r[REG_R8];
    report->args[5] = (uint64_t)r[REG_R9];
#elif defined(__aarch64__)
    for (int i = 0; i < 6; i++) report->args[i] = uc->uc_mcontext.regs[i];
#else
    (void)uc;
#endif
}

static void rf_report_signal(int signal, siginfo_t *info, void *context) {
    struct rf_violation_report report;
    memset(&report, 0, sizeof report);
    report.magic = RF_REPORT_MAGIC;
    report.signal = signal;
    report.saved_errno = errno;
    if (signal == SIGSYS) {
        report.syscall = info->si_syscall;
        report.arch = info->si_arch;
        rf_collect_arguments(&report, context);
    }
    ssize_t written;
    do {
        written = write(rf_report_fd, &report, sizeof report);
    } while (written < 0 && errno == EINTR);

    if (signal == SIGSYS) {
        // SA_RESETHAND put the default action back, and SIGSYS stays blocked
        // while this handler runs. Making the same call again traps again, and
        // the kernel then forces the default action: death by SIGSYS.
        syscall(report.syscall, report.args[0], report.args[1], report.args[2],
                report.args[3], report.args[4], report.args[5]);
        // Unreachable unless the filter changed its mind; never run on.
        for (;;) syscall(SYS_exit_group, 128 + SIGSYS);
    }
    // SIGABRT: return, and abort() raises it again with the default action.
}

void rf_install_reporters(int report_fd) {
    rf_report_fd = report_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = rf_report_signal;
    action.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSYS, &action, NULL);
    sigaction(SIGABRT, &action, NULL);
}
