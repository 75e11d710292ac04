/*
 * procs.c - worker processes created inside each timed repetition, as in the course's
 * Process examples: p processes, each computes one contiguous block and sends its partial
 * result home through a channel.
 *
 * Start methods: fork (the child is a copy of the parent, inputs included) or spawn
 * (posix_spawn of this same binary in worker mode, `--cb-worker`, which rebuilds the inputs
 * from the seed, as Python's "spawn" re-imports and unpickles). Channels, in the course's
 * words: pipe (Pipe: one per worker), queue (Queue: one POSIX message queue for all),
 * socket (the connection a Manager uses: a Unix-domain socket per worker), shm (Value and
 * Array: a padded slot per worker, matmul rows written in place in the shared output).
 * For matmul the result rows themselves travel through the channel, so its bandwidth shows.
 * Each channel is one section below, behind one table of operations (struct channel_ops:
 * open, the worker's end, send, watch, receive, close), so the parent's wait and the
 * worker's life are written once for all four.
 *
 * Life cycle: a start gate (a pipe the parent closes) separates setup from compute. The
 * parent waits on one poll() over the channel and a pidfd per child, so a child that dies
 * at any moment is noticed at once, and a deadline (--timeout) bounds the repetition. On
 * any failure every child is killed and reaped; the message queue's name is unlinked as
 * soon as every worker holds it, and signal handlers clean up through proc.c's registry.
 * Spawned workers find their descriptors at fixed numbers (FD_CTL...).
 */
#define _GNU_SOURCE
#include "bind.h"
#include "harness.h"
#include "models/slot.h"
#include "proc.h"
#include "timer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Where a spawned worker finds its descriptors. */
enum { FD_CTL = 3, FD_OUT, FD_GATE, FD_READY, FD_RESULT };
#define HIGH_FD 100 /* sources are moved above this before being placed at FD_* */

/* The message that carries a result: kind HEAD first (the partial, the block, the bytes
 * of rows that follow), then for the queue kind DATA messages with rows at `offset`. */
enum { MSG_HEAD = 1, MSG_DATA = 2 };
struct msg {
    int32_t kind, w;
    uint64_t lo, hi, offset, bytes;
    struct cb_partial part;
};

/* Everything one repetition holds; released by run_cleanup whatever happened. */
struct run {
    const struct cb_job *job;
    const struct cb_config *cfg;
    const struct channel_ops *ops; /* the channel's, below */
    int p;
    struct cb_slot *slots; /* per-worker timing (slot.h), in the shared control block:
                            * written by the worker, read by the parent after reaping it;
                            * with the shm channel the partial travels there too */
    size_t slots_bytes;
    int ctl_fd, gate[2], ready[2];
    int *res_rd, *res_wr;  /* pipe/socket: parent's and child's ends per worker */
    mqd_t mq;
    char *qbuf;            /* queue: one message, taken by the parent */
    size_t qsize;
    pid_t *pids;
    int *pidfds, *reaped, *status;
    int *complete;         /* the worker's result has fully arrived */
    uint64_t *got;         /* pipe/socket/queue: bytes of head + rows received */
    struct msg *heads;
    char *err;
    size_t errlen;
};

/* What one poll() of the parent watches: the descriptors, and for each what it stands
 * for (the workers' ready bytes, worker w's result, or worker w's end). */
enum event { EV_READY, EV_RESULT, EV_EXIT };
struct watch {
    struct pollfd *fds;
    struct { enum event ev; int w; } *what;
    int n;
};

static void watch_add(struct watch *wt, int fd, enum event ev, int w)
{
    wt->fds[wt->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
    wt->what[wt->n].ev = ev;
    wt->what[wt->n].w = w;
    wt->n++;
}

/* A channel, as the parent and a worker use it. The worker's side knows only its end (a
 * descriptor, or none) and its slot; the parent's side holds the whole run. */
struct channel_ops {
    /* the parent, before any worker starts: create the channel's objects. Returns 0, or
     * -errno with one line in why. */
    int (*open)(struct run *r, char *why, size_t whylen);
    /* the descriptor worker w sends through, -1 if none */
    int (*end)(const struct run *r, int w);
    /* the worker, after computing: send its result (head, then head->bytes of rows).
     * Returns 0 or the worker's exit status (CB_WEXIT_*). */
    int (*send)(int fd, struct cb_slot *slot, const struct msg *head, const void *rows);
    /* the parent: watch for the results still missing; returns how many are */
    int (*watch)(struct run *r, struct watch *wt);
    /* the parent: take what arrived for worker w (-1: for any). Returns 0, or a CB_EXIT_*
     * status with r->err set. */
    int (*receive)(struct run *r, int w);
    /* the parent: release the channel's objects; safe on a partly opened channel */
    void (*close)(struct run *r);
};

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* ---- the parent's bookkeeping: its workers' ends and their results ---- */

/* The failure of worker w, described from its wait status, into r->err. */
static void worker_failed(struct run *r, int w)
{
    char how[128];
    cb_proc_describe(r->status[w], how, sizeof how);
    snprintf(r->err, r->errlen, "%s worker %d of %d (pid %d) %s", cb_start_name(r->cfg->start),
             w, r->p, (int)r->pids[w], how);
}

/* Reap worker w if its pidfd says it ended. Returns -1 if it ended abnormally. */
static int check_exit(struct run *r, int w)
{
    if (r->reaped[w])
        return 0;
    pid_t got = waitpid(r->pids[w], &r->status[w], WNOHANG);
    if (got != r->pids[w])
        return 0;
    r->reaped[w] = 1;
    cb_proc_unregister(r->pids[w]);
    close_fd(&r->pidfds[w]);
    if (WIFEXITED(r->status[w]) && WEXITSTATUS(r->status[w]) == 0)
        return 0;
    worker_failed(r, w);
    return -1;
}

/* Read what worker w's pipe or socket has. Returns -1 on a broken result. */
static int read_result(struct run *r, int w)
{
    const struct cb_job *job = r->job;
    char *dst;
    size_t want;
    if (r->got[w] < sizeof(struct msg)) {
        dst = (char *)&r->heads[w] + r->got[w];
        want = sizeof(struct msg) - r->got[w];
    } else {
        struct msg *h = &r->heads[w];
        uint64_t off = r->got[w] - sizeof(struct msg);
        dst = (char *)cb_job_row(job, h->lo) + off;
        want = h->bytes - off;
    }
    ssize_t n = read(r->res_rd[w], dst, want);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    if (n == 0) { /* end of file before the whole result: the worker's status says why */
        while (waitpid(r->pids[w], &r->status[w], 0) < 0 && errno == EINTR)
            ;
        r->reaped[w] = 1;
        cb_proc_unregister(r->pids[w]);
        if (WIFEXITED(r->status[w]) && WEXITSTATUS(r->status[w]) == 0)
            snprintf(r->err, r->errlen, "worker %d closed its %s before sending its result", w,
                     cb_channel_name(r->cfg->channel));
        else
            worker_failed(r, w);
        return -1;
    }
    r->got[w] += (uint64_t)n;
    if (r->got[w] == sizeof(struct msg)) {
        struct msg *h = &r->heads[w];
        size_t expect = job->out ? (size_t)(h->hi - h->lo) * job->out_stride : 0;
        if (h->kind != MSG_HEAD || h->w != w || h->hi > job->space || h->lo > h->hi ||
            h->bytes != expect) {
            snprintf(r->err, r->errlen, "worker %d sent a malformed result", w);
            return -1;
        }
    }
    if (r->got[w] >= sizeof(struct msg) && r->got[w] == sizeof(struct msg) + r->heads[w].bytes)
        r->complete[w] = 1;
    return 0;
}

/* Take one message from the queue. Returns -1 on a malformed one. */
static int read_queue(struct run *r, char *buf, size_t size)
{
    ssize_t n = mq_receive(r->mq, buf, size, NULL);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    struct msg m;
    if ((size_t)n < sizeof m)
        return -1;
    memcpy(&m, buf, sizeof m);
    if (m.w < 0 || m.w >= r->p)
        return -1;
    int w = m.w;
    const struct cb_job *job = r->job;
    if (m.kind == MSG_HEAD) {
        size_t expect = job->out ? (size_t)(m.hi - m.lo) * job->out_stride : 0;
        if (r->got[w] || m.hi > job->space || m.lo > m.hi || m.bytes != expect)
            return -1;
        r->heads[w] = m;
        r->got[w] = sizeof m;
    } else if (m.kind == MSG_DATA && r->got[w]) {
        if (m.offset + m.bytes > r->heads[w].bytes || (size_t)n != sizeof m + m.bytes)
            return -1;
        memcpy((char *)cb_job_row(job, r->heads[w].lo) + m.offset, buf + sizeof m, m.bytes);
        r->got[w] += m.bytes;
    } else {
        return -1;
    }
    if (r->got[w] == sizeof(struct msg) + r->heads[w].bytes)
        r->complete[w] = 1;
    return 0;
}

/* ---- shm: the partial in the worker's slot, the rows already in the shared output ---- */

/* (not shm_open: the C library has one) */
static int shm_open_ch(struct run *r, char *why, size_t whylen)
{
    (void)r;
    (void)why;
    (void)whylen;
    return 0;
}

static int shm_end(const struct run *r, int w)
{
    (void)r;
    (void)w;
    return -1;
}

static int shm_send(int fd, struct cb_slot *slot, const struct msg *head, const void *rows)
{
    (void)fd;
    (void)rows;
    slot->part = head->part;
    return 0;
}

static int shm_watch(struct run *r, struct watch *wt)
{
    (void)r;
    (void)wt;
    return 0;
}

static int shm_receive(struct run *r, int w)
{
    (void)r;
    (void)w;
    return 0;
}

static void shm_close(struct run *r)
{
    (void)r;
}

/* ---- pipe and socket: a byte stream per worker, the head and then the rows ---- */

static int pipe_open(struct run *r, char *why, size_t whylen)
{
    for (int w = 0; w < r->p; w++) {
        int fd[2];
        if (pipe2(fd, O_CLOEXEC) < 0) {
            snprintf(why, whylen, "pipe: %s", strerror(errno));
            return -errno;
        }
        r->res_rd[w] = fd[0];
        r->res_wr[w] = fd[1];
    }
    return 0;
}

static int socket_open(struct run *r, char *why, size_t whylen)
{
    for (int w = 0; w < r->p; w++) {
        int fd[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) < 0) {
            snprintf(why, whylen, "socketpair: %s", strerror(errno));
            return -errno;
        }
        r->res_rd[w] = fd[0];
        r->res_wr[w] = fd[1];
    }
    return 0;
}

static int stream_end(const struct run *r, int w)
{
    return r->res_wr[w];
}

static int stream_send(int fd, struct cb_slot *slot, const struct msg *head, const void *rows)
{
    (void)slot;
    if (write_all(fd, head, sizeof *head) < 0 ||
        (head->bytes && write_all(fd, rows, head->bytes) < 0))
        return CB_WEXIT_SEND;
    return 0;
}

static int stream_watch(struct run *r, struct watch *wt)
{
    int missing = 0;
    for (int w = 0; w < r->p; w++)
        if (!r->complete[w]) {
            missing++;
            watch_add(wt, r->res_rd[w], EV_RESULT, w);
        }
    return missing;
}

static int stream_receive(struct run *r, int w)
{
    if (read_result(r, w) < 0) {
        if (!r->err[0])
            snprintf(r->err, r->errlen, "reading worker %d's result failed", w);
        return CB_EXIT_WORKER;
    }
    return 0;
}

static void stream_close(struct run *r)
{
    for (int w = 0; r->res_rd && w < r->p; w++) {
        close_fd(&r->res_rd[w]);
        close_fd(&r->res_wr[w]);
    }
}

/* ---- queue: one POSIX message queue for all, a head and then rows in DATA messages ---- */

static int queue_open(struct run *r, char *why, size_t whylen)
{
    static unsigned serial;
    char name[64];
    snprintf(name, sizeof name, "/cb-%d-%u", (int)getpid(), serial++);
    /* the system's default limits (10 messages of 8 KiB) need no privilege */
    struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = 8192 };
    /* every worker inherits the descriptor: the name is unlinked at once */
    r->mq = cb_proc_mq_open(name, 0, &attr, why, whylen);
    return r->mq == (mqd_t)-1 ? -errno : 0;
}

static int queue_end(const struct run *r, int w)
{
    (void)w;
    return (int)r->mq;
}

static int queue_send(int fd, struct cb_slot *slot, const struct msg *head, const void *rows)
{
    (void)slot;
    struct mq_attr attr;
    char *m = NULL;
    int rc = 0;
    if (mq_getattr(fd, &attr) < 0 || !(m = malloc((size_t)attr.mq_msgsize)))
        rc = CB_WEXIT_QUEUE;
    else if (mq_send(fd, (const char *)head, sizeof *head, 0) < 0)
        rc = CB_WEXIT_QUEUE;
    size_t room = rc ? 0 : (size_t)attr.mq_msgsize - sizeof *head;
    for (size_t off = 0; rc == 0 && off < head->bytes; off += room) {
        size_t len = head->bytes - off < room ? head->bytes - off : room;
        struct msg d = { .kind = MSG_DATA, .w = head->w, .offset = off, .bytes = len };
        memcpy(m, &d, sizeof d);
        memcpy(m + sizeof d, (const char *)rows + off, len);
        if (mq_send(fd, m, sizeof d + len, 0) < 0)
            rc = CB_WEXIT_QUEUE;
    }
    free(m);
    return rc;
}

static int queue_watch(struct run *r, struct watch *wt)
{
    int missing = 0;
    for (int w = 0; w < r->p; w++)
        missing += !r->complete[w];
    if (missing)
        watch_add(wt, (int)r->mq, EV_RESULT, -1);
    return missing;
}

static int queue_receive(struct run *r, int w)
{
    (void)w;
    if (!r->qbuf) {
        struct mq_attr attr;
        mq_getattr(r->mq, &attr);
        r->qsize = (size_t)attr.mq_msgsize;
        if (!(r->qbuf = malloc(r->qsize)))
            return CB_EXIT_ERROR;
    }
    if (read_queue(r, r->qbuf, r->qsize) < 0) {
        snprintf(r->err, r->errlen, "a malformed message arrived on the queue");
        return CB_EXIT_WORKER;
    }
    return 0;
}

static void queue_close(struct run *r)
{
    if (r->mq != (mqd_t)-1)
        mq_close(r->mq);
    r->mq = (mqd_t)-1;
    free(r->qbuf);
    r->qbuf = NULL;
}

/* Every channel, by its number (options.h; a worker's argument is checked against it). */
static const struct channel_ops channels[] = {
    [CB_CHANNEL_PIPE] = { pipe_open, stream_end, stream_send, stream_watch, stream_receive,
                          stream_close },
    [CB_CHANNEL_SOCKET] = { socket_open, stream_end, stream_send, stream_watch,
                            stream_receive, stream_close },
    [CB_CHANNEL_QUEUE] = { queue_open, queue_end, queue_send, queue_watch, queue_receive,
                           queue_close },
    [CB_CHANNEL_SHM] = { shm_open_ch, shm_end, shm_send, shm_watch, shm_receive, shm_close },
};

/* ---- the workers ---- */

static void block_of(const struct cb_job *job, int w, int p, uint64_t *lo, uint64_t *hi)
{
    struct cb_sched s;
    struct cb_claim c = { 0 };
    cb_sched_init(&s, CB_SCHED_STATIC, job->space, 0, p);
    if (!cb_sched_next(&s, w, &c, lo, hi))
        *lo = *hi = 0;
}

/* A worker's life after set-up: announce itself, wait at the gate, compute its block,
 * send the result. Returns the process's exit status. */
static int child_work(const struct cb_job *job, struct cb_slot *slots, int w, int p,
                      enum cb_channel ch, int gate_fd, int ready_fd, int res_fd)
{
    uint64_t lo, hi;
    char byte = 'r';
    block_of(job, w, p, &lo, &hi);
    /* where the rows go, mapped before the gate (setup, not compute): the shared output's
     * rows, or a buffer the channel carries home (cb_proc_prefault says why) */
    size_t bytes = job->out && lo < hi ? (size_t)(hi - lo) * job->out_stride : 0;
    void *buf = NULL;
    if (bytes && ch != CB_CHANNEL_SHM && !(buf = malloc(bytes)))
        return CB_WEXIT_BUFFER;
    if (bytes)
        cb_proc_prefault(ch == CB_CHANNEL_SHM ? cb_job_row(job, lo) : buf, bytes);
    if (write_all(ready_fd, &byte, 1) < 0) {
        free(buf);
        return CB_WEXIT_READY;
    }
    ssize_t n;
    while ((n = read(gate_fd, &byte, 1)) < 0 && errno == EINTR)
        ;
    if (n != 0) {
        free(buf);
        return CB_WEXIT_GATE; /* the gate opens by EOF only */
    }
    cb_fault_point(w);

    slots[w].cpu0 = cb_current_cpu();
    double t0 = cb_now();
    struct cb_partial acc = { 0 };
    if (lo < hi)
        job->kernel->compute(job, lo, hi, &acc, ch == CB_CHANNEL_SHM ? cb_job_row(job, lo) : buf);
    double t1 = cb_now();
    slots[w].cpu1 = cb_current_cpu();
    slots[w].compute_s = t1 - t0;
    slots[w].t_end = t1;

    struct msg head = { .kind = MSG_HEAD, .w = w, .lo = lo, .hi = hi, .bytes = bytes, .part = acc };
    int rc = channels[ch].send(res_fd, &slots[w], &head, buf);
    free(buf);
    return rc;
}

/* ---- the parent ---- */

/* The spawned worker's command line: the kernel and problem, and who it is. */
static int spawn_worker(struct run *r, int w, pid_t parent, pid_t *pid)
{
    const struct cb_job *job = r->job;
    char size[32], seed[32], p[16], wb[16], ch[16], pp[16];
    snprintf(size, sizeof size, "%" PRIu64, job->size);
    snprintf(seed, sizeof seed, "%" PRIu64, job->seed);
    snprintf(p, sizeof p, "%d", r->p);
    snprintf(wb, sizeof wb, "%d", w);
    snprintf(ch, sizeof ch, "%d", (int)r->cfg->channel);
    snprintf(pp, sizeof pp, "%d", (int)parent);
    char *argv[] = { "bench-procs-worker", "--cb-worker", (char *)job->kernel->name, size,
                     seed, p, wb, ch, pp, NULL };

    /* move every source above HIGH_FD first, so no dup2 below clobbers a later source */
    int src[5] = { r->ctl_fd, job->out_fd, r->gate[0], r->ready[1], r->ops->end(r, w) };
    int high[5] = { -1, -1, -1, -1, -1 };
    int rc = 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int i = 0; i < 5 && rc == 0; i++) {
        if (src[i] < 0)
            continue;
        high[i] = fcntl(src[i], F_DUPFD_CLOEXEC, HIGH_FD);
        if (high[i] < 0)
            rc = errno;
        else
            rc = posix_spawn_file_actions_adddup2(&fa, high[i], FD_CTL + i);
    }
    if (rc == 0)
        rc = posix_spawn(pid, "/proc/self/exe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 5; i++)
        if (high[i] >= 0)
            close(high[i]);
    return rc; /* posix_spawn returns the error number */
}

/* The deadline has passed: name the first worker still running. */
static int timed_out(struct run *r)
{
    int late = 0;
    for (int w = 0; w < r->p; w++)
        if (!r->reaped[w]) {
            late = w;
            break;
        }
    snprintf(r->err, r->errlen, "timed out after %.3g s: worker %d of %d (pid %d) had not "
             "finished; every worker was killed", r->cfg->timeout, late, r->p,
             (int)r->pids[late]);
    return CB_EXIT_WORKER;
}

/* What one poll said of one descriptor, in phase 0 or 1. Returns 0 or a CB_EXIT_* status
 * with r->err set. */
static int on_event(struct run *r, int phase, enum event ev, int w, int *ready)
{
    if (ev == EV_READY) {
        char b[64];
        ssize_t got = read(r->ready[0], b, sizeof b);
        if (got > 0)
            *ready += (int)got;
        return 0;
    }
    if (ev == EV_RESULT)
        return r->ops->receive(r, w);
    if (check_exit(r, w) < 0)
        return CB_EXIT_WORKER;
    /* a worker that exits cleanly before it is ready (phase 0) cannot be */
    if (phase == 0 && r->reaped[w]) {
        snprintf(r->err, r->errlen, "worker %d exited before the start gate", w);
        return CB_EXIT_WORKER;
    }
    return 0;
}

/* Wait until every worker is ready (phase 0) or has delivered and exited (phase 1), or one
 * fails, or the deadline passes. Returns 0, or a CB_EXIT_* status with r->err set. */
static int wait_phase(struct run *r, int phase, double deadline)
{
    const int p = r->p;
    int ready = 0, rc = 0;
    struct watch wt = { calloc((size_t)(2 * p + 1), sizeof *wt.fds),
                        calloc((size_t)(2 * p + 1), sizeof *wt.what), 0 };
    if (!wt.fds || !wt.what) {
        snprintf(r->err, r->errlen, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    while (rc == 0) {
        int pending = 0;
        wt.n = 0;
        if (phase == 0) {
            if (ready == p)
                break;
            watch_add(&wt, r->ready[0], EV_READY, -1);
        } else {
            pending = r->ops->watch(r, &wt);
            for (int w = 0; w < p; w++)
                pending += !r->reaped[w];
            if (!pending)
                break;
        }
        for (int w = 0; w < p; w++)
            if (!r->reaped[w] && r->pidfds[w] >= 0)
                watch_add(&wt, r->pidfds[w], EV_EXIT, w);
        int timeout = -1;
        if (deadline > 0) {
            double left = deadline - cb_now();
            if (left <= 0) {
                rc = timed_out(r);
                break;
            }
            timeout = (int)(left * 1000) + 1;
        }
        int n = poll(wt.fds, (nfds_t)wt.n, timeout);
        if (n < 0 && errno != EINTR) {
            snprintf(r->err, r->errlen, "poll: %s", strerror(errno));
            rc = CB_EXIT_ERROR;
        }
        for (int i = 0; i < wt.n && n > 0 && rc == 0; i++)
            if (wt.fds[i].revents)
                rc = on_event(r, phase, wt.what[i].ev, wt.what[i].w, &ready);
    }
    free(wt.fds);
    free(wt.what);
    return rc;
}

static void run_cleanup(struct run *r)
{
    /* whatever happened, nobody is left running or unreaped */
    for (int w = 0; w < r->p && r->pids; w++)
        if (r->pids[w] > 0 && !r->reaped[w])
            cb_proc_kill_all(&r->pids[w], 1);
    for (int w = 0; r->pidfds && w < r->p; w++)
        close_fd(&r->pidfds[w]);
    r->ops->close(r);
    close_fd(&r->gate[0]);
    close_fd(&r->gate[1]);
    close_fd(&r->ready[0]);
    close_fd(&r->ready[1]);
    close_fd(&r->ctl_fd);
    if (r->slots)
        munmap(r->slots, r->slots_bytes);
    free(r->res_rd);
    free(r->res_wr);
    free(r->pids);
    free(r->pidfds);
    free(r->reaped);
    free(r->status);
    free(r->complete);
    free(r->got);
    free(r->heads);
}

/* Everything a repetition needs before its workers start: the bookkeeping, the shared
 * control block (the slots), the gate and ready pipes and the channel. Returns 0, or
 * CB_EXIT_ERROR with r->err set (run_cleanup releases what was made). */
static int run_open(struct run *r)
{
    const int p = r->p;
    size_t np = (size_t)p;
    r->res_rd = malloc(np * sizeof(int));
    r->res_wr = malloc(np * sizeof(int));
    r->pids = calloc(np, sizeof(pid_t));
    r->pidfds = malloc(np * sizeof(int));
    r->reaped = calloc(np, sizeof(int));
    r->status = calloc(np, sizeof(int));
    r->complete = calloc(np, sizeof(int));
    r->got = calloc(np, sizeof(uint64_t));
    r->heads = calloc(np, sizeof(struct msg));
    if (!r->res_rd || !r->res_wr || !r->pids || !r->pidfds || !r->reaped || !r->status ||
        !r->complete || !r->got || !r->heads) {
        snprintf(r->err, r->errlen, "out of memory for %d workers", p);
        return CB_EXIT_ERROR;
    }
    for (int w = 0; w < p; w++)
        r->res_rd[w] = r->res_wr[w] = r->pidfds[w] = -1;

    r->slots_bytes = np * sizeof(struct cb_slot);
    r->ctl_fd = memfd_create("cb-ctl", MFD_CLOEXEC);
    if (r->ctl_fd < 0 || ftruncate(r->ctl_fd, (off_t)r->slots_bytes) < 0 ||
        (r->slots = mmap(NULL, r->slots_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, r->ctl_fd,
                         0)) == MAP_FAILED) {
        r->slots = NULL;
        snprintf(r->err, r->errlen, "cannot create the shared control block: %s",
                 strerror(errno));
        return CB_EXIT_ERROR;
    }
    char why[384] = "";
    if (pipe2(r->gate, O_CLOEXEC) < 0 || pipe2(r->ready, O_CLOEXEC) < 0)
        snprintf(why, sizeof why, "pipe: %s", strerror(errno));
    if (why[0] || r->ops->open(r, why, sizeof why) < 0) {
        snprintf(r->err, r->errlen, "cannot create the %s channel: %s",
                 cb_channel_name(r->cfg->channel), why);
        return CB_EXIT_ERROR;
    }
    return 0;
}

/* Start worker w (fork or spawn), register it, bind it and watch its pidfd. Returns 0, or
 * CB_EXIT_ERROR with r->err set. */
static int start_worker(struct run *r, int w, pid_t parent)
{
    const struct cb_config *cfg = r->cfg;
    const int p = r->p;
    pid_t pid = -1;
    sigset_t old;
    cb_signals_hold(&old); /* until the child is registered for the signal handler */
    if (cfg->start == CB_START_SPAWN) {
        int err_no = spawn_worker(r, w, parent, &pid);
        if (err_no) {
            errno = err_no;
            pid = -1;
        }
    } else {
        pid = fork();
        if (pid == 0) {
            /* the child: keep its own ends, close everything else it inherited */
            if (cb_proc_child_init(parent) < 0)
                _exit(CB_WEXIT_INIT);
            for (int i = 0; i < p; i++) {
                if (r->res_rd[i] >= 0)
                    close(r->res_rd[i]);
                if (i != w && r->res_wr[i] >= 0)
                    close(r->res_wr[i]);
                if (r->pidfds[i] >= 0)
                    close(r->pidfds[i]);
            }
            close(r->gate[1]);
            close(r->ready[0]);
            _exit(child_work(r->job, r->slots, w, p, cfg->channel, r->gate[0], r->ready[1],
                             r->ops->end(r, w)));
        }
    }
    if (pid < 0) {
        int saved = errno;
        cb_signals_restore(&old);
        snprintf(r->err, r->errlen, "cannot %s worker %d of %d: %s",
                 cfg->start == CB_START_SPAWN ? "spawn" : "fork", w, p, strerror(saved));
        return CB_EXIT_ERROR;
    }
    r->pids[w] = pid;
    cb_proc_register(pid);
    cb_signals_restore(&old);
    /* bound from here, before it can pass the gate: binding is part of setup */
    cb_bind_process(pid, cfg->plan[w]);
    r->pidfds[w] = (int)syscall(SYS_pidfd_open, pid, 0);
    if (r->pidfds[w] < 0) {
        snprintf(r->err, r->errlen, "pidfd_open: %s", strerror(errno));
        return CB_EXIT_ERROR;
    }
    fcntl(r->pidfds[w], F_SETFD, FD_CLOEXEC);
    close_fd(&r->res_wr[w]); /* the child's end: EOF then means the child is gone */
    return 0;
}

static int procs_run(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
                     char *err, size_t errlen)
{
    const int p = cfg->workers;
    const double t0 = cb_now();
    struct run r = {
        .job = job, .cfg = cfg, .ops = &channels[cfg->channel], .p = p, .ctl_fd = -1,
        .gate = { -1, -1 }, .ready = { -1, -1 }, .mq = (mqd_t)-1, .err = err, .errlen = errlen,
    };
    int rc = run_open(&r);
    if (rc == 0) {
        const pid_t parent = getpid();
        fflush(stdout);
        fflush(stderr);
        for (int w = 0; w < p && rc == 0; w++)
            rc = start_worker(&r, w, parent);
    }
    const double deadline = cfg->timeout > 0 ? t0 + cfg->timeout : 0;
    if (rc == 0) {
        close_fd(&r.gate[0]);
        close_fd(&r.ready[1]);
        rc = wait_phase(&r, 0, deadline);
    }
    if (rc == 0) {
        rep->t_gate = cb_now();
        close_fd(&r.gate[1]); /* EOF: every worker starts */
        rc = wait_phase(&r, 1, deadline);
    }
    if (rc == 0) {
        /* every worker reaped: the slots are final; a partial that came through the
         * channel joins its worker's timing there */
        for (int w = 0; w < p && cfg->channel != CB_CHANNEL_SHM; w++)
            r.slots[w].part = r.heads[w].part;
        cb_slots_collect(r.slots, sizeof *r.slots, p, rep);
    }
    run_cleanup(&r);
    return rc;
}

/* A spawned worker: argv is kernel size seed p w channel parent-pid. */
static int procs_worker_main(int argc, char **argv)
{
    struct cb_worker_args a;
    char err[256];
    if (cb_worker_args_parse(argc, argv, &a, err, sizeof err) < 0) {
        fprintf(stderr, "bench-procs %s\n", err);
        return CB_EXIT_USAGE;
    }
    const struct cb_kernel *k = a.kernel;
    uint64_t size = a.size, seed = a.seed;
    int p = a.p, w = a.w, ch = (int)a.channel;
    pid_t parent = (pid_t)a.parent;
    if (cb_proc_child_init(parent) < 0)
        return CB_WEXIT_INIT;
    struct cb_job job;
    int e = cb_job_prepare(&job, k, size, seed);
    if (e < 0) {
        fprintf(stderr, "bench-procs worker %d: cannot prepare %s of size %llu: %s\n", w,
                k->name, (unsigned long long)size, strerror(-e));
        return CB_WEXIT_PREPARE;
    }
    int rc = 0;
    if (job.out && ch == CB_CHANNEL_SHM && cb_job_attach_out(&job, FD_OUT) < 0)
        rc = CB_WEXIT_ATTACH;
    size_t bytes = (size_t)p * sizeof(struct cb_slot);
    struct cb_slot *slots = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, FD_CTL, 0);
    if (rc == 0 && slots == MAP_FAILED)
        rc = CB_WEXIT_SLOTS;
    if (rc == 0)
        rc = child_work(&job, slots, w, p, (enum cb_channel)ch, FD_GATE, FD_READY, FD_RESULT);
    if (slots != MAP_FAILED)
        munmap(slots, bytes);
    cb_job_cleanup(&job);
    return rc;
}

/* Memory beyond the parent's job: a spawned worker rebuilds the inputs (its own output is
 * never touched: it writes into the shared one, or into its buffer); with every channel
 * but shm the rows travel through the workers' buffers, one output in all. Forked workers
 * share the parent's pages, which they only read. */
static double procs_memory(double job, double out, const struct cb_config *cfg)
{
    double extra = cfg->channel == CB_CHANNEL_SHM ? 0 : out;
    if (cfg->start == CB_START_SPAWN)
        extra += cfg->workers * (job - out);
    return extra;
}

const struct cb_model cb_model_procs = {
    .abi = CB_MODEL_ABI,
    .name = "procs",
    .description = "worker processes created in each repetition (fork or spawn), one block "
                   "each, results through a pipe, queue, socket or shared memory",
    .flags = CB_MODEL_START | CB_MODEL_CHANNEL | CB_MODEL_TIMEOUT,
    .start = CB_START_FORK,
    .channel = CB_CHANNEL_SHM,
    .run = procs_run,
    .worker_main = procs_worker_main,
    .memory = procs_memory,
};
