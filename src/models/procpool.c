/*
 * procpool.c - a pool of worker processes created once and reused, like the course's
 * multiprocessing.Pool.map, ProcessPoolExecutor or pathos' ProcessPool.
 *
 * The pool is forked once per kernel (its creation is timed by the harness and reported as
 * pool_create_s, never inside a repetition) with as many workers as the largest worker
 * count asked for; a repetition with p workers wakes workers 0..p-1 only, the others stay
 * blocked. Tasks are chunks of the index space, handed out through a queue in shared
 * memory: the schedule's lock-free claim counter (dynamic by default, as Pool.map deals
 * chunks to whichever worker is free). Results come back in place: each worker's partial
 * in its padded slot, matmul rows in the shared output.
 *
 * Synchronisation, in the shared mapping (pwait.h): a cb_wake per worker starts it; a
 * shared counter of the workers still running and a cb_wake bumped by the last one end the
 * pass. Both sides poll before they sleep on a process-shared futex, as --wait says (auto:
 * poll CB_WAIT_SPIN_S while the workers and the waiting parent fit on the PUs, poll with
 * sched_yield when only the parent is one too many, never when the workers alone exceed
 * the PUs). The parent does not run a share itself: the workers of this model are
 * processes, and a worker that crashes must not take the parent with it. The parent waits
 * in short ticks and checks every worker's pidfd between them, so a worker that dies, or a
 * repetition past --timeout, is reported instead of waited for; a pool with a dead worker
 * is killed whole and never reused. Each repetition reports the CPU time spent polling,
 * the parent's and its workers' (cb_rep.wait_cpu). (The workers' CPU time, switches and
 * faults are counted by the harness as those of live descendants: noise.h.)
 */
#define _GNU_SOURCE
#include "bind.h"
#include "harness.h"
#include "models/slot.h"
#include "proc.h"
#include "pwait.h"
#include "timer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TICK_S 0.02 /* how often a waiting parent checks its workers' health */

struct pool_slot {
    alignas(64) struct cb_wake start;
    enum cb_wait_how how; /* how to wait after the posted pass: set before the post */
    double spun;          /* the worker's polling seconds so far, as of its last pass */
    int tasks; /* repetitions this worker has run: the fault hook fires on the first */
    struct cb_slot res; /* its `done` is set when the worker's part of the repetition is
                         * done: names the late ones when --timeout strikes */
};

struct pool_ctl {
    alignas(64) struct cb_wake done; /* bumped by the last worker of a pass */
    alignas(64) atomic_int pending;  /* workers of the pass still running */
    int shutdown;
    struct cb_sched sched;
    struct pool_slot slots[];
};

struct pool {
    const struct cb_job *job;
    struct pool_ctl *ctl;
    size_t bytes;
    int n;
    pid_t *pids;
    int *pidfds;
    int broken;
    enum cb_wait wait;
    int pus;             /* the PUs the parent may use */
    double *spun_seen;   /* [n]: each slot's `spun` as last counted */
};

static void pool_worker(const struct cb_job *job, struct pool_ctl *ctl, int w)
{
    struct pool_slot *slot = &ctl->slots[w];
    uint32_t seen = 0;
    enum cb_wait_how how = CB_HOW_SLEEP; /* before the first pass: nothing to hurry for */
    double spun = 0;
    /* any worker may claim any rows: map the whole shared output now, while the pool is
     * created, not page by page inside the passes that first touch them (proc.h) */
    cb_proc_prefault(job->out, job->out ? job->out_bytes : 0);
    for (;;) {
        cb_wake_wait(&slot->start, seen, how, 1, 0, &spun);
        seen = cb_wake_read(&slot->start);
        if (ctl->shutdown)
            _exit(0);
        how = slot->how;
        slot->spun = spun;
        if (slot->tasks++ == 0)
            cb_fault_point(w);
        cb_slot_run(&slot->res, job, &ctl->sched, w);
        __atomic_store_n(&slot->res.done, 1, __ATOMIC_RELEASE);
        if (atomic_fetch_sub_explicit(&ctl->pending, 1, memory_order_acq_rel) == 1)
            cb_wake_post(&ctl->done, 1);
    }
}

/* Kill and reap every worker: the pool is unusable from here on. */
static void pool_kill(struct pool *pl)
{
    cb_proc_kill_all(pl->pids, pl->n);
    for (int w = 0; w < pl->n; w++) {
        pl->pids[w] = -1;
        if (pl->pidfds[w] >= 0)
            close(pl->pidfds[w]);
        pl->pidfds[w] = -1;
    }
    pl->broken = 1;
}

static void procpool_close(void *p)
{
    struct pool *pl = p;
    if (!pl)
        return;
    if (!pl->broken && pl->ctl) {
        pl->ctl->shutdown = 1;
        for (int w = 0; w < pl->n; w++)
            if (pl->pids[w] > 0)
                cb_wake_post(&pl->ctl->slots[w].start, 1);
        /* a worker that does not leave within a second is killed */
        double deadline = cb_now() + 1.0;
        for (int w = 0; w < pl->n; w++) {
            while (pl->pids[w] > 0 && cb_now() < deadline) {
                if (waitpid(pl->pids[w], NULL, WNOHANG) == pl->pids[w]) {
                    cb_proc_unregister(pl->pids[w]);
                    pl->pids[w] = -1;
                } else {
                    poll(NULL, 0, 1);
                }
            }
        }
    }
    pool_kill(pl); /* whatever is left */
    if (pl->ctl)
        munmap(pl->ctl, pl->bytes);
    free(pl->spun_seen);
    free(pl->pids);
    free(pl->pidfds);
    free(pl);
}

static int procpool_open(const struct cb_job *job, const struct cb_config *cfg, int max_workers,
                         void **out, char *err, size_t errlen)
{
    struct pool *pl = calloc(1, sizeof *pl);
    if (!pl) {
        snprintf(err, errlen, "out of memory");
        return CB_EXIT_ERROR;
    }
    pl->job = job;
    pl->pids = malloc((size_t)max_workers * sizeof *pl->pids);
    pl->pidfds = malloc((size_t)max_workers * sizeof *pl->pidfds);
    pl->spun_seen = calloc((size_t)max_workers, sizeof *pl->spun_seen);
    pl->wait = (enum cb_wait)cfg->wait;
    pl->pus = cb_wait_pus();
    pl->bytes = sizeof(struct pool_ctl) + (size_t)max_workers * sizeof(struct pool_slot);
    pl->ctl = mmap(NULL, pl->bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!pl->pids || !pl->pidfds || !pl->spun_seen || pl->ctl == MAP_FAILED) {
        pl->ctl = pl->ctl == MAP_FAILED ? NULL : pl->ctl;
        snprintf(err, errlen, "cannot create the pool's shared memory: %s", strerror(errno));
        procpool_close(pl);
        return CB_EXIT_ERROR;
    }
    for (int w = 0; w < max_workers; w++) {
        pl->pids[w] = -1;
        pl->pidfds[w] = -1;
    }
    /* the mapping is zeroed: every cb_wake starts at 0, no initialisation needed */

    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    for (int w = 0; w < max_workers; w++) {
        sigset_t old;
        cb_signals_hold(&old); /* until the child is registered for the signal handler */
        pid_t pid = fork();
        if (pid == 0) {
            if (cb_proc_child_init(parent) < 0)
                _exit(CB_WEXIT_INIT);
            for (int i = 0; i < w; i++)
                close(pl->pidfds[i]);
            pool_worker(job, pl->ctl, w);
        }
        if (pid < 0) {
            int e = errno;
            cb_signals_restore(&old);
            snprintf(err, errlen, "cannot fork pool worker %d of %d: %s", w, max_workers,
                     strerror(e));
            procpool_close(pl);
            return CB_EXIT_ERROR;
        }
        pl->pids[w] = pid;
        pl->n = w + 1;
        cb_proc_register(pid);
        cb_signals_restore(&old);
        /* worker w serves every p > w at the same place: plans are prefixes (bind.h) */
        cb_bind_process(pid, cfg->order ? cfg->order[w % cfg->npus] : -1);
        pl->pidfds[w] = (int)syscall(SYS_pidfd_open, pid, 0);
    }
    *out = pl;
    return 0;
}

/* One worker's death, described, after reaping it. */
static int dead_worker(struct pool *pl, int p, char *err, size_t errlen)
{
    for (int w = 0; w < pl->n; w++) {
        int status;
        if (pl->pids[w] > 0 && waitpid(pl->pids[w], &status, WNOHANG) == pl->pids[w]) {
            char how[128];
            cb_proc_describe(status, how, sizeof how);
            snprintf(err, errlen, "pool worker %d of %d (pid %d) %s", w, p, (int)pl->pids[w],
                     how);
            cb_proc_unregister(pl->pids[w]);
            pl->pids[w] = -1;
            return 1;
        }
    }
    return 0;
}

static int procpool_run(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
                        char *err, size_t errlen)
{
    struct pool *pl = cfg->pool;
    const int p = cfg->workers;
    if (!pl || pl->broken || p > pl->n) {
        snprintf(err, errlen, "the process pool is not usable");
        return CB_EXIT_ERROR;
    }
    struct pool_ctl *ctl = pl->ctl;
    double t0 = cb_now();
    cb_sched_init(&ctl->sched, cfg->schedule, job->space, cfg->chunk, p);
    for (int w = 0; w < p; w++) {
        ctl->slots[w].res.part = (struct cb_partial){ 0 };
        ctl->slots[w].res.compute_s = 0;
        ctl->slots[w].res.done = 0;
    }
    enum cb_wait_how how = cb_wait_how(pl->wait, p, 1, pl->pus);
    atomic_store_explicit(&ctl->pending, p, memory_order_relaxed);
    uint32_t done = cb_wake_read(&ctl->done);
    double spun = 0;
    rep->t_gate = cb_now();
    for (int w = 0; w < p; w++) {
        ctl->slots[w].how = how;
        cb_wake_post(&ctl->slots[w].start, 1);
    }

    while (cb_wake_wait(&ctl->done, done, how, 1, TICK_S, &spun) != 0) {
        /* a tick passed: from here on sleep between checks, unless told to poll for ever */
        if (how != CB_HOW_SPIN_FOREVER && how != CB_HOW_YIELD_FOREVER)
            how = CB_HOW_SLEEP;
        int finished = p - atomic_load_explicit(&ctl->pending, memory_order_acquire);
        if (dead_worker(pl, p, err, errlen)) {
            pool_kill(pl);
            return CB_EXIT_WORKER;
        }
        if (cfg->timeout > 0 && cb_now() - t0 > cfg->timeout) {
            char late[96] = "";
            size_t used = 0;
            for (int w = 0; w < p && used < sizeof late - 12; w++)
                if (!__atomic_load_n(&ctl->slots[w].res.done, __ATOMIC_ACQUIRE))
                    used += (size_t)snprintf(late + used, sizeof late - used, "%s%d",
                                             used ? ", " : "", w);
            snprintf(err, errlen, "timed out after %.3g s: %d of %d pool workers had not "
                     "finished (%s %s); the pool was killed", cfg->timeout, p - finished, p,
                     p - finished == 1 ? "worker" : "workers", late);
            pool_kill(pl);
            return CB_EXIT_WORKER;
        }
    }
    rep->wait_cpu = spun;
    for (int w = 0; w < p; w++) {
        rep->wait_cpu += ctl->slots[w].spun - pl->spun_seen[w];
        pl->spun_seen[w] = ctl->slots[w].spun;
    }
    cb_slots_collect(&ctl->slots[0].res, sizeof ctl->slots[0], p, rep);
    return 0;
}

const struct cb_model cb_model_procpool = {
    .abi = CB_MODEL_ABI,
    .name = "procpool",
    .description = "a pool of forked worker processes created once, chunks of the index space "
                   "handed out through a shared queue (like Pool.map)",
    .flags = CB_MODEL_SCHEDULE | CB_MODEL_TIMEOUT | CB_MODEL_WAIT,
    .start = CB_START_FORK,
    .channel = CB_CHANNEL_SHM,
    .schedule = CB_SCHED_DYNAMIC,
    .run = procpool_run,
    .open = procpool_open,
    .close = procpool_close,
};
