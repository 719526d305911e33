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

/// The user ID and process ID of the process at the other end of a connected Unix socket
/// (the PID is 0 where the system does not tell it); 0 or errno.
int gob_peer_credentials(int fd, uid_t *uid, pid_t *pid);

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

/// The size of the terminal on `fd` in character cells (ioctl TIOCGWINSZ, which Swift
/// cannot call: ioctl is variadic); 0 or errno.
int gob_window_size(int fd, int *rows, int *columns);

/// Puts the terminal on `input_fd` in raw mode (no echo, no line editing, no signal keys, no
/// output processing), remembering its previous settings for gob_tty_restore, and arms
/// handlers for fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) that
/// restore the terminal before the previous disposition runs. gob_tty_restore writes its
/// leave sequence to `output_fd`. 0 or errno.
int gob_tty_enter_raw(int input_fd, int output_fd);

/// Gives the terminal back: resets colours, re-enables line wrap, shows the cursor,
/// leaves the alternate screen and restores the settings saved by gob_tty_enter_raw.
/// Does nothing when the terminal is not in raw mode; async-signal-safe.
void gob_tty_restore(void);

#endif
