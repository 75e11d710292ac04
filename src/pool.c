/*
 * pool.c - see pool.h.
 *
 * Each worker has a mailbox on its own cache lines. The caller's line holds a cb_wake
 * (pwait.h: a sequence number the worker waits on, spinning then sleeping), the posted
 * pass's function and argument, and how the worker is to wait after that pass. A pass
 * writes them into the mailboxes of workers 0..p-1 only and bumps each one's number, so the
 * other workers are never woken. The worker's own line holds what it reports: its result,
 * whether it died, the seconds it has spent polling.
 *
 * The end of a pass: `pending` counts the pool threads of the pass still running. Each
 * worker writes its result, then decrements `pending` (acquire-release); the one that
 * brings it to zero bumps `done`, on which the caller waits (acquire). So everything the
 * pass wrote is visible to the caller when cb_pool_run returns, and no worker touches the
 * pass's data after that. A worker may still be inside the futex wake of that post when the
 * next pass starts: the caller's next wait takes it for a spurious wake-up, and
 * cb_pool_destroy joins every worker before freeing anything. With caller_joins the caller
 * runs worker 0's share between posting and waiting, and a pass of one worker posts
 * nothing.
 *
 * A worker whose thread ends inside a pass (pthread_exit, or cancellation) runs a cleanup
 * handler on its way out: it marks its mailbox dead with -EOWNERDEAD as its result and
 * still decrements `pending`, so the pass ends and the caller hears of it. A later pass
 * that needs a dead worker fails at once, before posting anything, instead of waiting for
 * a thread that is gone; cb_pool_destroy joins dead threads like the others.
 *
 * Valgrind's Helgrind and DRD know pthread calls but not C11 atomics or futexes: they take
 * the sequence numbers, `pending` and `busy` for plain variables shared without a lock, and
 * cannot see the edges they make (caller to worker through a mailbox's number, every
 * worker to the caller through `pending`). Where its header is installed, the pool tells
 * them both (client requests: a few no-op instructions when not under Valgrind);
 * tests/valgrind.sh runs the pool's test under both.
 *
 * Start-up still uses the pool's mutex and condition variable (once per pool). Pthread
 * calls that cannot fail on a valid, initialised object abort with a message if they do:
 * that is a bug, not a condition to handle.
 */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/helgrind.h>)
#include <valgrind/helgrind.h>
#endif
#endif
#ifndef ANNOTATE_HAPPENS_BEFORE
#define ANNOTATE_HAPPENS_BEFORE(obj) ((void)(obj))
#define ANNOTATE_HAPPENS_AFTER(obj) ((void)(obj))
#define VALGRIND_HG_DISABLE_CHECKING(addr, len) ((void)(addr), (void)(len))
#define VALGRIND_HG_ENABLE_CHECKING(addr, len) ((void)(addr), (void)(len))
#endif

struct mailbox {
    /* the caller's line: written before the post, read by the worker after it */
    alignas(64) struct cb_wake go;
    cb_pool_fn fn;          /* the posted pass's function and argument */
    void *arg;
    enum cb_wait_how how;   /* how to wait after the posted pass */
    int stop;               /* leave at once */
    /* the worker's line: written during a pass, read by the caller after it */
    alignas(64) int rc;     /* the worker's last result */
    int dead;               /* its thread ended inside a pass */
    double spun;            /* seconds it has polled so far, as of its last pass */
    /* the caller's own */
    double spun_seen;       /* `spun` as last added to the pool's total */
    int w;
    pthread_t tid;
    struct cb_pool *pool;
};

struct cb_pool {
    int n;
    int first;                   /* 1 with caller_joins: worker 0 has no thread */
    struct mailbox *mb;          /* [n] */
    enum cb_wait wait;
    int pus;
    cb_pool_fn start;            /* the per-worker start hook, or NULL */
    void *start_arg;
    pthread_mutex_t lock;        /* start-up */
    pthread_cond_t cond;
    int started;                 /* under lock: workers that have run the start hook */
    int start_rc, start_w;       /* under lock: the first failing start hook, and whose */
    atomic_int busy;             /* a pass is under way */
    int failed;                  /* the caller's: the worker named by the last failed pass */
    double wait_cpu;             /* the caller's: polling seconds, see cb_pool_wait_cpu */
    alignas(64) atomic_int pending; /* pool threads of the current pass still running */
    alignas(64) struct cb_wake done; /* bumped by the last of them */
};

/* A pthread call that cannot fail on a valid object failed: a bug. */
static void must(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "cb_pool: %s: %s\n", what, strerror(rc));
        abort();
    }
}

/* One worker of the pass is done: the last one wakes the caller. */
static void pass_done(struct cb_pool *pool)
{
    ANNOTATE_HAPPENS_BEFORE(&pool->pending);
    if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1)
        cb_wake_post(&pool->done, 0);
}

/* The cleanup handler of a worker whose thread ends inside a pass's function. */
static void worker_died(void *p)
{
    struct mailbox *m = p;
    m->rc = -EOWNERDEAD;
    m->dead = 1;
    pass_done(m->pool);
}

static void *worker_main(void *p)
{
    struct mailbox *m = p;
    struct cb_pool *pool = m->pool;

    /* The per-worker start hook runs first, on this thread: pinning goes here, so that
     * the worker's first pass already runs where it will stay. */
    int rc = pool->start ? pool->start(m->w, pool->start_arg) : 0;
    must(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    pool->started++;
    if (rc != 0 && pool->start_rc == 0) {
        pool->start_rc = rc;
        pool->start_w = m->w;
    }
    must(pthread_cond_broadcast(&pool->cond), "pthread_cond_broadcast");
    must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");

    uint32_t seen = 0;
    enum cb_wait_how how = CB_HOW_SLEEP; /* before the first pass: nothing to hurry for */
    double spun = 0;
    for (;;) {
        cb_wake_wait(&m->go, seen, how, 0, 0, &spun);
        seen = cb_wake_read(&m->go);
        ANNOTATE_HAPPENS_AFTER(&m->go);
        if (m->stop)
            break;
        cb_pool_fn fn = m->fn;
        void *arg = m->arg;
        how = m->how;
        m->spun = spun;

        pthread_cleanup_push(worker_died, m);
        m->rc = fn(m->w, arg);
        pthread_cleanup_pop(0);
        pass_done(pool);
    }
    return NULL;
}

/* Helgrind and DRD: the atomics are not plain variables (see the top of the file). */
static void checking(struct cb_pool *pool, int boxes, int on)
{
    if (on) {
        VALGRIND_HG_ENABLE_CHECKING(&pool->busy, sizeof pool->busy);
        VALGRIND_HG_ENABLE_CHECKING(&pool->pending, sizeof pool->pending);
        VALGRIND_HG_ENABLE_CHECKING(&pool->done, sizeof pool->done);
    } else {
        VALGRIND_HG_DISABLE_CHECKING(&pool->busy, sizeof pool->busy);
        VALGRIND_HG_DISABLE_CHECKING(&pool->pending, sizeof pool->pending);
        VALGRIND_HG_DISABLE_CHECKING(&pool->done, sizeof pool->done);
    }
    for (int w = 0; w < boxes; w++) {
        if (on)
            VALGRIND_HG_ENABLE_CHECKING(&pool->mb[w].go, sizeof pool->mb[w].go);
        else
            VALGRIND_HG_DISABLE_CHECKING(&pool->mb[w].go, sizeof pool->mb[w].go);
    }
}

/* Stop and join the workers first..threads-1, destroy (if `sync`) the pool's mutex and
 * condition variable, and free everything. */
static void teardown(struct cb_pool *pool, int threads, int sync)
{
    for (int w = pool->first; w < threads; w++) {
        struct mailbox *m = &pool->mb[w];
        m->stop = 1;
        ANNOTATE_HAPPENS_BEFORE(&m->go);
        cb_wake_post(&m->go, 0);
    }
    for (int w = pool->first; w < threads; w++)
        must(pthread_join(pool->mb[w].tid, NULL), "pthread_join");
    if (sync) {
        must(pthread_cond_destroy(&pool->cond), "pthread_cond_destroy");
        must(pthread_mutex_destroy(&pool->lock), "pthread_mutex_destroy");
    }
    /* the next allocation at these addresses is checked again */
    checking(pool, pool->n, 1);
    free(pool->mb);
    free(pool);
}

int cb_pool_create(struct cb_pool **out, int workers, cb_pool_fn start, void *start_arg,
                   char *err, size_t errlen)
{
    return cb_pool_create_opts(out, workers, NULL, start, start_arg, err, errlen);
}

int cb_pool_create_opts(struct cb_pool **out, int workers, const struct cb_pool_opts *opts,
                        cb_pool_fn start, void *start_arg, char *err, size_t errlen)
{
    *out = NULL;
    if (workers < 1) {
        snprintf(err, errlen, "pool: %d workers: need at least one", workers);
        return -EINVAL;
    }
    /* both structures hold 64-byte aligned members: their sizes are multiples of 64 */
    struct cb_pool *pool = aligned_alloc(alignof(struct cb_pool), sizeof *pool);
    struct mailbox *mb = aligned_alloc(alignof(struct mailbox), (size_t)workers * sizeof *mb);
    if (!pool || !mb) {
        free(pool);
        free(mb);
        snprintf(err, errlen, "pool: out of memory for %d workers", workers);
        return -ENOMEM;
    }
    memset(pool, 0, sizeof *pool);
    memset(mb, 0, (size_t)workers * sizeof *mb);
    pool->n = workers;
    pool->mb = mb;
    pool->first = opts && opts->caller_joins ? 1 : 0;
    pool->wait = opts ? opts->wait : CB_WAIT_AUTO;
    pool->pus = opts && opts->pus > 0 ? opts->pus : cb_wait_pus();
    pool->start = start;
    pool->start_arg = start_arg;
    pool->failed = -1;
    atomic_init(&pool->busy, 0);
    atomic_init(&pool->pending, 0);
    for (int w = 0; w < workers; w++) {
        mb[w].w = w;
        mb[w].pool = pool;
    }
    checking(pool, workers, 0);

    int rc = pthread_mutex_init(&pool->lock, NULL);
    if (rc == 0) {
        rc = pthread_cond_init(&pool->cond, NULL);
        if (rc != 0)
            must(pthread_mutex_destroy(&pool->lock), "pthread_mutex_destroy");
    }
    if (rc != 0) {
        snprintf(err, errlen, "pool: cannot initialise its lock: %s", strerror(rc));
        teardown(pool, 0, 0);
        return -rc;
    }
    int threads = pool->first;
    for (; threads < workers; threads++) {
        rc = pthread_create(&mb[threads].tid, NULL, worker_main, &mb[threads]);
        if (rc != 0) {
            snprintf(err, errlen, "pool: cannot create worker thread %d of %d: %s",
                     threads + 1, workers, strerror(rc));
            break;
        }
    }

    /* every worker that exists has run its start hook before the pool is handed out */
    must(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    while (pool->started < threads - pool->first)
        must(pthread_cond_wait(&pool->cond, &pool->lock), "pthread_cond_wait");
    int start_rc = pool->start_rc, start_w = pool->start_w;
    must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");

    if (rc != 0) {
        teardown(pool, threads, 1);
        return -rc;
    }
    if (start_rc != 0) {
        snprintf(err, errlen, "pool: worker %d's start hook failed: %s", start_w,
                 strerror(start_rc < 0 ? -start_rc : start_rc));
        teardown(pool, threads, 1);
        return start_rc < 0 ? start_rc : -start_rc;
    }
    *out = pool;
    return 0;
}

enum cb_wait_how cb_pool_how(const struct cb_pool *pool, int workers)
{
    return cb_wait_how(pool->wait, workers, !pool->first, pool->pus);
}

int cb_pool_size(const struct cb_pool *pool)
{
    return pool->n;
}

double cb_pool_wait_cpu(const struct cb_pool *pool)
{
    return pool->wait_cpu;
}

int cb_pool_run(struct cb_pool *pool, int workers, cb_pool_fn fn, void *arg)
{
    if (!pool || !fn || workers < 1 || workers > pool->n)
        return -EINVAL;
    if (atomic_exchange_explicit(&pool->busy, 1, memory_order_acquire))
        return -EBUSY;
    pool->failed = -1;
    for (int w = pool->first; w < workers; w++)
        if (pool->mb[w].dead) {
            pool->failed = w;
            atomic_store_explicit(&pool->busy, 0, memory_order_release);
            return -EOWNERDEAD;
        }

    const int first = pool->first, posted = workers - first;
    enum cb_wait_how how = cb_pool_how(pool, workers);
    /* The previous pass ended with pending at zero, so no worker decrements it before it
     * is posted the new pass; each post publishes this store to its worker. */
    atomic_store_explicit(&pool->pending, posted, memory_order_relaxed);
    uint32_t done = cb_wake_read(&pool->done);
    for (int w = first; w < workers; w++) {
        struct mailbox *m = &pool->mb[w];
        m->fn = fn;
        m->arg = arg;
        m->how = how;
        ANNOTATE_HAPPENS_BEFORE(&m->go);
        cb_wake_post(&m->go, 0);
    }
    if (first)
        pool->mb[0].rc = fn(0, arg);
    if (posted > 0) {
        cb_wake_wait(&pool->done, done, how, 0, 0, &pool->wait_cpu);
        ANNOTATE_HAPPENS_AFTER(&pool->pending);
    }

    int rc = 0;
    for (int w = 0; w < workers && rc == 0; w++)
        if ((rc = pool->mb[w].rc) != 0)
            pool->failed = w;
    for (int w = first; w < workers; w++) {
        struct mailbox *m = &pool->mb[w];
        pool->wait_cpu += m->spun - m->spun_seen;
        m->spun_seen = m->spun;
    }
    atomic_store_explicit(&pool->busy, 0, memory_order_release);
    return rc;
}

int cb_pool_failed(const struct cb_pool *pool)
{
    return pool->failed;
}

void cb_pool_destroy(struct cb_pool *pool)
{
    if (pool)
        teardown(pool, pool->n, 1);
}
