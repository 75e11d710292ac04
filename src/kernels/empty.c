/*
 * empty.c - a kernel that does no work, so a run measures only what surrounds the work:
 * the harness's own bookkeeping (with bench-seq) or a model's cost of creating, starting
 * and joining its workers.
 */
#include "kernel.h"
#include "kernels/kernels.h"

#include <stdio.h>

static void empty_compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                          struct cb_partial *acc, void *out)
{
    (void)job;
    (void)out;
    acc->sum += hi - lo; /* the slice lengths must add up to the space: a cheap check */
}

static int empty_check(const struct cb_job *job, const struct cb_result *res, char *msg,
                       size_t len)
{
    if (res->checksum_hi == 0 && res->checksum_lo == job->size)
        return 0;
    snprintf(msg, len, "the slices covered %llu indices of %llu",
             (unsigned long long)res->checksum_lo, (unsigned long long)job->size);
    return -1;
}

const struct cb_kernel cb_kernel_empty = {
    .name = "empty",
    .description = "no work: measures the harness's and the model's own overhead",
    .size_meaning = "N, the index space split among workers (no work per index)",
    .default_size = 1000,
    .min_size = 0,
    .max_size = UINT64_MAX / 2,
    .compute = empty_compute,
    .finish = cb_finish_count, /* the count is the result */
    .check = empty_check,
};
