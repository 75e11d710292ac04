/*
 * pool.c - see pool.h.
 *
 * Each worker has a mailbox on its own cache lines: a mutex, a condition variable, the
 * number of the last pass it was asked to run, and that pass's function. A pass bumps the
 * pool's pass number and posts it to the mailboxes of workers 0..p-1 only, so the other
 * workers are never woken. A worker runs a pass when its mailbox's number differs from the
 * last one it ran; since the number only grows, a post made before the worker went to
 * sleep is never lost.
 *
 * The end of a pass: `pending` counts the workers of the pass still running. Each worker
 * writes its result into its mailbox, then decrements `pending` (release); the one that
 * brings it to zero takes the pool's lock and signals the caller, who waits under that
 * lock until `pending` reads zero (acquire). So everything the pass wrote is visible to
 * the caller when cb_pool_run returns, and no worker touches the pass's data after that.
 * A worker may still be inside that final lock and signal when the next pass starts; the
 * caller's wait loop treats its signal as spurious, and cb_pool_destroy joins every worker
 * before freeing anything.
 *
 * A worker whose thread ends inside a pass (pthread_exit, or cancellation) runs a cleanup
 * handler on its way out: it marks its mailbox dead with -EOWNERDEAD as its result and
 * still decrements `pending`, so the pass ends and the caller hears of it. A later pass
 * that needs a dead worker fails at once, before posting anything, instead of waiting for
 * a thread that is gone; cb_pool_destroy joins dead threads like the others.
 *
 * Valgrind's Helgrind knows pthread calls but not C11 atomics: it takes `pending` and
 * `busy` for plain variables shared without a lock, and cannot see the edge that `pending`
 * makes from every worker's writes to the caller's reads. Where its header is installed,
 * the pool tells it both (client requests: a few no-op instructions when not under
 * Valgrind); tests/valgrind.sh runs the pool's test under it.
 *
 * Locking order: a thread never holds a mailbox's lock and the pool's lock at once.
 * Pthread calls that cannot fail on a valid, initialised object (lock, unlock, wait,
 * signal) abort with a message if they do: that is a bug, not a condition to handle.
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
    alignas(64) pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t pass;     /* under lock: the last pass posted to this worker */
    int stop;          /* under lock: leave at once */
    cb_pool_fn fn;     /* under lock: the posted pass's function and argument */
    void *arg;
    int rc;            /* the worker's last result: written by the worker during a pass,
                        * read by the caller after it */
    int dead;          /* its thread ended inside a pass: written before its last decrement
                        * of `pending`, read by the caller after that pass */
    int w;
    pthread_t tid;
    struct cb_pool *pool;
};

struct cb_pool {
    int n;
    struct mailbox *mb;          /* [n] */
    uint64_t pass;               /* the caller's: the number of the last pass posted */
    cb_pool_fn start;            /* the per-worker start hook, or NULL */
    void *start_arg;
    pthread_mutex_t lock;        /* the caller's wait: for start-up, for a pass's end */
    pthread_cond_t cond;
    int started;                 /* under lock: workers that have run the start hook */
    int start_rc, start_w;       /* under lock: the first failing start hook, and whose */
    atomic_int busy;             /* a pass is under way */
    int failed;                  /* the caller's: the worker named by the last failed pass */
    alignas(64) atomic_int pending; /* workers of the current pass still running */
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
    if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
        must(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
        must(pthread_cond_signal(&pool->cond), "pthread_cond_signal");
        must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");
    }
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

    /* The per-worker start hook runs first, on this thread: pinning (a later issue) goes
     * here, so that the worker's first pass already runs where it will stay. */
    int rc = pool->start ? pool->start(m->w, pool->start_arg) : 0;
    must(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    pool->started++;
    if (rc != 0 && pool->start_rc == 0) {
        pool->start_rc = rc;
        pool->start_w = m->w;
    }
    must(pthread_cond_broadcast(&pool->cond), "pthread_cond_broadcast");
    must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");

    uint64_t seen = 0;
    for (;;) {
        must(pthread_mutex_lock(&m->lock), "pthread_mutex_lock");
        while (m->pass == seen && !m->stop)
            must(pthread_cond_wait(&m->cond, &m->lock), "pthread_cond_wait");
        if (m->stop) {
            must(pthread_mutex_unlock(&m->lock), "pthread_mutex_unlock");
            break;
        }
        seen = m->pass;
        cb_pool_fn fn = m->fn;
        void *arg = m->arg;
        must(pthread_mutex_unlock(&m->lock), "pthread_mutex_unlock");

        pthread_cleanup_push(worker_died, m);
        m->rc = fn(m->w, arg);
        pthread_cleanup_pop(0);
        pass_done(pool);
    }
    return NULL;
}

/* Stop and join the first `threads` workers, destroy the first `boxes` mailboxes' and
 * (if `sync`) the pool's mutex and condition variable, and free everything. */
static void teardown(struct cb_pool *pool, int threads, int boxes, int sync)
{
    for (int w = 0; w < threads; w++) {
        struct mailbox *m = &pool->mb[w];
        must(pthread_mutex_lock(&m->lock), "pthread_mutex_lock");
        m->stop = 1;
        must(pthread_mutex_unlock(&m->lock), "pthread_mutex_unlock");
        must(pthread_cond_signal(&m->cond), "pthread_cond_signal");
    }
    for (int w = 0; w < threads; w++)
        must(pthread_join(pool->mb[w].tid, NULL), "pthread_join");
    for (int w = 0; w < boxes; w++) {
        must(pthread_cond_destroy(&pool->mb[w].cond), "pthread_cond_destroy");
        must(pthread_mutex_destroy(&pool->mb[w].lock), "pthread_mutex_destroy");
    }
    if (sync) {
        must(pthread_cond_destroy(&pool->cond), "pthread_cond_destroy");
        must(pthread_mutex_destroy(&pool->lock), "pthread_mutex_destroy");
    }
    free(pool->mb);
    /* the next allocation at these addresses is checked again */
    VALGRIND_HG_ENABLE_CHECKING(&pool->busy, sizeof pool->busy);
    VALGRIND_HG_ENABLE_CHECKING(&pool->pending, sizeof pool->pending);
    free(pool);
}

int cb_pool_create(struct cb_pool **out, int workers, cb_pool_fn start, void *start_arg,
                   char *err, size_t errlen)
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
    pool->start = start;
    pool->start_arg = start_arg;
    pool->failed = -1;
    atomic_init(&pool->busy, 0);
    atomic_init(&pool->pending, 0);
    VALGRIND_HG_DISABLE_CHECKING(&pool->busy, sizeof pool->busy);
    VALGRIND_HG_DISABLE_CHECKING(&pool->pending, sizeof pool->pending);

    int rc = pthread_mutex_init(&pool->lock, NULL);
    if (rc == 0) {
        rc = pthread_cond_init(&pool->cond, NULL);
        if (rc != 0)
            must(pthread_mutex_destroy(&pool->lock), "pthread_mutex_destroy");
    }
    if (rc != 0) {
        snprintf(err, errlen, "pool: cannot initialise its lock: %s", strerror(rc));
        teardown(pool, 0, 0, 0);
        return -rc;
    }
    int boxes = 0;
    for (; boxes < workers; boxes++) {
        struct mailbox *m = &mb[boxes];
        rc = pthread_mutex_init(&m->lock, NULL);
        if (rc == 0) {
            rc = pthread_cond_init(&m->cond, NULL);
            if (rc != 0)
                must(pthread_mutex_destroy(&m->lock), "pthread_mutex_destroy");
        }
        if (rc != 0) {
            snprintf(err, errlen, "pool: cannot initialise worker %d's lock: %s", boxes,
                     strerror(rc));
            teardown(pool, 0, boxes, 1);
            return -rc;
        }
        m->w = boxes;
        m->pool = pool;
    }
    int threads = 0;
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
    while (pool->started < threads)
        must(pthread_cond_wait(&pool->cond, &pool->lock), "pthread_cond_wait");
    int start_rc = pool->start_rc, start_w = pool->start_w;
    must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");

    if (rc != 0) {
        teardown(pool, threads, boxes, 1);
        return -rc;
    }
    if (start_rc != 0) {
        snprintf(err, errlen, "pool: worker %d's start hook failed: %s", start_w,
                 strerror(start_rc < 0 ? -start_rc : start_rc));
        teardown(pool, threads, boxes, 1);
        return start_rc < 0 ? start_rc : -start_rc;
    }
    *out = pool;
    return 0;
}

int cb_pool_size(const struct cb_pool *pool)
{
    return pool->n;
}

int cb_pool_run(struct cb_pool *pool, int workers, cb_pool_fn fn, void *arg)
{
    if (!pool || !fn || workers < 1 || workers > pool->n)
        return -EINVAL;
    if (atomic_exchange_explicit(&pool->busy, 1, memory_order_acquire))
        return -EBUSY;
    pool->failed = -1;
    for (int w = 0; w < workers; w++)
        if (pool->mb[w].dead) {
            pool->failed = w;
            atomic_store_explicit(&pool->busy, 0, memory_order_release);
            return -EOWNERDEAD;
        }

    /* The previous pass ended with pending at zero, so no worker decrements it before it
     * is posted the new pass; each mailbox's lock publishes this store to its worker. */
    atomic_store_explicit(&pool->pending, workers, memory_order_relaxed);
    uint64_t pass = ++pool->pass;
    for (int w = 0; w < workers; w++) {
        struct mailbox *m = &pool->mb[w];
        must(pthread_mutex_lock(&m->lock), "pthread_mutex_lock");
        m->pass = pass;
        m->fn = fn;
        m->arg = arg;
        must(pthread_mutex_unlock(&m->lock), "pthread_mutex_unlock");
        must(pthread_cond_signal(&m->cond), "pthread_cond_signal");
    }

    must(pthread_mutex_lock(&pool->lock), "pthread_mutex_lock");
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) != 0)
        must(pthread_cond_wait(&pool->cond, &pool->lock), "pthread_cond_wait");
    must(pthread_mutex_unlock(&pool->lock), "pthread_mutex_unlock");
    ANNOTATE_HAPPENS_AFTER(&pool->pending);

    int rc = 0;
    for (int w = 0; w < workers && rc == 0; w++)
        if ((rc = pool->mb[w].rc) != 0)
            pool->failed = w;
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
        teardown(pool, pool->n, pool->n, 1);
}
