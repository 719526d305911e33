#define _GNU_SOURCE
#include "CGobShims.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/prctl.h>

int gob_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
              const char *workdir, int stdin_fd, int stdout_fd, int stderr_fd,
              int extra_fd, int new_session) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) { posix_spawn_file_actions_destroy(&actions); return rc; }

    if (stdin_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    else rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) {
        if (stdout_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
        else rc = posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    }
    if (rc == 0) {
        if (stderr_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
        else rc = posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    if (rc == 0 && extra_fd >= 0) rc = posix_spawn_file_actions_adddup2(&actions, extra_fd, 3);
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, extra_fd >= 0 ? 4 : 3);
    if (rc == 0 && workdir != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, workdir);

    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_session) {
        flags |= POSIX_SPAWN_SETSID;
    } else {
        flags |= POSIX_SPAWN_SETPGROUP;
        if (rc == 0) rc = posix_spawnattr_setpgroup(&attr, 0);
    }
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, flags);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attr, argv, envp);

    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int gob_peer_uid(int fd, uid_t *uid) {
    pid_t pid;
    return gob_peer_credentials(fd, uid, &pid);
}

int gob_peer_credentials(int fd, uid_t *uid, pid_t *pid) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return errno;
    *uid = cred.uid;
    *pid = cred.pid;
    return 0;
}

int gob_set_child_subreaper(void) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return errno;
    return 0;
}

long gob_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}

int gob_pipe(int fds[2], int nonblocking) {
    if (pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0)) != 0) return errno;
    return 0;
}

int gob_accept(int listen_fd) {
    return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
}

int gob_execute_descriptor(int fd, char *const argv[]) {
    extern char **environ;
    return (int)syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
}

int gob_accept_pending(int listen_fd) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return -1;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int gob_signal_write_fd = -1;
static int gob_signal_read_fd = -1;

static void gob_signal_to_pipe(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    if (gob_signal_write_fd >= 0) (void)write(gob_signal_write_fd, &byte, 1);
    errno = saved;
}

int gob_signal_pipe(const int *signals, int count) {
    if (gob_signal_read_fd < 0) {
        int fds[2];
        int rc = gob_pipe(fds, 1);
        if (rc != 0) { errno = rc; return -1; }
        gob_signal_read_fd = fds[0];
        gob_signal_write_fd = fds[1];
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = gob_signal_to_pipe;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return gob_signal_read_fd;
}

int gob_window_size(int fd, int *rows, int *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return errno;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

static struct termios gob_tty_saved;
static volatile sig_atomic_t gob_tty_fd = -1;
static volatile sig_atomic_t gob_tty_output_fd = -1;
static const int gob_tty_fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
#define GOB_TTY_FATAL_COUNT ((int)(sizeof(gob_tty_fatal_signals) / sizeof(gob_tty_fatal_signals[0])))
static struct sigaction gob_tty_previous[GOB_TTY_FATAL_COUNT];

void gob_tty_restore(void) {
    int fd = gob_tty_fd;
    if (fd < 0) return;
    gob_tty_fd = -1;
    static const char leave[] = "\033[0m\033[?7h\033[?25h\033[?1049l";
    size_t offset = 0;
    while (offset < sizeof(leave) - 1) {
        ssize_t n = write(gob_tty_output_fd, leave + offset, sizeof(leave) - 1 - offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        offset += (size_t)n;
    }
    (void)tcsetattr(fd, TCSANOW, &gob_tty_saved);
}

/// Restores the terminal, then lets the disposition that was there before (the default,
/// or the Swift runtime's backtracer) handle the signal.
static void gob_tty_fatal(int signo) {
    int saved = errno;
    gob_tty_restore();
    for (int i = 0; i < GOB_TTY_FATAL_COUNT; i++) {
        if (gob_tty_fatal_signals[i] == signo) (void)sigaction(signo, &gob_tty_previous[i], NULL);
    }
    (void)raise(signo);
    errno = saved;
}

int gob_tty_enter_raw(int input_fd, int output_fd) {
    struct termios raw;
    if (tcgetattr(input_fd, &gob_tty_saved) != 0) return errno;
    raw = gob_tty_saved;
    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_oflag &= ~(tcflag_t)OPOST;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(input_fd, TCSANOW, &raw) != 0) return errno;
    gob_tty_output_fd = output_fd;
    gob_tty_fd = input_fd;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = gob_tty_fatal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < GOB_TTY_FATAL_COUNT; i++) {
        (void)sigaction(gob_tty_fatal_signals[i], &action, &gob_tty_previous[i]);
    }
    return 0;
}
