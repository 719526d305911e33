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
/// (`SO_PEERCRED`); 0 or errno.
int gob_peer_credentials(int fd, uid_t *uid, pid_t *pid);

/// Makes this process the reaper of its orphaned descendants; 0 or errno.
int gob_set_child_subreaper(void);

/// getdents64(2): the entries of the open directory `fd` as `struct linux_dirent64`
/// records into `buffer`; bytes filled, 0 at the end, -1 with errno. Unlike
/// `fdopendir`, no `fstat` and no two `fcntl` calls first.
long gob_getdents64(int fd, void *buffer, unsigned long size);

/// accept(2) with the new descriptor close-on-exec; the descriptor or -1 (errno set).
int gob_accept(int listen_fd);

/// accept(2) that never blocks (EAGAIN when nothing is queued); the new descriptor is
/// close-on-exec and blocking. The descriptor or -1 (errno set).
int gob_accept_pending(int listen_fd);

/// execveat(2) of the file `fd` holds (`AT_EMPTY_PATH`) with `argv` and this process's
/// environment; returns only on failure (-1, errno set).
int gob_execute_descriptor(int fd, char *const argv[]);

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


/// One resource limit a job gets: `resource` is an RLIMIT_* number; RLIM_INFINITY is
/// written as ~0ULL.
struct gob_limit {
    int resource;
    unsigned long long soft;
    unsigned long long hard;
};

/// What gob_spawn_job starts: an absolute or workdir-relative `path` with `argv` and
/// `envp`, in `workdir`, with descriptors 0-2 from the given ones (every other descriptor
/// closed), in a new process group, every signal's disposition reset and the signal mask
/// emptied, and the client's nice value, resource limits and umask where `set_*` say so.
struct gob_job_spawn {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *workdir;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    int set_umask;
    unsigned int umask;
    int set_nice;
    int nice;
    int limit_count;
    const struct gob_limit *limits;
};

/// Which step of gob_spawn_job failed in the child.
enum {
    GOB_SPAWN_STEP_SETUP = 1,
    GOB_SPAWN_STEP_WORKDIR = 2,
    GOB_SPAWN_STEP_EXEC = 3,
};

/// Starts a job process (clone with CLONE_VM | CLONE_VFORK, as posix_spawn does, plus
/// CLONE_PIDFD; the child moves off the caller's CPU until its execve, which leaves it
/// the CPU mask it inherited): returns once the child has called execve or failed. On
/// success 0, `*pid` and `*pidfd` (a pidfd held since the process was born, or -1 on
/// kernels without CLONE_PIDFD). Otherwise the errno of the failure and `*step`
/// (GOB_SPAWN_STEP_*); when the child itself failed, `*pid` names it (it has exited; the
/// caller's reaper reaps it).
int gob_spawn_job(const struct gob_job_spawn *job, pid_t *pid, int *pidfd, int *step);

/// pidfd_send_signal(2) to the process group whose leader `pidfd` refers to
/// (PIDFD_SIGNAL_PROCESS_GROUP, Linux 6.9): the kernel finds the group by the leader's
/// identity, not its number, so a group emptied and then renumbered to another process is
/// never reached. 0 or errno (ESRCH: no process is left in the group; EINVAL: the kernel
/// does not know the flag).
int gob_pidfd_signal_group(int pidfd, int signal);

/// pidfd_send_signal(2) to the one process `pidfd` refers to; 0 or errno (ESRCH: it has
/// ended; EPERM: not ours to signal).
int gob_pidfd_signal(int pidfd, int signal);

/// pidfd_open(2); the descriptor or -1 with errno set.
int gob_pidfd_open(pid_t pid);

/// Whether the process behind `pidfd` has ended (it may still be a zombie): 1, 0, or -1
/// with errno set.
int gob_pidfd_exited(int pidfd);

/// Waits until a child of this process has ended and returns its PID without reaping it
/// (waitid with WNOWAIT), or -1 with errno set (ECHILD: no child at all).
pid_t gob_wait_exited_child(void);

/// Whether the child behind `pidfd` has been reaped already: 1, 0 (running, or a zombie
/// not yet reaped), or -1 with errno set.
int gob_pidfd_reaped(int pidfd);

/// Renames `from` to `to`, both in the directory open as `dirfd`, failing with EEXIST when
/// `to` exists (renameat2's RENAME_NOREPLACE): 0, or the errno (EINVAL where the file
/// system cannot do it).
int gob_rename_noreplace(int dirfd, const char *from, const char *to);

/// One socket `gob_listening_sockets` found: its inode (what a process's descriptor links
/// to), local port, address family (AF_INET or AF_INET6) and local address in network
/// order (the first 4 bytes for IPv4).
struct gob_listener {
    unsigned long long inode;
    unsigned int port;
    int family;
    unsigned char address[16];
};

/// The listening sockets of `family` and `protocol` (IPPROTO_TCP: in the listening state;
/// IPPROTO_UDP: bound, with no peer) in this process's network namespace, asked of the
/// kernel through sock_diag netlink, which, unlike /proc/net/tcp, does not walk the table
/// of established connections. Writes up to `capacity` entries and returns how many
/// there are (more than `capacity`: call again with room for all), or -errno (the kernel
/// has no such diag module, or refuses).
int gob_listening_sockets(int family, int protocol, struct gob_listener *out, int capacity);

/// The offset of the first byte at or after `from` that is not in a hole (SEEK_DATA), or
/// -errno: ENXIO when only holes follow, EINVAL where the file system cannot tell (then
/// the whole file counts as data).
long long gob_seek_data(int fd, long long from);

/// Deallocates the first `length` bytes of the file (FALLOC_FL_PUNCH_HOLE, keeping its
/// size): they read as zeros, every offset stays valid. 0, or -errno (EOPNOTSUPP where
/// the file system cannot).
int gob_punch_hole(int fd, long long length);

#endif
