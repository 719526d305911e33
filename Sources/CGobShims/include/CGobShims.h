#ifndef CGOBSHIMS_H
#define CGOBSHIMS_H

#include <sys/types.h>

/// Spawns `path` with posix_spawn: stdin from `stdin_fd` (or /dev/null when -1), stdout and
/// stderr to the given descriptors (or /dev/null when -1), `extra_fd` (when >= 0) as
/// descriptor 3, every other descriptor closed, signal mask emptied and every signal's
/// disposition reset, in `workdir` when non-NULL, and in a new process group — or a new
/// session when `new_session` is non-zero. Returns 0 or an errno value; the exec error
/// of the child is reported here too.
int gob_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
              const char *workdir, int stdin_fd, int stdout_fd, int stderr_fd,
              int extra_fd, int new_session);

/// The user ID of the process at the other end of a connected Unix socket; 0 or errno.
int gob_peer_uid(int fd, uid_t *uid);

/// Makes this process the reaper of its orphaned descendants (Linux); 0 or errno.
int gob_set_child_subreaper(void);

/// accept(2) with the new descriptor close-on-exec; the descriptor or -1 (errno set).
int gob_accept(int listen_fd);

/// pipe(2) with both ends close-on-exec, and non-blocking when `nonblocking`; 0 or errno.
int gob_pipe(int fds[2], int nonblocking);

/// Routes `signals` to a pipe: each delivery writes the signal number as one byte. Returns
/// the pipe's read end (non-blocking, close-on-exec), or -1 with errno set. Calling it
/// again adds signals to the same pipe.
int gob_signal_pipe(const int *signals, int count);

#endif
