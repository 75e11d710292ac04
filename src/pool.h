/*
 * pool.h - a persistent pool of worker threads that runs fork-join passes, as the course's
 * ThreadPoolExecutor: the workers are created once and reused, so their creation is paid
 * once and not in every pass.
 *
 * A pool has n workers, numbered 0..n-1 for their whole life (a later issue pins worker w
 * to a PU through the start hook). A pass runs fn(w, arg) on workers 0..p-1, for any
 * 1 <= p <= n the caller chooses, and returns when all p have returned; workers p..n-1
 * stay asleep through it. How a pass divides its work is the function's business: the
 * threadpool model claims chunks from a struct cb_sched with the shared worker body, so the
 * hot path takes no lock.
 *
 * Hand-over and completion wait as pwait.h says: by default (CB_WAIT_AUTO) a worker polls
 * its own mailbox for CB_WAIT_SPIN_S after a pass and the caller polls for the pass's end,
 * both then sleeping on a futex; nobody polls when the pass's workers exceed the allowed
 * PUs. A pool created with caller_joins runs worker 0's share on the calling thread, as
 * OpenMP's master thread does: a pass of one worker then hands nothing over. Passes run one
 * at a time: the pool is driven by one thread.
 *
 * Every function returns 0 or a negative errno.
 */
#ifndef CB_POOL_H
#define CB_POOL_H

#include "pwait.h"

#include <stddef.h>

struct cb_pool;

/* How a pool waits, and who runs worker 0. */
struct cb_pool_opts {
    enum cb_wait wait; /* the policy (pwait.h); default CB_WAIT_AUTO */
    int caller_joins;  /* 1: worker 0 is the thread that calls cb_pool_run (no pool thread
                        * is created for it, its start hook is not run: that thread is the
                        * caller's to set up, and fn on worker 0 must return) */
    int pus;           /* the PUs the pool may use; 0: those the creating thread may use */
};

/* A pass's function, or a worker's start hook: runs on worker w. Returns 0 or a negative
 * errno, which the pool hands to its caller. */
typedef int (*cb_pool_fn)(int w, void *arg);

/* Create a pool of `workers` threads (1 or more) and wait until each has run the start
 * hook, if one is given, on its own thread: the place for per-worker set-up such as
 * pinning. Returns 0 with *pool set; or -EINVAL (bad count), -ENOMEM, a thread creation's
 * -errno, or the first failing start hook's value, with nothing left behind and one line
 * (no newline) in err naming the problem. */
int cb_pool_create(struct cb_pool **pool, int workers, cb_pool_fn start, void *start_arg,
                   char *err, size_t errlen);

/* The same with options (NULL: the defaults, as cb_pool_create: auto, no caller joining). */
int cb_pool_create_opts(struct cb_pool **pool, int workers, const struct cb_pool_opts *opts,
                        cb_pool_fn start, void *start_arg, char *err, size_t errlen);

/* CPU seconds the pool's threads, the caller's waits included, have spent polling (not
 * sleeping) so far: a worker's polls count once it is handed its next pass, the caller's at
 * once. Read it between passes. */
double cb_pool_wait_cpu(const struct cb_pool *pool);

/* How a pass of `workers` workers will wait (its policy applied to the PUs the pool may
 * use: those of the thread that created it, unless set in its options). */
enum cb_wait_how cb_pool_how(const struct cb_pool *pool, int workers);

/* The pool's number of workers. */
int cb_pool_size(const struct cb_pool *pool);

/* Run one pass: fn(w, arg) on workers w = 0..workers-1, and wait for all of them. Whatever
 * they wrote is visible to the caller on return. Returns 0 if every call returned 0;
 * otherwise the nonzero value of the lowest-numbered worker that failed (every worker of
 * the pass still ran to its end, and the pool stays usable). A worker whose thread ended
 * inside fn (pthread_exit, cancellation) failed with -EOWNERDEAD: the pass still ends, and
 * every later pass that needs that worker returns -EOWNERDEAD at once, running nothing.
 * -EINVAL if workers is not in 1..cb_pool_size(); -EBUSY if another pass is under way. */
int cb_pool_run(struct cb_pool *pool, int workers, cb_pool_fn fn, void *arg);

/* After a pass that failed: the worker whose value it returned (for -EOWNERDEAD, the dead
 * worker). -1 after a pass that succeeded, and before the first pass. */
int cb_pool_failed(const struct cb_pool *pool);

/* Stop and join every worker, then free the pool. No pass may be under way. NULL is a
 * no-op. */
void cb_pool_destroy(struct cb_pool *pool);

#endif
