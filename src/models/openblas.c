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
 */
#include "fault.h"
#include "harness.h"
#include "timer.h"

#include <cblas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* Declared by OpenBLAS's cblas.h; kept here for headers that lack them (same signature,
 * so a second declaration is harmless). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

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
    cb_fault_call_begin(p); /* the call is every worker's: the watchdog names them all */
    rep->t_gate = cb_now();
    /* n = 0 is nothing to do, and BLAS would reject its leading dimension 0 */
    if (n > 0)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0,
                    job->out, n);
    rep->t_done = cb_now();
    cb_fault_call_end(p);
    for (int w = 0; w < p; w++)
        rep->worker_compute[w] = rep->t_done - rep->t_gate;
    return 0;
}

static int openblas_open(const struct cb_job *job, const struct cb_config *cfg,
                         int max_workers, void **pool, char *err, size_t errlen)
{
    (void)job;
    (void)cfg;
    *pool = NULL;
    if (getenv("CB_FAULT") && *getenv("CB_FAULT")) {
        snprintf(err, errlen, "openblas: CB_FAULT cannot be injected: no code of ours runs on "
                 "OpenBLAS's threads");
        return CB_EXIT_USAGE;
    }
    return set_threads(max_workers, err, errlen);
}

/* The library's threads live until the process ends: nothing to close. */
static void openblas_close(void *pool)
{
    (void)pool;
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
