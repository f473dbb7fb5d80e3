// The C target under AddressSanitizer and UndefinedBehaviorSanitizer: this
// harness is compiled by a reliability test together with Sandbox/CSandbox/*.c
// (clang -fsanitize=address,undefined) and drives every entry point a
// supervisor uses: the fork path with the $pid placeholder patched, the
// exec path on its own stack, a failed setup, the fd-passing messages, and a
// warm spare's request. Any sanitizer report fails the run.
#define _GNU_SOURCE
#include <CSandbox.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks;

#define CHECK(condition) \
    do { \
        if (!(condition)) { fprintf(stderr, "harness: check failed at line %d: %s\n", __LINE__, #condition); exit(1); } \
        checks++; \
    } while (0)

// Allow everything but socket (killed) and tgkill to anyone but the caller
// (the $pid placeholder, patched by the child): a small real filter.
static struct sock_filter program[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RF_SELF_PID_PLACEHOLDER, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static struct rf_child_config config_for(int setup_fd) {
    struct rf_child_config config;
    memset(&config, 0, sizeof config);
    config.parent_death_signal = SIGKILL;
    config.expected_parent = getpid();
    config.setup_fd = setup_fd;
    config.sync_fd = -1;
    config.report_fd = -1;
    config.listener_by_message = 1;
    config.address_space = config.cpu_seconds = config.nofile = config.nproc = RF_UNLIMITED;
    config.filter = program;
    config.filter_length = sizeof program / sizeof program[0];
    config.self_pid_sites = 1;
    return config;
}

static int wait_status(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

int main(void) {
    int pipe_fds[2];
    CHECK(rf_pipe_cloexec(pipe_fds) == 0);

    // The fork path: setup, then a forbidden call (socket): killed by SIGSYS.
    struct rf_child_config config = config_for(pipe_fds[1]);
    pid_t pid = rf_fork_sandboxed(&config, 0);
    if (pid == 0) {
        (void)socket(AF_INET, SOCK_STREAM, 0);
        _exit(0);
    }
    CHECK(pid > 0);
    int status = wait_status(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS);

    // Abort to itself works through the patched placeholder.
    pid = rf_fork_sandboxed(&config, 0);
    if (pid == 0) abort();
    status = wait_status(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);

    // A placeholder count that does not match: the setup refuses (exit 127), nothing runs.
    config.self_pid_sites = 2;
    pid = rf_fork_sandboxed(&config, 0);
    if (pid == 0) _exit(0);
    status = wait_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);
    struct rf_setup_record record;
    CHECK(read(pipe_fds[0], &record, sizeof record) == (ssize_t)sizeof record);
    CHECK(record.magic == RF_SETUP_MAGIC && record.stage == RF_STAGE_SECCOMP && record.error == EINVAL);
    config.self_pid_sites = 1;

    // The exec path: its own stack, shared memory, execve of /bin/true.
    int exec_fds[2];
    CHECK(rf_pipe_cloexec(exec_fds) == 0);
    struct rf_child_config exec_config = config_for(exec_fds[1]);
    char *argv[] = { "/bin/true", NULL };
    char *envp[] = { NULL };
    pid = rf_spawn_sandboxed(&exec_config, 0, "/bin/true", argv, envp);
    CHECK(pid > 0);
    close(exec_fds[1]);
    char byte;
    CHECK(read(exec_fds[0], &byte, 1) == 0);  // close-on-exec: the setup channel closed at execve
    status = wait_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(exec_fds[0]);

    // Descriptors across a socket pair, as the fork server receives them.
    int pair[2];
    CHECK(rf_socketpair_seqpacket(pair) == 0);
    int sent[3] = { pipe_fds[0], pipe_fds[1], pair[0] };
    char message[32] = "ringfence";
    CHECK(rf_send_with_fds(pair[0], message, sizeof message, sent, 3) == (ssize_t)sizeof message);
    int received[RF_MAX_FDS];
    int count = RF_MAX_FDS;
    char buffer[64];
    CHECK(rf_receive_with_fds(pair[1], buffer, sizeof buffer, received, &count) == (ssize_t)sizeof message);
    CHECK(count == 3 && strcmp(buffer, "ringfence") == 0);
    for (int i = 0; i < count; i++) close(received[i]);

    // A warm spare given a malformed request refuses it (EPROTO) and exits.
    int channel = -1;
    const struct rf_launch_header *header = NULL;
    pid = rf_fork_spare(&channel, &header);
    if (pid == 0) _exit(0);  // never reached: a malformed request ends the spare inside
    CHECK(pid > 0);
    struct rf_launch_header bad;
    memset(&bad, 0, sizeof bad);
    bad.magic = 0x12345678;
    int spare_fds[2];
    CHECK(rf_pipe_cloexec(spare_fds) == 0);
    CHECK(rf_send_with_fds(channel, &bad, sizeof bad, &spare_fds[1], 1) == (ssize_t)sizeof bad);
    close(spare_fds[1]);
    CHECK(read(spare_fds[0], &record, sizeof record) == (ssize_t)sizeof record);
    CHECK(record.stage == RF_STAGE_CLONE && record.error == EPROTO);
    status = wait_status(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);

    printf("csandbox harness: %d checks passed\n", checks);
    return 0;
}
