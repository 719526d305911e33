#define _GNU_SOURCE
#include "CGobTestShims.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int gob_test_pidfd_open(pid_t pid) {
    // pidfd_open sets close-on-exec on every descriptor it returns.
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int gob_test_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int gob_test_open_pty(int *controller, int *terminal) {
    int c = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c < 0) return -1;
    const char *name;
    if (grantpt(c) != 0 || unlockpt(c) != 0 || (name = ptsname(c)) == NULL) {
        close(c);
        return -1;
    }
    int t = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (t < 0) {
        close(c);
        return -1;
    }
    *controller = c;
    *terminal = t;
    return 0;
}
