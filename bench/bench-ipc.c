/*
 * bench-ipc - what moving data between two workers costs through each channel the course
 * names (issue 7, part 2): round-trip latency and one-way bandwidth, for a small and a
 * large payload, between two threads and between two processes, in the way of lmbench's
 * lat_pipe/bw_pipe.
 *
 *   channel   what it is                                course construct
 *   pipe      two pipes, one per direction              multiprocessing.Pipe (duplex=False x2)
 *   mqueue    two POSIX message queues, one per         multiprocessing.Queue
 *             direction; a message holds at most
 *             /proc/sys/fs/mqueue/msgsize_max bytes
 *             (8 KiB by default), so a larger payload
 *             travels in chunks of that size
 *   socket    a Unix-domain stream socketpair           Pipe() (duplex), Manager connections
 *   shm       anonymous shared memory: per direction a  Value/Array with a Lock, or
 *             ring of max(4, 64 KiB / payload) slots    shared_memory + a Semaphore
 *             of the payload's size (a pipe buffers
 *             64 KiB), a process-shared semaphore
 *             counting full slots and one counting
 *             empty ones; the payload is copied in
 *             and copied out
 *
 * Worker A (the calling thread) talks to worker B (a thread, or a forked child).
 *   round-trip  A sends the payload, B sends it back: us per round trip
 *   bandwidth   A streams `inner` payloads, B receives them and answers once: MiB/s
 * Every message carries its sequence number in its first 8 bytes, and the peer checks it:
 * a channel that loses, repeats or reorders a message fails the run (exit 3).
 *
 * Nothing named outlives its opening: each message queue's name is unlinked right after
 * mq_open (the descriptors, inherited by the forked peer, are all that is used), and the
 * shared memory is anonymous. Nothing ever appears in /dev/mqueue or /dev/shm. No
 * reference is subtracted: the round trip is the construct, and the timing loop's own
 * cost (a few ns) is far below its resolution here.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "micro.h"
#include "proc.h"
#include "timer.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CH_PIPE, CH_MQUEUE, CH_SOCKET, CH_SHM, CH_N };
static const char *const names[] = { "pipe", "mqueue", "socket", "shm", NULL };

#define SHM_RING_BYTES 65536 /* what a pipe buffers: a ring holds at least this much ... */
#define SHM_MIN_SLOTS 4      /* ... and at least this many messages */
#define MAX_PAYLOAD (UINT64_C(1) << 30)

enum { MODE_ECHO, MODE_SINK, MODE_STOP };

/* One direction of the shared-memory channel: a ring of slots. The sender alone moves
 * `head`, the receiver alone `tail` (each keeps its own copy); the semaphores carry the
 * hand-over, so a slot is never read before it is full nor written before it is empty. */
struct shm_dir {
    sem_t full, empty;
};

/* What both workers share (in shared memory, so a forked B sees A's writes). */
struct ipc_ctl {
    atomic_int mode;
    atomic_uint_fast64_t count; /* messages in a bandwidth sample */
    struct shm_dir dir[2];
    /* then the slots: dir[d] slot s at slots + (d * nslots + s) * cap */
};

struct chan {
    int kind;
    int pipes[2][2];          /* pipes[d]: direction d (0: A to B, 1: B to A) */
    int sv[2];                /* socketpair: A uses sv[0], B sv[1] */
    mqd_t mq[2];              /* mq[d]: direction d */
    long mq_msgsize;
    struct ipc_ctl *ctl;
    size_t ctl_bytes, cap;
    size_t nslots;             /* shm: slots of the ring of each direction */
    char *slots;
    struct {
        alignas(64) unsigned head, tail;
    } pos[2];                  /* shm, per side: its next slot to fill (in the direction it
                                * sends) and to empty (in the one it receives); each side
                                * touches only its own, on its own cache line */
    struct cb_team *team;      /* A's side with a forked B: to notice B's death */
    double timeout;
};

/* ---- the channel ------------------------------------------------------------------- */

/* Between ticks of a blocked wait: has the peer died, or has the wait lasted too long? */
static int stalled(struct chan *c, double since, char *err, size_t errlen)
{
    int rc = c->team ? cb_team_check(c->team, err, errlen) : 0;
    if (rc)
        return rc;
    if (cb_now() - since > c->timeout) {
        snprintf(err, errlen, "%s: no progress for %.3g s: the peer is hung", names[c->kind],
                 c->timeout);
        if (c->team)
            cb_team_kill(c->team);
        return CB_EXIT_WORKER;
    }
    return 0;
}

/* A timed wait (`what`, the call) came back without its object, errno saying why: a tick
 * went by or a signal came (0: wait again, unless the peer died or hung), or the call
 * failed (CB_EXIT_ERROR). *since is when the waiting began, set at its first tick. */
static int wait_again(struct chan *c, const char *what, double *since, char *err,
                      size_t errlen)
{
    if (errno != ETIMEDOUT && errno != EINTR) {
        snprintf(err, errlen, "%s: %s", what, strerror(errno));
        return CB_EXIT_ERROR;
    }
    if (*since == 0)
        *since = cb_now();
    return stalled(c, *since, err, errlen);
}

static int write_all(int fd, const char *buf, size_t len, int sock, char *err, size_t errlen)
{
    while (len) {
        ssize_t n = sock ? send(fd, buf, len, MSG_NOSIGNAL) : write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: %s", sock ? "send" : "write", strerror(errno));
            return CB_EXIT_WORKER;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, char *buf, size_t len, char *err, size_t errlen)
{
    while (len) {
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "read: %s", n == 0 ? "the peer closed its end"
                                                     : strerror(errno));
            return CB_EXIT_WORKER;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int sem_wait_peer(struct chan *c, sem_t *s, char *err, size_t errlen)
{
    double since = 0;
    for (;;) {
        /* sem_timedwait: ThreadSanitizer knows it as an acquire (not sem_clockwait) */
        struct timespec ts = cb_tick_deadline();
        if (sem_timedwait(s, &ts) == 0)
            return 0;
        int rc = wait_again(c, "sem_timedwait", &since, err, errlen);
        if (rc)
            return rc;
    }
}

/* A payload through direction d of the shared-memory ring, a slot at a time, by `side`:
 * sent from `from` when `to` is NULL (wait for an empty slot, fill it at the side's head,
 * post it full), else received into `to` (wait for a full slot, empty it at the side's
 * tail, post it empty). */
static int shm_pass(struct chan *c, int side, int d, const char *from, char *to, size_t len,
                    char *err, size_t errlen)
{
    struct shm_dir *dir = &c->ctl->dir[d];
    unsigned *pos = to ? &c->pos[side].tail : &c->pos[side].head;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < c->cap ? len - off : c->cap;
        int rc = sem_wait_peer(c, to ? &dir->full : &dir->empty, err, errlen);
        if (rc)
            return rc;
        char *slot = c->slots + ((size_t)d * c->nslots + *pos) * c->cap;
        if (to)
            memcpy(to + off, slot, n);
        else
            memcpy(slot, from + off, n);
        *pos = (*pos + 1) % c->nslots;
        sem_post(to ? &dir->empty : &dir->full);
        off += n;
    }
    return 0;
}

static int ch_send(struct chan *c, int side, const char *buf, size_t len, char *err,
                   size_t errlen)
{
    int d = side; /* A (side 0) sends on direction 0, B on direction 1 */
    switch (c->kind) {
    case CH_PIPE:
        return write_all(c->pipes[d][1], buf, len, 0, err, errlen);
    case CH_SOCKET:
        return write_all(c->sv[side], buf, len, 1, err, errlen);
    case CH_MQUEUE:
        for (size_t off = 0; off < len;) {
            size_t n = len - off < (size_t)c->mq_msgsize ? len - off : (size_t)c->mq_msgsize;
            double since = 0;
            for (;;) {
                struct timespec ts = cb_tick_deadline();
                if (mq_timedsend(c->mq[d], buf + off, n, 0, &ts) == 0)
                    break;
                int rc = wait_again(c, "mq_send", &since, err, errlen);
                if (rc)
                    return rc;
            }
            off += n;
        }
        return 0;
    case CH_SHM:
        return shm_pass(c, side, d, buf, NULL, len, err, errlen);
    default:
        return CB_EXIT_ERROR;
    }
}

static int ch_recv(struct chan *c, int side, char *buf, size_t len, char *scratch, char *err,
                   size_t errlen)
{
    int d = 1 - side; /* A receives on direction 1, B on direction 0 */
    switch (c->kind) {
    case CH_PIPE:
        return read_all(c->pipes[d][0], buf, len, err, errlen);
    case CH_SOCKET:
        return read_all(c->sv[side], buf, len, err, errlen);
    case CH_MQUEUE:
        for (size_t off = 0; off < len;) {
            /* mq_receive needs room for a whole message: a short tail goes through scratch */
            size_t want = len - off;
            int direct = want >= (size_t)c->mq_msgsize;
            char *to = direct ? buf + off : scratch;
            ssize_t n;
            double since = 0;
            for (;;) {
                struct timespec ts = cb_tick_deadline();
                n = mq_timedreceive(c->mq[d], to, (size_t)c->mq_msgsize, NULL, &ts);
                if (n >= 0)
                    break;
                int rc = wait_again(c, "mq_receive", &since, err, errlen);
                if (rc)
                    return rc;
            }
            if ((size_t)n > want) {
                snprintf(err, errlen, "mqueue: a message of %zd bytes where %zu were due", n,
                         want);
                return CB_EXIT_VERIFY;
            }
            if (!direct)
                memcpy(buf + off, scratch, (size_t)n);
            off += (size_t)n;
        }
        return 0;
    case CH_SHM:
        return shm_pass(c, side, d, NULL, buf, len, err, errlen);
    default:
        return CB_EXIT_ERROR;
    }
}

static long read_long(const char *path, long fallback)
{
    FILE *f = fopen(path, "r");
    long v = fallback;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = fallback;
        fclose(f);
    }
    return v;
}

static void ch_close(struct chan *c)
{
    for (int d = 0; d < 2; d++)
        for (int e = 0; e < 2; e++)
            if (c->pipes[d][e] >= 0)
                close(c->pipes[d][e]);
    for (int e = 0; e < 2; e++)
        if (c->sv[e] >= 0)
            close(c->sv[e]);
    for (int d = 0; d < 2; d++)
        if (c->mq[d] != (mqd_t)-1)
            mq_close(c->mq[d]);
    if (c->ctl) {
        for (int d = 0; d < 2; d++) {
            sem_destroy(&c->ctl->dir[d].full);
            sem_destroy(&c->ctl->dir[d].empty);
        }
        cb_shared_free(c->ctl, c->ctl_bytes);
    }
    c->ctl = NULL;
}

/* Open a channel for payloads of `len` bytes. 0 or CB_EXIT_ERROR with one line in err. */
static int ch_open(struct chan *c, int kind, size_t len, double timeout, char *err,
                   size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->timeout = timeout;
    c->pipes[0][0] = c->pipes[0][1] = c->pipes[1][0] = c->pipes[1][1] = -1;
    c->sv[0] = c->sv[1] = -1;
    c->mq[0] = c->mq[1] = (mqd_t)-1;
    c->cap = kind == CH_SHM ? len : 0;
    c->nslots = kind == CH_SHM && SHM_RING_BYTES / len > SHM_MIN_SLOTS ? SHM_RING_BYTES / len
                                                                 : SHM_MIN_SLOTS;
    c->ctl_bytes = sizeof(struct ipc_ctl) + 64 + 2 * c->nslots * c->cap;
    c->ctl = cb_shared_alloc(c->ctl_bytes);
    if (!c->ctl) {
        snprintf(err, errlen, "cannot map shared memory: %s", strerror(errno));
        return CB_EXIT_ERROR;
    }
    c->slots = (char *)c->ctl + ((sizeof(struct ipc_ctl) + 63) / 64) * 64;
    atomic_init(&c->ctl->mode, MODE_ECHO);
    atomic_init(&c->ctl->count, 0);
    for (int d = 0; d < 2; d++)
        if (sem_init(&c->ctl->dir[d].full, 1, 0) < 0 ||
            sem_init(&c->ctl->dir[d].empty, 1, (unsigned)c->nslots) < 0) {
            snprintf(err, errlen, "sem_init: %s", strerror(errno));
            return CB_EXIT_ERROR;
        }
    switch (kind) {
    case CH_PIPE:
        for (int d = 0; d < 2; d++)
            if (pipe2(c->pipes[d], O_CLOEXEC) < 0) {
                snprintf(err, errlen, "pipe: %s", strerror(errno));
                return CB_EXIT_ERROR;
            }
        return 0;
    case CH_SOCKET:
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->sv) < 0) {
            snprintf(err, errlen, "socketpair: %s", strerror(errno));
            return CB_EXIT_ERROR;
        }
        return 0;
    case CH_MQUEUE: {
        long maxmsg = read_long("/proc/sys/fs/mqueue/msg_max", 10);
        c->mq_msgsize = read_long("/proc/sys/fs/mqueue/msgsize_max", 8192);
        struct mq_attr attr = { .mq_maxmsg = maxmsg < 10 ? maxmsg : 10,
                                .mq_msgsize = c->mq_msgsize };
        for (int d = 0; d < 2; d++) {
            static unsigned serial;
            char name[64];
            snprintf(name, sizeof name, "/cb-ipc-%d-%u", (int)getpid(), serial++);
            /* the name lives only between mq_open and mq_unlink; a signal in between
             * unlinks it through the registry */
            c->mq[d] = cb_proc_mq_open(name, O_CLOEXEC, &attr, err, errlen);
            if (c->mq[d] == (mqd_t)-1)
                return CB_EXIT_ERROR;
        }
        return 0;
    }
    case CH_SHM:
        return 0;
    default:
        return CB_EXIT_ERROR;
    }
}

/* After fork: each side closes the other's ends, so a dead peer reads as end of file. */
static void ch_keep_side(struct chan *c, int side)
{
    if (c->kind == CH_PIPE) {
        /* A writes pipes[0][1] and reads pipes[1][0]; B the other two */
        int close_w = side == 0 ? 1 : 0, close_r = side == 0 ? 0 : 1;
        close(c->pipes[close_w][1]);
        close(c->pipes[close_r][0]);
        c->pipes[close_w][1] = c->pipes[close_r][0] = -1;
    } else if (c->kind == CH_SOCKET) {
        close(c->sv[1 - side]);
        c->sv[1 - side] = -1;
    }
}

/* ---- the two workers --------------------------------------------------------------- */

struct ipc {
    const struct cb_mopts *o;
    struct chan ch;
    int processes;
    size_t len;
    char *buf, *scratch;
    uint64_t seq;        /* A's next sequence number */
    int plan[2];         /* the --bind plan for 2: A (the caller) on plan[0], B on plan[1] */
    struct cb_where *where; /* [2], shared: where A and B ran */
};

static void *alloc_buf(size_t len)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, len < 64 ? 64 : len) != 0)
        return NULL;
    memset(p, 0x5a, len);
    return p;
}

static uint64_t seq_of(const char *buf)
{
    uint64_t s;
    memcpy(&s, buf, sizeof s);
    return s;
}

static void set_seq(char *buf, uint64_t s)
{
    memcpy(buf, &s, sizeof s);
}

/* Worker B: echo, or sink a stream and answer with the number of messages that arrived in
 * order, until told to stop. Returns 0, or a CB_EXIT_* status. */
static int peer_main(int w, void *arg)
{
    struct ipc *x = arg;
    struct chan *c = &x->ch;
    (void)w;
    if (x->processes)
        ch_keep_side(c, 1);
    char err[256];
    char *buf = alloc_buf(x->len), *scratch = alloc_buf((size_t)c->mq_msgsize + 64);
    if (!buf || !scratch) {
        free(buf);
        free(scratch);
        return CB_EXIT_ERROR;
    }
    uint64_t expect = 0;
    int rc = 0;
    /* where B ran: one sched_getcpu per message handled, each message's end the next
     * one's start (a few ns against a round trip of microseconds) */
    int cpu = cb_current_cpu();
    for (;;) {
        if ((rc = ch_recv(c, 1, buf, x->len, scratch, err, sizeof err)) != 0)
            break;
        int now = cb_current_cpu(); /* noted before B answers: A reads it after */
        cb_where_note(&x->where[1], x->plan[1], cpu, now);
        cpu = now;
        int mode = atomic_load(&c->ctl->mode);
        if (mode == MODE_STOP)
            break;
        uint64_t good = seq_of(buf) == expect++;
        if (mode == MODE_ECHO) {
            if ((rc = ch_send(c, 1, buf, x->len, err, sizeof err)) != 0)
                break;
            continue;
        }
        uint64_t n = atomic_load(&c->ctl->count);
        for (uint64_t i = 1; i < n && rc == 0; i++) {
            rc = ch_recv(c, 1, buf, x->len, scratch, err, sizeof err);
            good += seq_of(buf) == expect++;
        }
        char ack[8];
        set_seq(ack, good);
        if (rc == 0)
            rc = ch_send(c, 1, ack, sizeof ack, err, sizeof err);
        if (rc != 0)
            break;
    }
    if (rc != 0)
        fprintf(stderr, "bench-ipc: peer: %s\n", err);
    free(buf);
    free(scratch);
    return rc;
}

static int op_roundtrip(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ipc *x = ctx;
    struct chan *c = &x->ch;
    atomic_store(&c->ctl->mode, MODE_ECHO);
    int cpu0 = cb_current_cpu();
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        uint64_t s = x->seq++;
        set_seq(x->buf, s);
        int rc = ch_send(c, 0, x->buf, x->len, err, errlen);
        if (rc == 0)
            rc = ch_recv(c, 0, x->buf, x->len, x->scratch, err, errlen);
        if (rc != 0)
            return rc;
        if (seq_of(x->buf) != s) {
            snprintf(err, errlen, "%s: round trip %llu came back as %llu", names[c->kind],
                     (unsigned long long)s, (unsigned long long)seq_of(x->buf));
            return CB_EXIT_VERIFY;
        }
    }
    *seconds = cb_now() - t0;
    cb_where_note(&x->where[0], x->plan[0], cpu0, cb_current_cpu());
    return 0;
}

static int op_stream(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ipc *x = ctx;
    struct chan *c = &x->ch;
    /* mode and count are set before the first message, which B reads them after */
    atomic_store(&c->ctl->count, inner);
    atomic_store(&c->ctl->mode, MODE_SINK);
    int cpu0 = cb_current_cpu();
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        set_seq(x->buf, x->seq++);
        int rc = ch_send(c, 0, x->buf, x->len, err, errlen);
        if (rc != 0)
            return rc;
    }
    char ack[8];
    int rc = ch_recv(c, 0, ack, sizeof ack, x->scratch, err, errlen);
    *seconds = cb_now() - t0;
    cb_where_note(&x->where[0], x->plan[0], cpu0, cb_current_cpu());
    if (rc != 0)
        return rc;
    if (seq_of(ack) != inner) {
        snprintf(err, errlen, "%s: %llu of %llu streamed messages arrived in order",
                 names[c->kind], (unsigned long long)seq_of(ack), (unsigned long long)inner);
        return CB_EXIT_VERIFY;
    }
    return 0;
}

static int run_config(struct ipc *x, int kind, struct cb_mout *out, double *vals, char *err,
                      size_t errlen)
{
    const struct cb_mopts *o = x->o;
    struct chan *c = &x->ch;
    int rc = ch_open(c, kind, x->len, o->timeout, err, errlen);
    x->buf = alloc_buf(x->len);
    x->scratch = alloc_buf((size_t)(c->mq_msgsize > 0 ? c->mq_msgsize : 64) + 64);
    x->seq = 0;
    if (rc == 0 && (!x->buf || !x->scratch)) {
        snprintf(err, errlen, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    struct cb_team team;
    memset(&team, 0, sizeof team);
    int started = 0;
    /* A is the calling thread, bound to the plan's first PU while it measures (as the
     * threadpool model binds its caller, worker 0); B binds itself to the second */
    struct cb_pin pin = { 0 };
    cb_where_reset(x->where, 2);
    cb_caller_pin(&pin, x->plan[0]);
    if (rc == 0) {
        rc = cb_team_start_placed(&team, x->processes, 1, x->plan + 1, peer_main, x,
                                  o->timeout, err, errlen);
        started = 1;
        if (rc != 0)
            rc = CB_EXIT_ERROR;
    }
    if (rc == 0 && x->processes) {
        ch_keep_side(c, 0);
        c->team = &team;
    }
    char note[160] = "";
    if (kind == CH_MQUEUE)
        snprintf(note, sizeof note, "messages of at most %ld bytes (msgsize_max): %zu "
                 "chunk%s per payload", c->mq_msgsize,
                 (x->len + (size_t)c->mq_msgsize - 1) / (size_t)c->mq_msgsize,
                 x->len > (size_t)c->mq_msgsize ? "s" : "");
    else if (kind == CH_SHM)
        snprintf(note, sizeof note, "ring of %zu slots per direction; pshared semaphores; "
                 "copied in and out", c->nslots);
    const char *between = x->processes ? "processes" : "threads";
    for (int metric = 0; metric < 2 && rc == 0; metric++) {
        uint64_t inner = 0;
        cb_where_reset(x->where, 2); /* each row its own record */
        rc = cb_measure(o, metric == 0 ? op_roundtrip : op_stream, NULL, x, &inner, vals,
                        NULL, err, errlen);
        if (rc != 0)
            break;
        for (int r = 0; r < o->reps; r++)
            vals[r] = metric == 0 ? vals[r] * 1e6 : (double)x->len / vals[r] / 1048576.0;
        struct cb_mrow row = {
            .bench = "ipc", .construct = names[kind], .between = between,
            .metric = metric == 0 ? "round-trip" : "bandwidth",
            .unit = metric == 0 ? "us/round-trip" : "MiB/s", .size = (long long)x->len,
            .workers = 2, .inner = inner, .note = note[0] ? note : NULL, .vals = vals,
            .n = (size_t)o->reps, .plan = x->plan, .where = x->where, .nplan = 2,
        };
        if (cb_mout_row(out, &row) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = CB_EXIT_ERROR;
        }
    }
    if (started) {
        if (rc == 0) {
            /* tell B to stop: the mode first, then one last message it reads it after */
            atomic_store(&c->ctl->mode, MODE_STOP);
            set_seq(x->buf, x->seq);
            rc = ch_send(c, 0, x->buf, x->len, err, errlen);
        } else {
            cb_team_kill(&team);
        }
        if (rc != 0 && !x->processes)
            return rc; /* B may be blocked on the channel: leave all as is, the process
                        * is about to exit */
        int jrc = cb_team_join(&team, rc == 0 ? err : NULL, rc == 0 ? errlen : 0);
        if (rc == 0)
            rc = jrc;
    }
    cb_caller_unpin(&pin);
    c->team = NULL;
    ch_close(c);
    free(x->buf);
    free(x->scratch);
    x->buf = x->scratch = NULL;
    return rc;
}

int main(int argc, char **argv)
{
    static const struct cb_mspec spec = {
        .prog = "bench-ipc",
        .purpose = "Round-trip latency and one-way bandwidth of a pipe, a POSIX message "
                   "queue, a Unix socket and shared memory with a process-shared semaphore, "
                   "between two threads and between two processes",
        .names = names,
        .flags = CB_MOPT_SIZES | CB_MOPT_BETWEEN,
        .default_sizes = "8,1Mi",
        .quick_sizes = "8,1Mi",
        .sizes_meaning = "payload bytes: a message carries its 8-byte sequence number",
        .size_min = 8,
        .size_max = MAX_PAYLOAD,
        .help_extra = "A message queue carries at most /proc/sys/fs/mqueue/msgsize_max bytes "
                      "per message\n(8 KiB by default): a larger payload travels in chunks.\n",
    };
    struct cb_mopts o;
    struct cb_mout *out;
    int rc = cb_micro_start(argc, argv, &spec, &o, &out);
    if (!out)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a dead peer is an error return, not a signal */
    double *vals = malloc((size_t)o.reps * sizeof *vals);
    char err[512] = "";
    if (!vals) {
        snprintf(err, sizeof err, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    struct ipc x = { .o = &o };
    x.where = cb_where_alloc(2);
    if (rc == 0 && (!x.where || cb_micro_plan(&o, 2, x.plan) < 0)) {
        snprintf(err, sizeof err, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    for (int kind = 0; kind < CH_N && rc == 0; kind++) {
        if (!cb_micro_selected(&o, kind))
            continue;
        for (int proc = 0; proc < 2 && rc == 0; proc++) {
            if (!(o.between & (proc ? CB_BETWEEN_PROCESSES : CB_BETWEEN_THREADS)))
                continue;
            x.processes = proc;
            for (size_t s = 0; s < o.nsizes && rc == 0; s++) {
                x.len = (size_t)o.sizes[s];
                rc = run_config(&x, kind, out, vals, err, sizeof err);
            }
        }
    }
    rc = cb_micro_finish(out, rc, err);
    cb_where_free(x.where, 2);
    free(vals);
    return rc;
}
