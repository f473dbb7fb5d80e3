// Warm spares for the fork server: children cloned ahead of time that wait
// for their launch request, so that a launch costs a message and the child
// setup, not a clone. Everything from the clone to the end of the setup runs
// here, in C: the spare receives into a static buffer, checks the request,
// points the configuration at its own descriptors and filter, and runs the
// ordinary child setup.
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/// The request buffer. Each spare is a fork, so each has its own copy.
static unsigned char rf_spare_request[RF_REQUEST_CAPACITY] __attribute__((aligned(16)));

static void rf_spare_wait_and_setup(int channel, pid_t fork_server, const struct rf_launch_header **header_out) {
    int fds[RF_MAX_FDS];
    int count = RF_MAX_FDS;
    ssize_t length = rf_receive_with_fds(channel, rf_spare_request, sizeof rf_spare_request, fds, &count);
    if (length <= 0) _exit(0);  // no request will come: the fork server closed the channel
    close(channel);

    struct rf_launch_header *header = (struct rf_launch_header *)rf_spare_request;
    struct rf_child_config *config = (struct rf_child_config *)(rf_spare_request + sizeof *header);
    size_t fixed = sizeof *header + sizeof *config;
    int well_formed = (size_t)length >= fixed && header->magic == RF_LAUNCH_MAGIC && header->has_sync <= 1
        && header->descriptor_count <= RF_MAX_FDS && (int)header->descriptor_count == config->fd_count
        && (size_t)length == fixed + (size_t)header->filter_length * sizeof(struct sock_filter)
        && count == 1 + (int)header->has_sync + (int)header->descriptor_count && header->clone_flags == 0;
    if (!well_formed) {
        if (count >= 1) {
            struct rf_setup_record record = { RF_SETUP_MAGIC, RF_STAGE_CLONE, EPROTO, 0 };
            (void)write(fds[0], &record, sizeof record);
        }
        _exit(127);
    }
    config->setup_fd = fds[0];
    config->sync_fd = header->has_sync ? fds[1] : -1;
    for (uint32_t i = 0; i < header->descriptor_count; i++) config->fd_sources[i] = fds[1 + header->has_sync + i];
    config->filter = (const struct sock_filter *)(rf_spare_request + fixed);
    config->filter_length = (unsigned short)header->filter_length;
    config->expected_parent = fork_server;
    *header_out = header;
    rf_child_setup(config);  // exits on any failure, having reported it
}

pid_t rf_fork_spare(int *channel, const struct rf_launch_header **header) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return -1;
    pid_t fork_server = getpid();
    pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        int saved = errno;
        close(pair[0]);
        close(pair[1]);
        errno = saved;
        return -1;
    }
    if (pid > 0) {
        close(pair[1]);
        *channel = pair[0];
        return pid;
    }
    close(pair[0]);
    // An idle spare dies with the fork server.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != fork_server) _exit(0);
    rf_spare_wait_and_setup(pair[1], fork_server, header);
    return 0;
}
