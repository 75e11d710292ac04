/*
 * proc.c - see proc.h.
 */
#define _GNU_SOURCE
#include "proc.h"
#include "base.h"

#include <errno.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>


int cb_proc_child_init(pid_t parent)
{
    /* the crash signals too: the parent's crash handlers (fault.h) speak for the parent */
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGSEGV, SIGBUS, SIGFPE,
                                SIGILL, SIGABRT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t set;
    cb_termination_signals(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL); /* blocked by the parent around fork */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        return -errno;
    /* the parent may have died before PDEATHSIG was armed: then we were re-parented */
    if (getppid() != parent)
        return -ESRCH;
    return 0;
}

void cb_proc_prefault(void *p, size_t len)
{
    if (!p || !len)
        return;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = (uintptr_t)p & ~(page - 1), hi = (uintptr_t)p + len;
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
    madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE); /* advice: EINVAL before 5.14 */
    volatile const char *c = p;
    for (uintptr_t a = (uintptr_t)p; a < hi; a = (a & ~(page - 1)) + page)
        (void)c[a - (uintptr_t)p];
}

void cb_proc_describe(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "ended with wait status %#x", status);
}

const char *cb_fault_kind_in(const char *spec, int w)
{
    static const char *const kinds[] = { "crash", "exit", "hang", "stack" };
    if (!spec)
        return NULL;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (!colon || atoi(colon + 1) != w)
            continue;
        *colon = '\0';
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(item, kinds[i]) == 0)
                return kinds[i];
    }
    return NULL;
}

/* Recursion that the compiler can neither remove nor turn into a loop: every frame keeps
 * a page it reads after the call returns, and the end test reads a volatile that is never
 * zero. */
static int overflow_depth(volatile char *prev)
{
    volatile char page[4096];
    page[0] = prev ? prev[0] : 1;
    page[1] = 0;
    if (page[0] == 0)
        return 0;
    return overflow_depth(page) + page[1];
}

void cb_fault_overflow(void)
{
    overflow_depth(NULL);
    abort(); /* not reached: the stack ends first */
}

void cb_fault_point(int w)
{
    const char *kind = cb_fault_kind_in(getenv("CB_FAULT"), w);
    if (!kind)
        return;
    if (strcmp(kind, "crash") == 0) {
        signal(SIGSEGV, SIG_DFL); /* past any sanitizer's handler */
        raise(SIGSEGV);
    } else if (strcmp(kind, "exit") == 0) {
        _exit(3);
    } else if (strcmp(kind, "hang") == 0) {
        for (;;)
            pause();
    } else if (strcmp(kind, "stack") == 0) {
        signal(SIGSEGV, SIG_DFL);
        cb_fault_overflow();
    }
}

/* Slots are written before the count is raised and cleared (pid 0) rather than removed,
 * so a handler that interrupts an update sees either the old or the new state. */
static volatile pid_t live[CB_MAX_WORKERS + 1];
static volatile sig_atomic_t nlive;
static char mq_name[64];
static volatile sig_atomic_t mq_live;

void cb_proc_register(pid_t pid)
{
    for (int i = 0; i < nlive; i++)
        if (live[i] == 0) {
            live[i] = pid;
            return;
        }
    if (nlive < CB_MAX_WORKERS + 1) {
        live[nlive] = pid;
        nlive = nlive + 1;
    }
}

void cb_proc_unregister(pid_t pid)
{
    for (int i = 0; i < nlive; i++)
        if (live[i] == pid)
            live[i] = 0;
}

void cb_proc_register_mq(const char *name)
{
    mq_live = 0;
    if (name) {
        snprintf(mq_name, sizeof mq_name, "%s", name);
        mq_live = 1;
    }
}

/* The value of a /proc/sys/fs/mqueue limit, or -1. */
static long mq_sysctl(const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", name);
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

mqd_t cb_proc_mq_open(const char *name, int flags, struct mq_attr *attr, char *err,
                      size_t errlen)
{
    cb_proc_register_mq(name);
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, attr);
    int e = errno; /* before the unlink, which fails (ENOENT) when mq_open did */
    if (q != (mqd_t)-1)
        mq_unlink(name);
    cb_proc_register_mq(NULL);
    if (q != (mqd_t)-1)
        return q;
    long msgs = attr->mq_maxmsg, size = attr->mq_msgsize;
    struct rlimit rl;
    if (e == EMFILE && getrlimit(RLIMIT_MSGQUEUE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        snprintf(err, errlen, "the message queue limit RLIMIT_MSGQUEUE (ulimit -q) is %llu "
                 "bytes for all of this user's queues, and this one needs more than %ld (%ld "
                 "messages of %ld bytes): %s", (unsigned long long)rl.rlim_cur, msgs * size,
                 msgs, size, strerror(e));
    } else if (e == ENOSPC && mq_sysctl("queues_max") >= 0) {
        snprintf(err, errlen, "the system's limit of %ld message queues "
                 "(/proc/sys/fs/mqueue/queues_max) is reached: %s", mq_sysctl("queues_max"),
                 strerror(e));
    } else if (e == EINVAL && (msgs > mq_sysctl("msg_max") || size > mq_sysctl("msgsize_max"))) {
        snprintf(err, errlen, "%ld messages of %ld bytes exceed the system's limits "
                 "(/proc/sys/fs/mqueue/msg_max %ld, msgsize_max %ld): %s", msgs, size,
                 mq_sysctl("msg_max"), mq_sysctl("msgsize_max"), strerror(e));
    } else {
        snprintf(err, errlen, "mq_open (%ld messages of %ld bytes): %s", msgs, size,
                 strerror(e));
    }
    errno = e;
    return q;
}

/* SIGKILL to every pid of pids[0..n-1] first (they die together, not one after the other's
 * reaping), then reap each and take it off the registry. Safe in a signal handler: kill,
 * waitpid and the registry's stores only; the registry itself may be pids. */
static void kill_reap(const volatile pid_t *pids, int n)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++)
        if (pids[i] > 0) {
            while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
            cb_proc_unregister(pids[i]);
        }
}

void cb_proc_emergency_cleanup(void)
{
    int saved = errno;
    kill_reap(live, nlive);
    if (mq_live)
        mq_unlink(mq_name); /* a system call on Linux: safe in a handler */
    mq_live = 0;
    errno = saved;
}

void cb_proc_kill_all(const pid_t *pids, int n)
{
    kill_reap(pids, n);
}
