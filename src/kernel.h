/*
 * kernel.h - the kernel descriptor: the CPU-bound work every model runs.
 *
 * A kernel defines an index space [0, space) for a problem size and a function that
 * computes any slice [lo, hi) of it into a partial result. Partials combine by addition,
 * and the combined result never depends on how the space was split or in which order the
 * slices ran: that is what lets every model's result be checked bit-exactly against the
 * sequential one. Kernels that produce an array (matmul) write a slice's rows into the
 * buffer given to compute(), whose first row is the slice's first row: normally the job's
 * shared output at row lo, or a worker's private buffer that a channel carries home.
 *
 * Adding a kernel: its file in src/kernels/, one line in the table in kernels.c, one line
 * in meson.build.
 */
#ifndef CB_KERNEL_H
#define CB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 cb_u128;

/* A partial result: an exact integer accumulator. Plain old data, so it can travel
 * through a pipe, a message queue or a shared-memory slot unchanged. */
struct cb_partial {
    cb_u128 sum;
};

/* One prepared problem: the kernel, its size and seed, and its inputs. */
struct cb_job {
    const struct cb_kernel *kernel;
    uint64_t size;   /* the user-facing size: N numbers, or n for an n x n matrix */
    uint64_t seed;
    uint64_t space;  /* length of the index space the models split */
    void *data;      /* kernel-private inputs, set by prepare */
    void *out;       /* output rows, or NULL: a shared mapping of out_fd (see cb_job_alloc_out) */
    size_t out_stride; /* bytes per index of out */
    size_t out_bytes;
    int out_fd;      /* memfd behind out (close-on-exec), or -1: spawned workers map it */
};

/* What a checked result carries: the exact checksum and a human value. */
struct cb_result {
    uint64_t checksum_hi, checksum_lo; /* exact 128-bit checksum (count, exact sum, hash of C) */
    double value;                      /* the prime count, the mean, or the GFLOP-relevant sum */
};

struct cb_kernel {
    const char *name;
    const char *description;
    const char *size_meaning;  /* "N: count primes below N" etc., for --help */
    uint64_t default_size;     /* about one second sequentially on the project's machine */
    uint64_t min_size, max_size;
    /* The smallest slice worth handing out by default (0 or 1: any). matmul sets it: every
     * slice streams all of B, so a few rows per slice would make it memory-bound. */
    uint64_t min_chunk;

    /* Bytes of memory a problem of this size needs (inputs and output), for limits. */
    uint64_t (*memory)(uint64_t size);
    /* Of those, the output's bytes (NULL: no output). Models that copy or carry the output
     * count them again (harness.h, cb_model.memory). */
    uint64_t (*output_memory)(uint64_t size);
    /* Allocate and fill inputs for job->size and job->seed; set job->space. 0 or -errno. */
    int (*prepare)(struct cb_job *job);
    /* Free what prepare allocated. May be NULL. */
    void (*cleanup)(struct cb_job *job);
    /* Before each repetition, untimed: poison the output so a skipped slice is caught.
     * May be NULL. */
    void (*reset)(struct cb_job *job);
    /* Compute slice [lo, hi) of the index space, adding into *acc; array kernels write
     * row r (lo <= r < hi) at out + (r - lo) * job->out_stride. Must not depend on other
     * slices. */
    void (*compute)(const struct cb_job *job, uint64_t lo, uint64_t hi,
                    struct cb_partial *acc, void *out);
    /* Turn the combined partial (and the output) into the checked result. Untimed. */
    void (*finish)(const struct cb_job *job, const struct cb_partial *total,
                   struct cb_result *res);
    /* Independent check of a result, by another method (sieve, plain loop, statistics).
     * Returns 0 if it holds; otherwise writes why into msg and returns -1. */
    int (*check)(const struct cb_job *job, const struct cb_result *res,
                 char *msg, size_t msglen);
    /* For output of doubles: the largest absolute difference from the reference that an
     * engine summing in another order may show, or NULL. */
    double (*tolerance)(uint64_t size);
    /* Floating-point operations for this size, or NULL if GFLOP/s does not apply. */
    double (*flops)(uint64_t size);
};

/* The table of kernels, NULL-terminated, in the order --help lists them. */
extern const struct cb_kernel *const cb_kernels[];

/* Find a kernel by name, or NULL. */
const struct cb_kernel *cb_kernel_find(const char *name);

/* The short name of a kernel's size ("N", "n"): size_meaning up to its first comma or
 * blank, or "size" when it has none (or k is NULL). Into buf, always NUL-terminated. */
void cb_kernel_size_name(const struct cb_kernel *k, char *buf, size_t len);

/* Prepare/cleanup a job through its kernel. cb_job_prepare returns 0 or -errno. */
int cb_job_prepare(struct cb_job *job, const struct cb_kernel *k, uint64_t size, uint64_t seed);
void cb_job_cleanup(struct cb_job *job);

/* Allocate job->out as a shared mapping of a memfd, so forked workers write in place and
 * spawned workers can map it from the inherited descriptor. 0 or -errno. Freed by
 * cb_job_cleanup. */
int cb_job_alloc_out(struct cb_job *job, size_t stride, uint64_t rows);

/* In a spawned worker: replace the job's output with a mapping of the parent's output
 * memfd `fd`, so rows are written in place. 0 or -errno. */
int cb_job_attach_out(struct cb_job *job, int fd);

/* Where row r of the job's shared output starts (NULL for kernels without output). */
static inline void *cb_job_row(const struct cb_job *job, uint64_t r)
{
    return job->out ? (char *)job->out + r * job->out_stride : NULL;
}

/* Add b into a. */
static inline void cb_partial_add(struct cb_partial *a, const struct cb_partial *b)
{
    a->sum += b->sum;
}

/* The matmul kernel's inputs, for an engine that multiplies them itself (a BLAS): A and B,
 * row-major n x n doubles with n = job->size, aligned to 64 bytes. Returns 0, or -EINVAL
 * if job is not a prepared matmul job. */
int cb_matmul_inputs(const struct cb_job *job, const double **a, const double **b);

/* Compute the whole space on the calling thread: the sequential reference. */
void cb_job_compute_all(const struct cb_job *job, struct cb_result *res);

/* Print a 128-bit unsigned value in decimal into buf (at least 40 bytes). */
void cb_u128_format(cb_u128 v, char *buf, size_t len);

#endif
