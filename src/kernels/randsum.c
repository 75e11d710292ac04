/*
 * randsum.c - the sum of N pseudo-random numbers uniform in [0, 1): even work.
 *
 * Number i is u_i / 2^53 with u_i the top 53 bits of a counter-based generator keyed by
 * (seed, i). The sum is accumulated exactly as the integer sum of the u_i (128 bits), so
 * any split and any worker count gives the bit-identical sum; the reported value is the
 * mean. The check: the mean of N uniform numbers lies within 6 standard errors of 1/2.
 */
#include "kernel.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>

#define RANDSUM_STREAM 1
/* 2^11 numbers of 53 bits add up to less than 2^64: the inner sum cannot overflow. */
#define RANDSUM_BLOCK 2048

static int randsum_prepare(struct cb_job *job)
{
    job->space = job->size;
    return 0;
}

static void randsum_compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                            struct cb_partial *acc, void *out)
{
    (void)out;
    const uint64_t key = cb_rng_key(job->seed, RANDSUM_STREAM);
    cb_u128 total = 0;
    uint64_t i = lo;
    while (i < hi) {
        uint64_t end = hi - i > RANDSUM_BLOCK ? i + RANDSUM_BLOCK : hi;
        uint64_t block = 0;
        for (uint64_t j = i; j < end; j++)
            block += cb_rng_u53(key, j);
        total += block;
        i = end;
    }
    acc->sum += total;
}

static void randsum_finish(const struct cb_job *job, const struct cb_partial *total,
                           struct cb_result *res)
{
    res->checksum_hi = (uint64_t)(total->sum >> 64);
    res->checksum_lo = (uint64_t)total->sum;
    res->value = job->size ? (double)((long double)total->sum / 9007199254740992.0L /
                                      (long double)job->size)
                           : 0.0;
}

static int randsum_check(const struct cb_job *job, const struct cb_result *res, char *msg,
                         size_t len)
{
    if (job->size == 0)
        return res->checksum_lo == 0 && res->checksum_hi == 0 ? 0 : -1;
    double se = sqrt(1.0 / 12.0 / (double)job->size);
    double dev = fabs(res->value - 0.5);
    if (dev <= 6.0 * se + 1e-15)
        return 0;
    snprintf(msg, len, "mean %.9f of %llu uniform numbers is %.1f standard errors from 0.5",
             res->value, (unsigned long long)job->size, dev / se);
    return -1;
}

const struct cb_kernel cb_kernel_randsum = {
    .name = "randsum",
    .description = "sum of N uniform random numbers, exact (even work)",
    .size_meaning = "N, how many numbers are summed",
    .default_size = 800000000,
    .min_size = 0,
    .max_size = UINT64_C(1) << 60,
    .prepare = randsum_prepare,
    .compute = randsum_compute,
    .finish = randsum_finish,
    .check = randsum_check,
};
