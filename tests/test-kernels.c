/*
 * test-kernels.c - the kernels compute what they claim, and their results do not depend on
 * how the index space is split.
 */
#include "check.h"
#include "kernel.h"
#include "rng.h"
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

/* Run a job split among p workers with a schedule, sequentially, workers in reverse order
 * (so no split order is assumed), into res. */
static void run_split(struct cb_job *job, int p, enum cb_schedule kind, uint64_t chunk,
                      struct cb_result *res)
{
    struct cb_sched s;
    struct cb_partial total = { 0 };
    cb_sched_init(&s, kind, job->space, chunk, p);
    if (job->kernel->reset)
        job->kernel->reset(job);
    for (int w = p - 1; w >= 0; w--) {
        struct cb_claim c = { 0 };
        struct cb_partial part = { 0 };
        uint64_t lo, hi;
        while (cb_sched_next(&s, w, &c, &lo, &hi))
            job->kernel->compute(job, lo, hi, &part, cb_job_row(job, lo));
        cb_partial_add(&total, &part);
    }
    job->kernel->finish(job, &total, res);
}

static uint64_t primes_below(uint64_t n)
{
    struct cb_job job;
    struct cb_result res;
    if (cb_job_prepare(&job, cb_kernel_find("primes"), n, 1) < 0)
        abort();
    cb_job_compute_all(&job, &res);
    char msg[256];
    CHECK(job.kernel->check(&job, &res, msg, sizeof msg) == 0);
    cb_job_cleanup(&job);
    return res.checksum_lo;
}

static void test_primes(void)
{
    static const uint64_t known[] = { 4, 25, 168, 1229, 9592, 78498, 664579 };
    uint64_t n = 1;
    for (int k = 1; k <= 7; k++) {
        n *= 10;
        CHECK_EQ_U64(primes_below(n), known[k - 1]);
    }
    CHECK_EQ_U64(primes_below(0), 0);
    CHECK_EQ_U64(primes_below(1), 0);
    CHECK_EQ_U64(primes_below(2), 0);
    CHECK_EQ_U64(primes_below(3), 1);
    CHECK_EQ_U64(primes_below(4), 2);
    CHECK_EQ_U64(primes_below(5), 2);
    CHECK_EQ_U64(primes_below(6), 3);
    CHECK_EQ_U64(primes_below(101), 25);
    CHECK_EQ_U64(primes_below(102), 26);

    /* the check is not a rubber stamp: a wrong count fails it */
    struct cb_job job;
    cb_job_prepare(&job, cb_kernel_find("primes"), 1000, 1);
    struct cb_result bad = { .checksum_lo = 167 };
    char msg[256];
    CHECK(job.kernel->check(&job, &bad, msg, sizeof msg) != 0);
    /* every split gives the same count */
    for (int p = 1; p <= 9; p++) {
        struct cb_result res;
        run_split(&job, p, CB_SCHED_STATIC, 0, &res);
        CHECK_EQ_U64(res.checksum_lo, 168);
        run_split(&job, p, CB_SCHED_DYNAMIC, 7, &res);
        CHECK_EQ_U64(res.checksum_lo, 168);
    }
    cb_job_cleanup(&job);
}

static void test_randsum(void)
{
    static const uint64_t sizes[] = { 0, 1, 2, 3, 7, 1000, 2047, 2048, 2049, 99991, 1000003 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct cb_job job;
        struct cb_result ref, res;
        cb_job_prepare(&job, cb_kernel_find("randsum"), sizes[i], 42);
        cb_job_compute_all(&job, &ref);
        for (int p = 1; p <= 9; p++)
            for (int kind = CB_SCHED_STATIC; kind <= CB_SCHED_GUIDED; kind++) {
                run_split(&job, p, (enum cb_schedule)kind, 13, &res);
                CHECK_EQ_U64(res.checksum_lo, ref.checksum_lo);
                CHECK_EQ_U64(res.checksum_hi, ref.checksum_hi);
            }
        cb_job_cleanup(&job);
    }
    /* the mean of 10^6 uniform numbers: within 5 standard errors of 0.5 for several seeds,
     * and different seeds give different sums */
    uint64_t prev = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        struct cb_job job;
        struct cb_result res;
        cb_job_prepare(&job, cb_kernel_find("randsum"), 1000000, seed);
        cb_job_compute_all(&job, &res);
        CHECK_NEAR(res.value, 0.5, 5 * sqrt(1.0 / 12 / 1e6));
        char msg[256];
        CHECK(job.kernel->check(&job, &res, msg, sizeof msg) == 0);
        CHECK(res.checksum_lo != prev);
        prev = res.checksum_lo;
        /* the check rejects a mean that is off */
        struct cb_result off = res;
        off.value = 0.51;
        CHECK(job.kernel->check(&job, &off, msg, sizeof msg) != 0);
        cb_job_cleanup(&job);
    }
}

/* Every entry of C against the plain triple loop, bit for bit. The inputs are rebuilt here
 * from the kernel's definition (uniform in [-1, 1) from streams 2 and 3 of the seed), and
 * each dot product runs in k order with the kernel's rule for fusing. */
static int matmul_matches_plain(const struct cb_job *job)
{
    uint64_t n = job->size, ka = cb_rng_key(job->seed, 2), kb = cb_rng_key(job->seed, 3);
    const double *c = job->out;
    int same = 1;
    for (uint64_t i = 0; i < n && same; i++)
        for (uint64_t j = 0; j < n && same; j++) {
            double s = 0.0;
            for (uint64_t k = 0; k < n; k++) {
                double x = (double)cb_rng_u53(ka, i * n + k) * 0x1p-52 - 1.0;
                double y = (double)cb_rng_u53(kb, k * n + j) * 0x1p-52 - 1.0;
#if defined(__FMA__) && defined(__AVX__)
                s = fma(x, y, s);
#else
                s = s + x * y;
#endif
            }
            if (memcmp(&s, &c[i * n + j], sizeof s) != 0) {
                fprintf(stderr, "matmul n=%llu: C[%llu][%llu] = %.17g, plain loop %.17g\n",
                        (unsigned long long)n, (unsigned long long)i, (unsigned long long)j,
                        c[i * n + j], s);
                same = 0;
            }
        }
    return same;
}

static void test_matmul(void)
{
    static const uint64_t sizes[] = { 1, 2, 5, 7, 8, 13, 37, 64, 100, 263, 300 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct cb_job job;
        struct cb_result ref, res;
        cb_job_prepare(&job, cb_kernel_find("matmul"), sizes[i], 7);
        cb_job_compute_all(&job, &ref);
        char msg[256];
        CHECK(job.kernel->check(&job, &ref, msg, sizeof msg) == 0);
        CHECK(matmul_matches_plain(&job));
        for (int p = 1; p <= 9; p++)
            for (int kind = CB_SCHED_STATIC; kind <= CB_SCHED_GUIDED; kind++) {
                run_split(&job, p, (enum cb_schedule)kind, 1 + (uint64_t)p % 5, &res);
                CHECK_EQ_U64(res.checksum_lo, ref.checksum_lo);
            }
        cb_job_cleanup(&job);
    }
    /* a corrupted entry is caught by the check: corners are always sampled */
    struct cb_job job;
    struct cb_result ref;
    cb_job_prepare(&job, cb_kernel_find("matmul"), 50, 7);
    cb_job_compute_all(&job, &ref);
    ((double *)job.out)[49 * 50 + 49] += 1e-9;
    char msg[256];
    CHECK(job.kernel->check(&job, &ref, msg, sizeof msg) != 0);
    /* and a row no worker wrote stays NaN after reset, so its hash differs */
    job.kernel->reset(&job);
    struct cb_partial part = { 0 };
    job.kernel->compute(&job, 0, 49, &part, cb_job_row(&job, 0));
    struct cb_result partial;
    job.kernel->finish(&job, &part, &partial);
    CHECK(partial.checksum_lo != ref.checksum_lo);
    cb_job_cleanup(&job);
}

static void test_empty(void)
{
    struct cb_job job;
    struct cb_result res;
    cb_job_prepare(&job, cb_kernel_find("empty"), 12345, 1);
    run_split(&job, 7, CB_SCHED_GUIDED, 3, &res);
    CHECK_EQ_U64(res.checksum_lo, 12345);
    char msg[256];
    CHECK(job.kernel->check(&job, &res, msg, sizeof msg) == 0);
    cb_job_cleanup(&job);
}

/* Every kernel's compute function starts on a 64-byte boundary (meson.build compiles the
 * kernels with -falign-functions=64 -falign-loops=64), so its
 * loops sit at the same place against the fetch lines in every binary that links it. */
static void test_alignment(void)
{
    for (int i = 0; cb_kernels[i]; i++) {
        uintptr_t at = (uintptr_t)cb_kernels[i]->compute;
        CHECK_EQ_U64(at % 64, 0);
        if (at % 64)
            fprintf(stderr, "kernel %s: compute at %#lx, not on a 64-byte boundary\n",
                    cb_kernels[i]->name, (unsigned long)at);
    }
}

int main(void)
{
    test_alignment();
    test_primes();
    test_randsum();
    test_matmul();
    test_empty();
    return check_status("test-kernels");
}
