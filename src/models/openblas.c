/*
 * openblas.c - the matmul kernel handed to a tuned library, as the course's NumPy matrix
 * product swept over thread counts with threadpoolctl: one cblas_dgemm call per
 * repetition, C = 1.0 * A x B + 0.0 * C on the kernel's own A and B, written into the
 * job's output, with OpenBLAS's thread count set to p first (openblas_set_num_threads).
 * This file alone sees the BLAS headers (meson.build).
 *
 * OpenBLAS blocks and sums in its own order, so its C is not bit-identical to the
 * kernel's: the model is CB_MODEL_INEXACT and the harness compares every element with the
 * reference within the kernel's tolerance. Only matmul has a tolerance, so only matmul
 * runs here.
 *
 * OpenBLAS's threads are its own: how long each computed cannot be seen from outside, so
 * every worker's compute time is the call's (imbalance reads 1). Its pthread build starts
 * its thread pool when the library loads; open() sets the largest thread count once so
 * that any threads it adds are started outside the repetitions (pool_create_s).
 *
 * Faults: no code of ours runs on OpenBLAS's threads, so CB_FAULT cannot be injected (it is
 * refused rather than ignored). --timeout is honoured by the watchdog (fault.h): a call that
 * has not returned by the deadline ends the process, and since the library's threads
 * cannot be told apart, every worker of the call is named. (Seen: under an address-space
 * limit too small for its buffers, OpenBLAS 0.3.21 retries its allocation forever.) A
 * crash inside the library is reported by the crash handlers, as outside any worker.
 *
 * Placement (--bind): the calling thread runs the first share of every call (OpenBLAS's
 * exec_blas), so it is worker 0, bound to the plan's first PU for the pool's life as the
 * threadpool model binds its caller; library thread i (openblas_setaffinity's index i,
 * which takes the call's share i + 1) is worker i + 1, bound once in open() to its PU of
 * the plan for the largest p (plans are prefixes). Where the workers ran: the caller's
 * CPU before and after the call (sched_getcpu); a library thread's cannot be read from
 * outside, so its affinity mask before and after the call stands for it: a mask of one CPU
 * is where that thread could only run, any other mask (--bind none, the library's default)
 * is unknown. So `held` for this model means every mask was its planned PU and the caller
 * stayed on its own. Without openblas_setaffinity (a build without it, CB_OPENBLAS_AFFINITY
 * unset) nothing is bound and the binding column reads unknown.
 */
#define _GNU_SOURCE
#include "bind.h"
#include "fault.h"
#include "harness.h"
#include "timer.h"

#include <cblas.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/* Declared by OpenBLAS's cblas.h; kept here for headers that lack them (same signature,
 * so a second declaration is harmless). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

/* What open() made: the caller's mask before it was pinned. */
struct blas_pool {
    int pinned;
    cpu_set_t saved;
};

/* Library threads known to exist (0 .. verified - 1): only these are asked for or given a
 * mask. OpenBLAS 0.3.21 ignores a failed pthread_create when it adds threads (under an
 * address-space limit, say), and openblas_setaffinity/getaffinity on such a thread would
 * hand pthread an id that was never set: a crash. */
static int verified;

/* The threads of this process now, or -1. */
static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The one CPU a mask allows, or -1 when it allows several (or none). */
static int only_cpu(const cpu_set_t *set)
{
    if (CPU_COUNT(set) != 1)
        return -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, set))
            return c;
    return -1;
}

/* Where worker w (>= 1: library thread w - 1) may run, from its affinity mask: its one CPU,
 * or -1. */
static int library_cpu(int w)
{
#ifdef CB_OPENBLAS_AFFINITY
    cpu_set_t set;
    CPU_ZERO(&set);
    if (w - 1 >= verified || openblas_getaffinity(w - 1, sizeof set, &set) != 0)
        return -1;
    return only_cpu(&set);
#else
    (void)w;
    return -1;
#endif
}

/* Set OpenBLAS's thread count to p and check that it took. 0 or CB_EXIT_ERROR. */
static int set_threads(int p, char *err, size_t errlen)
{
    openblas_set_num_threads(p);
    int got = openblas_get_num_threads();
    if (got != p) {
        snprintf(err, errlen, "openblas: asked for %d threads, the library uses %d (built "
                 "for fewer?)", p, got);
        return CB_EXIT_ERROR;
    }
    return 0;
}

static int openblas_run(const struct cb_job *job, const struct cb_config *cfg,
                        struct cb_rep *rep, char *err, size_t errlen)
{
    const double *a, *b;
    if (cb_matmul_inputs(job, &a, &b) < 0) {
        snprintf(err, errlen, "openblas: runs the matmul kernel only, not %s",
                 job->kernel->name);
        return CB_EXIT_USAGE;
    }
    if (job->size > INT_MAX) {
        snprintf(err, errlen, "openblas: n = %llu is beyond the BLAS interface's int",
                 (unsigned long long)job->size);
        return CB_EXIT_USAGE;
    }
    const int n = (int)job->size, p = cfg->workers;
    int rc = set_threads(p, err, errlen);
    if (rc != 0)
        return rc;
    /* where the workers are before the call: the caller's CPU, the threads' masks */
    rep->cpu_start[0] = cb_current_cpu();
    for (int w = 1; w < p; w++)
        rep->cpu_start[w] = library_cpu(w);
    cb_fault_call_begin(p); /* the call is every worker's: the watchdog names them all */
    rep->t_gate = cb_now();
    /* n = 0 is nothing to do, and BLAS would reject its leading dimension 0 */
    if (n > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0,
                    job->out, n);
    rep->t_done = cb_now();
    cb_fault_call_end(p);
    rep->cpu_end[0] = cb_current_cpu();
    for (int w = 1; w < p; w++)
        rep->cpu_end[w] = library_cpu(w);
    for (int w = 0; w < p; w++)
        rep->worker_compute[w] = rep->t_done - rep->t_gate;
    return 0;
}

static int openblas_open(const struct cb_job *job, const struct cb_config *cfg,
                         int max_workers, void **pool, char *err, size_t errlen)
{
    (void)job;
    *pool = NULL;
    if (getenv("CB_FAULT") && *getenv("CB_FAULT")) {
        snprintf(err, errlen, "openblas: CB_FAULT cannot be injected: no code of ours runs on "
                 "OpenBLAS's threads");
        return CB_EXIT_USAGE;
    }
    /* the library's threads before and after: it starts as many as its count (less one,
     * the caller) when it loads, and adds what a larger count needs */
    static int had = 0; /* the largest count asked so far (the library's own at first) */
    if (had == 0)
        had = openblas_get_num_threads();
    int before = count_tasks();
    int rc = set_threads(max_workers, err, errlen);
    if (rc != 0)
        return rc;
    int added = count_tasks() - before;
    if (before > 0 && added == (max_workers > had ? max_workers - had : 0))
        verified = (max_workers > had ? max_workers : had) - 1;
    else if (max_workers > had)
        verified = had - 1; /* some of the new ones may not exist: only the old are known */
    if (max_workers > had)
        had = max_workers;
    struct blas_pool *bp = calloc(1, sizeof *bp);
    if (!bp) {
        snprintf(err, errlen, "openblas: out of memory");
        return CB_EXIT_ERROR;
    }
    *pool = bp;
    if (!cfg->order) /* --bind none: the library's own placement */
        return 0;
#ifdef CB_OPENBLAS_AFFINITY
    /* every library thread of the largest count, once: worker i + 1 of the plan. A binding
     * that fails is not fatal: the masks then say where the thread may run (unknown). */
    for (int i = 0; i + 1 < max_workers && i < verified; i++) {
        cpu_set_t set;
        CPU_ZERO(&set);
        int pu = cfg->order[(i + 1) % cfg->npus];
        if (pu < CPU_SETSIZE) {
            CPU_SET(pu, &set);
            openblas_setaffinity(i, sizeof set, &set);
        }
    }
    if (pthread_getaffinity_np(pthread_self(), sizeof bp->saved, &bp->saved) == 0) {
        bp->pinned = 1;
        cb_bind_thread(cfg->order[0]);
    }
#endif
    return 0;
}

/* The library's threads live until the process ends; the caller gets its mask back. */
static void openblas_close(void *pool)
{
    struct blas_pool *bp = pool;
    if (bp && bp->pinned)
        pthread_setaffinity_np(pthread_self(), sizeof bp->saved, &bp->saved);
    free(bp);
}

const struct cb_model cb_model_openblas = {
    .abi = CB_MODEL_ABI,
    .name = "openblas",
    .description = "OpenBLAS's cblas_dgemm on p threads, matmul only (NumPy's matrix product "
                   "with threadpoolctl)",
    .flags = CB_MODEL_INEXACT | CB_MODEL_WATCHDOG,
    .run = openblas_run,
    .open = openblas_open,
    .close = openblas_close,
};
