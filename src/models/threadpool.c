/*
 * threadpool.c - a persistent pool of POSIX threads, as the course's ThreadPoolExecutor:
 * the workers are created once per kernel (the open hook, timed apart by the harness and
 * reported as pool_create_s) and reused by every repetition; a repetition is one pass of
 * the pool (src/pool.h) in which workers 0..p-1 run the shared worker body, claiming
 * their slices from the schedule (lock-free for dynamic and guided), while the pool's
 * other workers stay asleep.
 *
 * Each worker writes its partial, its compute time and the instant it finished into its
 * own cache-line-padded slot; the caller combines them after the pass. The start gate is
 * the pass's release: the workers already wait in the pool, so setup is only the post.
 *
 * The calling thread runs worker 0 of every pass, as OpenMP's master thread does (pool.h,
 * caller_joins): at p = 1 nothing is handed over, and at p workers only p - 1 threads are
 * woken. With a --bind plan it is bound to worker 0's PU for the pool's life (libgomp binds
 * its master to the first place likewise) and unbound again when the pool is closed. The
 * pool waits as --wait says (pwait.h), and each repetition reports the CPU time its
 * threads spent polling (cb_rep.wait_cpu).
 *
 * Faults (fault.h): every pool thread maps its alternate signal stack once, in the start
 * hook, so a crash is reported with the worker's number; a worker whose thread ends inside
 * a pass (pthread_exit) is reported by the pool (pool.h: -EOWNERDEAD) and fails the run,
 * and the pool refuses any later pass that needs it; a hang is the --timeout watchdog's.
 * A pthread_exit on the calling thread would end the harness's main thread, so when
 * CB_FAULT asks for an exit the pool keeps a thread of its own for worker 0.
 */
#define _GNU_SOURCE
#include "bind.h"
#include "fault.h"
#include "harness.h"
#include "models/slot.h"
#include "pool.h"
#include "timer.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What open() creates: the pool and one slot per worker it has. */
struct tpool {
    struct cb_pool *pool;
    int max;
    struct cb_slot *slots; /* [max] */
    int pinned;         /* the caller was bound to worker 0's PU: `saved` is its old mask */
    cpu_set_t saved;
};

/* One repetition's work, shared by the workers of the pass; lives on the caller's stack
 * for the duration of cb_pool_run. */
struct pass {
    const struct cb_job *job;
    struct cb_sched sched;
    struct cb_slot *slots;
};

static int pass_worker(int w, void *arg)
{
    struct pass *ps = arg;
    struct cb_slot *s = &ps->slots[w];
    cb_fault_worker_begin(w);
    cb_fault_thread_point(w);
    cb_slot_run(s, ps->job, &ps->sched, w);
    cb_fault_worker_end(w);
    return 0;
}

/* The per-worker start hook, run once on each worker's own thread before its first pass:
 * bind worker w to order[w % npus]. A plan for p workers is a prefix of the plan for more
 * (bind.h), so the pool bound once for its largest size is bound right for every p. A
 * binding that fails is not fatal: the placement check reports it as moved. */
static int worker_start(int w, void *arg)
{
    const struct cb_config *cfg = arg;
    cb_fault_stack_keep();
    if (cfg->order)
        cb_bind_thread(cfg->order[w % cfg->npus]);
    return 0;
}

static void threadpool_close(void *p)
{
    struct tpool *tp = p;
    if (!tp)
        return;
    cb_pool_destroy(tp->pool);
    if (tp->pinned)
        pthread_setaffinity_np(pthread_self(), sizeof tp->saved, &tp->saved);
    free(tp->slots);
    free(tp);
}

static int threadpool_open(const struct cb_job *job, const struct cb_config *cfg,
                           int max_workers, void **out, char *err, size_t errlen)
{
    (void)job;
    *out = NULL;
    struct tpool *tp = calloc(1, sizeof *tp);
    struct cb_slot *slots = aligned_alloc(alignof(struct cb_slot),
                                       (size_t)max_workers * sizeof *slots);
    if (!tp || !slots) {
        free(tp);
        free(slots);
        snprintf(err, errlen, "threadpool: out of memory for %d workers", max_workers);
        return CB_EXIT_ERROR;
    }
    tp->max = max_workers;
    tp->slots = slots;
    char perr[256];
    /* cfg lives through the call: the start hooks have all run when cb_pool_create returns */
    struct cb_pool_opts opts = {
        .wait = (enum cb_wait)cfg->wait,
        .caller_joins = !cb_fault_wanted("exit"),
    };
    int rc = cb_pool_create_opts(&tp->pool, max_workers, &opts, worker_start, (void *)cfg,
                                 perr, sizeof perr);
    if (rc < 0) {
        snprintf(err, errlen, "threadpool: %s", perr);
        threadpool_close(tp);
        return CB_EXIT_ERROR;
    }
    if (opts.caller_joins && cfg->order &&
        pthread_getaffinity_np(pthread_self(), sizeof tp->saved, &tp->saved) == 0) {
        tp->pinned = 1;
        cb_bind_thread(cfg->order[0]);
    }
    *out = tp;
    return 0;
}

static int threadpool_run(const struct cb_job *job, const struct cb_config *cfg,
                          struct cb_rep *rep, char *err, size_t errlen)
{
    struct tpool *tp = cfg->pool;
    const int p = cfg->workers;
    if (!tp || p < 1 || p > tp->max) {
        snprintf(err, errlen, "threadpool: %d workers asked of a pool of %d", p,
                 tp ? tp->max : 0);
        return CB_EXIT_ERROR;
    }
    struct pass ps = { .job = job, .slots = tp->slots };
    memset(tp->slots, 0, (size_t)p * sizeof *tp->slots);
    cb_sched_init(&ps.sched, cfg->schedule, job->space, cfg->chunk, p);

    double waited = cb_pool_wait_cpu(tp->pool);
    rep->t_gate = cb_now();
    int rc = cb_pool_run(tp->pool, p, pass_worker, &ps);
    rep->wait_cpu = cb_pool_wait_cpu(tp->pool) - waited;
    if (rc == -EOWNERDEAD) {
        snprintf(err, errlen, "threadpool: worker %d of %d ended its thread before finishing "
                 "its work (pthread_exit): its part of the result is missing, and the pool "
                 "cannot run without it", cb_pool_failed(tp->pool), p);
        return CB_EXIT_WORKER;
    }
    if (rc < 0) {
        snprintf(err, errlen, "threadpool: a pass of %d workers failed: %s", p, strerror(-rc));
        return CB_EXIT_ERROR;
    }
    /* the pass is over: every slot of workers 0..p-1 is final */
    cb_slots_collect(tp->slots, sizeof *tp->slots, p, rep);
    return 0;
}

const struct cb_model cb_model_threadpool = {
    .abi = CB_MODEL_ABI,
    .name = "threadpool",
    .description = "a pool of POSIX threads created once per kernel and reused by every "
                   "repetition (ThreadPoolExecutor)",
    .flags = CB_MODEL_SCHEDULE | CB_MODEL_WATCHDOG | CB_MODEL_WAIT,
    .run = threadpool_run,
    .open = threadpool_open,
    .close = threadpool_close,
};
