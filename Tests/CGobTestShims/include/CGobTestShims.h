#ifndef CGOBTESTSHIMS_H
#define CGOBTESTSHIMS_H

#include <sys/types.h>

/// A pidfd for `pid` (Linux pidfd_open(2), which Swift cannot call: syscall(2) is
/// variadic), close-on-exec. The descriptor, or -1 with errno set.
int gob_test_pidfd_open(pid_t pid);

/// Sends `signal` to the process a pidfd refers to (pidfd_send_signal(2)): unlike kill(2)
/// it can never reach another process that reused the PID. 0, or -1 with errno set.
int gob_test_pidfd_send_signal(int pidfd, int signal);

/// A pseudo-terminal pair, both ends close-on-exec and neither the caller's controlling
/// terminal (posix_openpt and friends, which Swift's Glibc module does not export).
/// 0, or -1 with errno set.
int gob_test_open_pty(int *controller, int *terminal);

#endif
