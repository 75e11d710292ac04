/*
 * primes.c - count the primes below N by trial division, as the course does.
 *
 * Index i of the space is the number i itself; a slice [lo, hi) counts the primes in it.
 * Each number is tried against 2 and then odd divisors up to its square root. This is
 * deliberately not a sieve: the cost of a number grows with the number (a prime near N
 * costs about sqrt(N)/2 divisions), so equal ranges are unequal work, which is what makes
 * scheduling policies matter. The result is checked against an independent sieve.
 */
#include "kernel.h"
#include "kernels/kernels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PRIMES_MAX (UINT64_C(1) << 32)

/* The invariant: the loop keeps d*d <= n, so d < 2^16 for 32-bit n and the product
 * never overflows; 32-bit division is much cheaper than 64-bit on x86-64. */
static inline int is_prime32(uint32_t n)
{
    if (n < 2)
        return 0;
    if (n < 4)
        return 1;
    if ((n & 1) == 0)
        return 0;
    for (uint32_t d = 3; d * d <= n; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}

static void primes_compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                           struct cb_partial *acc, void *out)
{
    (void)job;
    (void)out;
    uint64_t count = 0;
    for (uint64_t n = lo; n < hi; n++)
        count += (uint64_t)is_prime32((uint32_t)n);
    acc->sum += count;
}

/* The number of primes below n by a sieve of Eratosthenes over odd numbers, one bit
 * each. Returns -1 if memory is short. */
static int64_t sieve_count(uint64_t n)
{
    if (n <= 2)
        return 0;
    /* bit k stands for the odd number 2k+1; k in [0, half) covers odd numbers below n */
    uint64_t half = n / 2;
    uint8_t *composite = calloc(half / 8 + 1, 1);
    if (!composite)
        return -1;
    for (uint64_t k = 1; (2 * k + 1) * (2 * k + 1) < n; k++) {
        if (composite[k >> 3] & (1u << (k & 7)))
            continue;
        uint64_t p = 2 * k + 1;
        for (uint64_t m = p * p; m < n; m += 2 * p) {
            uint64_t j = m / 2;
            composite[j >> 3] |= (uint8_t)(1u << (j & 7));
        }
    }
    int64_t count = 1; /* the prime 2 */
    for (uint64_t k = 1; k < half; k++)
        if (!(composite[k >> 3] & (1u << (k & 7))))
            count++;
    free(composite);
    return count;
}

static int primes_check(const struct cb_job *job, const struct cb_result *res,
                        char *msg, size_t len)
{
    int64_t expect = sieve_count(job->size);
    if (expect < 0) {
        snprintf(msg, len, "sieve check: out of memory");
        return -1;
    }
    if (res->checksum_hi != 0 || res->checksum_lo != (uint64_t)expect) {
        snprintf(msg, len, "trial division counted %llu primes below %llu, the sieve %lld",
                 (unsigned long long)res->checksum_lo, (unsigned long long)job->size,
                 (long long)expect);
        return -1;
    }
    return 0;
}

static uint64_t primes_memory(uint64_t size)
{
    return size / 16 + 1; /* the sieve used by the check */
}

const struct cb_kernel cb_kernel_primes = {
    .name = "primes",
    .description = "count primes below N by trial division (uneven work)",
    .size_meaning = "N, the bound: primes p < N are counted",
    .default_size = 6500000,
    .min_size = 0,
    .max_size = PRIMES_MAX,
    .memory = primes_memory,
    .compute = primes_compute,
    .finish = cb_finish_count, /* the count is the result */
    .check = primes_check,
};
