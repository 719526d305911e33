#define _GNU_SOURCE
#include "CGobShims.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define GOB_PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)

/// What the child reports back through the memory it shares with its suspended parent.
struct gob_child {
    const struct gob_job_spawn *job;
    int error;
    int step;
};

static int gob_child_fail(struct gob_child *child, int step) {
    child->error = errno;
    child->step = step;
    _exit(127);
    return 127;
}

/// Moves the child off the CPU its suspended parent is queued on, then gives it back every
/// CPU it had, before anything else: the parent's thread resumes when the child's execve
/// has passed the point of no return, but the scheduler queues it on the child's CPU (a
/// virtual machine's idle CPUs count as busy), where it waits until the new program
/// blocks or its time slice ends: 0.6 ms for `sleep`, 2-4 ms for `python3`. On another
/// CPU the child costs that CPU's wake-up (about 0.15 ms) and the parent resumes at once.
/// The job runs with the mask it inherited: the second call restores it before execve.
/// Nothing is moved on one CPU, or when the mask cannot be read or set.
static int gob_child_leave_parent_cpu(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return 0;
    int current = sched_getcpu();
    if (current < 0 || current >= CPU_SETSIZE || !CPU_ISSET(current, &allowed)) return 0;
    cpu_set_t others = allowed;
    CPU_CLR(current, &others);
    if (CPU_COUNT(&others) == 0 || sched_setaffinity(0, sizeof(others), &others) != 0) return 0;
    return sched_setaffinity(0, sizeof(allowed), &allowed);
}

/// Runs in the child, on its own stack, in the parent's memory, while the parent's thread
/// waits: only system calls, nothing that takes a lock or allocates.
static int gob_child_main(void *argument) {
    struct gob_child *child = argument;
    const struct gob_job_spawn *job = child->job;

    if (gob_child_leave_parent_cpu() != 0) return gob_child_fail(child, GOB_SPAWN_STEP_SETUP);

    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        (void)sigaction(signal, &action, NULL);  // glibc's own signals refuse: fine
    }
    if (setpgid(0, 0) != 0) return gob_child_fail(child, GOB_SPAWN_STEP_SETUP);

    // Descriptors: move sources out of 0-2 first, so no dup2 overwrites another's source.
    int sources[3] = { job->stdin_fd, job->stdout_fd, job->stderr_fd };
    for (int n = 0; n < 3; n++) {
        if (sources[n] >= 0 && sources[n] < 3) {
            sources[n] = fcntl(sources[n], F_DUPFD_CLOEXEC, 3);
            if (sources[n] < 0) return gob_child_fail(child, GOB_SPAWN_STEP_SETUP);
        }
    }
    for (int n = 0; n < 3; n++) {
        if (sources[n] < 0) continue;
        if (dup2(sources[n], n) < 0) return gob_child_fail(child, GOB_SPAWN_STEP_SETUP);
    }
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
        // Before Linux 5.9: the daemon opens everything close-on-exec; close what a
        // descriptor limit of our own choosing covers anyway.
        for (int fd = 3; fd < 65536; fd++) (void)close(fd);
    }

    // Nice first: a lowered RLIMIT_NICE could forbid it afterwards. A value the daemon may
    // not give (a higher priority than its own, unprivileged) leaves the job at the daemon's.
    if (job->set_nice) (void)setpriority(PRIO_PROCESS, 0, job->nice);
    for (int n = 0; n < job->limit_count; n++) {
        // Clamped to the hard limit this process has now: the daemon's may have been
        // lowered since it started (prlimit), and an unprivileged process cannot raise it.
        __rlimit_resource_t resource = (__rlimit_resource_t)job->limits[n].resource;
        // RLIM_INFINITY is the largest value, so plain comparisons clamp. The soft limit
        // never exceeds the hard one (a request may ask for that; the kernel refuses it).
        struct rlimit current;
        struct rlimit limit = { (rlim_t)job->limits[n].soft, (rlim_t)job->limits[n].hard };
        int known = getrlimit(resource, &current) == 0;
        if (known && limit.rlim_max > current.rlim_max) limit.rlim_max = current.rlim_max;
        if (limit.rlim_cur > limit.rlim_max) limit.rlim_cur = limit.rlim_max;
        // Most limits are the daemon's own already (client and daemon share a session):
        // a start spends no system call on those.
        if (known && limit.rlim_cur == current.rlim_cur && limit.rlim_max == current.rlim_max) continue;
        if (setrlimit(resource, &limit) != 0)
            return gob_child_fail(child, GOB_SPAWN_STEP_SETUP);
    }
    if (job->set_umask) (void)umask((mode_t)job->umask);

    if (job->workdir != NULL && chdir(job->workdir) != 0) return gob_child_fail(child, GOB_SPAWN_STEP_WORKDIR);

    sigset_t empty;
    sigemptyset(&empty);
    (void)sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(job->path, job->argv, job->envp);
    return gob_child_fail(child, GOB_SPAWN_STEP_EXEC);
}

int gob_spawn_job(const struct gob_job_spawn *job, pid_t *pid, int *pidfd, int *step) {
    *pid = -1;
    *pidfd = -1;
    *step = GOB_SPAWN_STEP_SETUP;
    // The child's stack is a buffer in this frame, as musl's posix_spawn has it: this
    // thread is suspended until the child has called execve or exited, so nothing else
    // uses the buffer meanwhile, and a start maps and unmaps no memory (an munmap in a
    // threaded process costs a TLB shootdown across CPUs). The child makes only system
    // calls through thin libc wrappers: a few hundred bytes of stack; this is ample.
    static const size_t stack_size = 32 * 1024;
    _Alignas(64) char stack[32 * 1024];

    // No signal handler may run in the child before it has reset them: it shares our memory.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);

    struct gob_child child = { job, 0, 0 };
    int fd = -1;
    int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
    pid_t born = clone(gob_child_main, stack + stack_size, flags | CLONE_PIDFD, &child, &fd);
    if (born < 0 && errno == EINVAL) {
        fd = -1;  // a kernel before 5.2: no pidfd
        born = clone(gob_child_main, stack + stack_size, flags, &child, NULL);
    }
    int saved = errno;

    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (born < 0) return saved;
    *pid = born;
    if (child.error != 0) {
        if (fd >= 0) close(fd);
        *step = child.step;
        return child.error;
    }
    *pidfd = fd;
    *step = 0;
    return 0;
}

int gob_pidfd_signal_group(int pidfd, int signal) {
    if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, GOB_PIDFD_SIGNAL_PROCESS_GROUP) == 0) return 0;
    return errno;
}

int gob_pidfd_signal(int pidfd, int signal) {
    if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0U) == 0) return 0;
    return errno;
}

int gob_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0U);
}

int gob_pidfd_exited(int pidfd) {
    struct pollfd poller = { pidfd, POLLIN, 0 };
    int rc = poll(&poller, 1, 0);
    if (rc < 0) return -1;
    return rc > 0 ? 1 : 0;
}

pid_t gob_wait_exited_child(void) {
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof(info));
        if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) == 0) return info.si_pid;
        if (errno != EINTR) return -1;
    }
}

int gob_pidfd_reaped(int pidfd) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    if (waitid((idtype_t)3 /* P_PIDFD */, (id_t)pidfd, &info, WEXITED | WNOHANG | WNOWAIT) == 0) return 0;
    return errno == ECHILD ? 1 : -1;
}

int gob_rename_noreplace(int dirfd, const char *from, const char *to) {
#ifdef SYS_renameat2
    if (syscall(SYS_renameat2, dirfd, from, dirfd, to, 1U /* RENAME_NOREPLACE */) == 0) return 0;
    return errno;
#else
    (void)dirfd; (void)from; (void)to;
    return EINVAL;
#endif
}
