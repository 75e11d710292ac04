/*
 * matmul.c - C = A x B for n x n doubles: cache and memory.
 *
 * A and B are filled from the seed (uniform in [-1, 1)). The index space is the rows of C;
 * a slice computes its rows in place in the shared output mapping. The kernel is blocked
 * for the caches (a K x J panel of B is reused by every row of the slice) and register-
 * blocked (6 rows x 8 columns of C stay in registers across a k block), and its loops are
 * written so the compiler vectorises them.
 *
 * The invariant that makes C bit-identical whatever the split: every C[i][j] is computed as
 * 0, then + A[i][k] * B[k][j] for k = 0, 1, ..., n-1 in that order, one multiply-add at a
 * time (fused where the target has FMA, unfused otherwise, never left to the compiler:
 * the project builds with -ffp-contract=off). Blocking changes which elements are
 * computed together, never the order of the additions into one element. The check
 * recomputes sampled entries with a plain triple loop in the same order and compares them
 * bit for bit.
 */
#include "kernel.h"
#include "rng.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Fused multiply-add exactly where the target has FMA: the scalar and the vector paths
 * must agree, so both follow the same macro. */
#if defined(__FMA__) && defined(__AVX__)
#include <immintrin.h>
#define CB_FUSED 1
#define CB_MADD(c, a, b) fma((a), (b), (c))
#else
#define CB_FUSED 0
#define CB_MADD(c, a, b) ((c) + (a) * (b))
#endif

/* Four doubles; the compiler maps it to one AVX register or two SSE registers. */
typedef double v4d __attribute__((vector_size(32)));

static inline v4d vload(const double *p)
{
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vstore(double *p, v4d v)
{
    memcpy(p, &v, sizeof v);
}

static inline v4d vmadd(v4d c, v4d a, v4d b)
{
#if CB_FUSED
    return (v4d)_mm256_fmadd_pd((__m256d)a, (__m256d)b, (__m256d)c);
#else
    return c + a * b;
#endif
}

#define STREAM_A 2
#define STREAM_B 3
#define MR 6    /* rows of C in registers */
#define NR 8    /* columns of C in registers: 6 x 8 doubles = 12 vector accumulators */
#ifndef KB
#define KB 128 /* k block: a KB x NR strip of B stays in L1 */
#endif
#ifndef JB
#define JB 256 /* j block: a KB x JB panel of B (256 KiB) stays in L2 */
#endif
#define SAMPLES 64

struct matmul_data {
    double *a, *b;
};

static uint64_t matmul_memory(uint64_t n)
{
    return 3 * n * n * sizeof(double);
}

static uint64_t matmul_output_memory(uint64_t n)
{
    return n * n * sizeof(double);
}

/* A matrix of n x n doubles. One of 2 MiB or more starts on a 2 MiB boundary, rounded up to
 * whole 2 MiB pages, and asks for transparent huge pages (MADV_HUGEPAGE: the kernel's
 * 'madvise' mode gives them only to who asks) before it is first touched. Every model
 * multiplies the same matrices, so where they sit must not depend on the model: with
 * 4 KiB pages a forked worker (whose copied page-table entries start "not accessed")
 * pays one page-table update per page on first touch, which this VM makes costly (about
 * 7 us a page, 0.2 s for n = 2304), and every model pays 4 KiB TLB misses on B's rows. */
#define HUGE_PAGE ((size_t)2 << 20)
static double *alloc_matrix(uint64_t n)
{
    void *p = NULL;
    size_t bytes = (size_t)(n * n * sizeof(double));
    if (bytes < HUGE_PAGE) {
        if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0)
            return NULL;
        return p;
    }
    bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: without THP, 4 KiB pages as before */
#endif
    return p;
}

static void fill(double *m, uint64_t n, uint64_t key)
{
    for (uint64_t i = 0; i < n * n; i++)
        m[i] = (double)cb_rng_u53(key, i) * 0x1p-52 - 1.0;
}

static void matmul_cleanup(struct cb_job *job)
{
    struct matmul_data *d = job->data;
    if (!d)
        return;
    free(d->a);
    free(d->b);
    free(d);
}

static int matmul_prepare(struct cb_job *job)
{
    uint64_t n = job->size;
    struct matmul_data *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    job->data = d;
    d->a = alloc_matrix(n);
    d->b = alloc_matrix(n);
    if (!d->a || !d->b)
        return -ENOMEM;
    int rc = cb_job_alloc_out(job, (size_t)n * sizeof(double), n);
    if (rc < 0)
        return rc;
    fill(d->a, n, cb_rng_key(job->seed, STREAM_A));
    fill(d->b, n, cb_rng_key(job->seed, STREAM_B));
    job->space = n;
    return 0;
}

static void matmul_reset(struct cb_job *job)
{
    /* all-ones bytes are a NaN: a row no worker wrote can never pass the checks */
    memset(job->out, 0xff, job->out_bytes);
}

/* mr rows x columns [j0, j0+NR) over k in [k0, k1): the register block. a and c point at
 * the first of the mr rows of A and C. Always inlined with a constant mr, so each use is
 * specialised and fully unrolled. */
static inline __attribute__((always_inline)) void
block_full(uint64_t n, const double *restrict a, const double *restrict b, double *restrict c,
           uint64_t j0, uint64_t k0, uint64_t k1, const int mr)
{
    v4d acc[MR][2];
    for (int r = 0; r < mr; r++)
        for (int t = 0; t < 2; t++)
            acc[r][t] = k0 == 0 ? (v4d){ 0, 0, 0, 0 } : vload(c + r * n + j0 + 4 * t);
    for (uint64_t k = k0; k < k1; k++) {
        const v4d b0 = vload(b + k * n + j0), b1 = vload(b + k * n + j0 + 4);
        for (int r = 0; r < mr; r++) {
            const double av = a[r * n + k];
            const v4d va = { av, av, av, av };
            acc[r][0] = vmadd(acc[r][0], va, b0);
            acc[r][1] = vmadd(acc[r][1], va, b1);
        }
    }
    for (int r = 0; r < mr; r++)
        for (int t = 0; t < 2; t++)
            vstore(c + r * n + j0 + 4 * t, acc[r][t]);
}

/* any leftover rectangle of `rows` rows (a and c at its first row), one element at a
 * time, in the same k order */
static void block_edge(uint64_t n, const double *restrict a, const double *restrict b,
                       double *restrict c, uint64_t rows, uint64_t j0, uint64_t j1, uint64_t k0,
                       uint64_t k1)
{
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t j = j0; j < j1; j++) {
            double s = k0 == 0 ? 0.0 : c[r * n + j];
            for (uint64_t k = k0; k < k1; k++)
                s = CB_MADD(s, a[r * n + k], b[k * n + j]);
            c[r * n + j] = s;
        }
}

static void matmul_compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                           struct cb_partial *acc, void *out)
{
    (void)acc;
    const struct matmul_data *d = job->data;
    const uint64_t n = job->size;
    const double *a = d->a, *b = d->b;
    double *c = out;
    if (n == 0)
        return;
    for (uint64_t k0 = 0; k0 < n; k0 += KB) {
        uint64_t k1 = k0 + KB < n ? k0 + KB : n;
        for (uint64_t jb = 0; jb < n; jb += JB) {
            uint64_t jbe = jb + JB < n ? jb + JB : n;
            uint64_t jfull = jb + (jbe - jb) / NR * NR;
            /* row i of the slice: A at a + i*n, C at c + (i - lo)*n */
            uint64_t i = lo;
            for (; i + MR <= hi; i += MR)
                for (uint64_t j = jb; j < jfull; j += NR)
                    block_full(n, a + i * n, b, c + (i - lo) * n, j, k0, k1, MR);
            for (; i + 4 <= hi; i += 4)
                for (uint64_t j = jb; j < jfull; j += NR)
                    block_full(n, a + i * n, b, c + (i - lo) * n, j, k0, k1, 4);
            for (; i + 2 <= hi; i += 2)
                for (uint64_t j = jb; j < jfull; j += NR)
                    block_full(n, a + i * n, b, c + (i - lo) * n, j, k0, k1, 2);
            for (; i < hi; i++)
                for (uint64_t j = jb; j < jfull; j += NR)
                    block_full(n, a + i * n, b, c + (i - lo) * n, j, k0, k1, 1);
            if (jfull < jbe)
                block_edge(n, a + lo * n, b, c, hi - lo, jfull, jbe, k0, k1);
        }
    }
}

static void matmul_finish(const struct cb_job *job, const struct cb_partial *total,
                          struct cb_result *res)
{
    (void)total;
    const uint64_t *w = job->out;
    uint64_t words = job->size * job->size;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    double sum = 0.0;
    const double *c = job->out;
    for (uint64_t i = 0; i < words; i++) {
        h = (h ^ w[i]) * UINT64_C(0x100000001b3);
        sum += c[i];
    }
    res->checksum_hi = 0;
    res->checksum_lo = cb_mix64(h);
    res->value = sum;
}

static int matmul_check(const struct cb_job *job, const struct cb_result *res, char *msg,
                        size_t len)
{
    (void)res;
    const struct matmul_data *d = job->data;
    const uint64_t n = job->size;
    const double *c = job->out;
    if (n == 0)
        return 0;
    uint64_t key = cb_rng_key(job->seed, 4);
    for (int s = 0; s < SAMPLES; s++) {
        /* the corners first, then random entries */
        uint64_t i = s == 0 || s == 1 ? 0 : s == 2 || s == 3 ? n - 1 : cb_rng_u64(key, 2 * (uint64_t)s) % n;
        uint64_t j = s == 0 || s == 2 ? 0 : s == 1 || s == 3 ? n - 1 : cb_rng_u64(key, 2 * (uint64_t)s + 1) % n;
        double plain = 0.0;
        for (uint64_t k = 0; k < n; k++)
            plain = CB_MADD(plain, d->a[i * n + k], d->b[k * n + j]);
        double got = c[i * n + j];
        if (memcmp(&plain, &got, sizeof plain) != 0) {
            snprintf(msg, len, "C[%llu][%llu] = %.17g but the plain triple loop gives %.17g",
                     (unsigned long long)i, (unsigned long long)j, got, plain);
            return -1;
        }
    }
    return 0;
}

/* |a|, |b| < 1, so every exact C[i][j] is a sum of n terms below 1 in magnitude; any
 * summation order is within n * u * sum|a_ik b_kj| <= n^2 * 2^-53 of it (Higham), and two
 * orders within twice that. */
static double matmul_tolerance(uint64_t n)
{
    return 2.0 * (double)n * (double)n * 0x1p-53;
}

static double matmul_flops(uint64_t n)
{
    return 2.0 * (double)n * (double)n * (double)n;
}

const struct cb_kernel cb_kernel_matmul = {
    .name = "matmul",
    .description = "dense C = A x B, n x n doubles, blocked (cache and memory)",
    .size_meaning = "n, the matrix order",
    .default_size = 2304,
    .min_size = 0,
    .max_size = 1 << 20,
    .min_chunk = 96, /* 16 register blocks of rows: B is read once per 96 rows at most */
    .memory = matmul_memory,
    .output_memory = matmul_output_memory,
    .prepare = matmul_prepare,
    .cleanup = matmul_cleanup,
    .reset = matmul_reset,
    .compute = matmul_compute,
    .finish = matmul_finish,
    .check = matmul_check,
    .tolerance = matmul_tolerance,
    .flops = matmul_flops,
};

int cb_matmul_inputs(const struct cb_job *job, const double **a, const double **b)
{
    const struct matmul_data *d = job->data;
    if (job->kernel != &cb_kernel_matmul || !d)
        return -EINVAL;
    *a = d->a;
    *b = d->b;
    return 0;
}
