/*
 * kernels.c - the explicit table of kernels and what every kernel shares: preparing a
 * job, the shared output mapping, and the sequential reference computation.
 */
#define _GNU_SOURCE
#include "kernel.h"
#include "kernels/kernels.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern const struct cb_kernel cb_kernel_primes;
extern const struct cb_kernel cb_kernel_randsum;
extern const struct cb_kernel cb_kernel_matmul;
extern const struct cb_kernel cb_kernel_empty;

const struct cb_kernel *const cb_kernels[] = {
    &cb_kernel_primes,
    &cb_kernel_randsum,
    &cb_kernel_matmul,
    &cb_kernel_empty,
    NULL,
};

void cb_finish_count(const struct cb_job *job, const struct cb_partial *total,
                     struct cb_result *res)
{
    (void)job;
    res->checksum_hi = (uint64_t)(total->sum >> 64);
    res->checksum_lo = (uint64_t)total->sum;
    res->value = (double)total->sum;
}

const struct cb_kernel *cb_kernel_find(const char *name)
{
    for (size_t i = 0; cb_kernels[i]; i++)
        if (strcmp(cb_kernels[i]->name, name) == 0)
            return cb_kernels[i];
    return NULL;
}

void cb_kernel_size_name(const struct cb_kernel *k, char *buf, size_t len)
{
    size_t l = k && k->size_meaning ? strcspn(k->size_meaning, ", ") : 0;
    if (l > 0 && l < len)
        snprintf(buf, len, "%.*s", (int)l, k->size_meaning);
    else
        snprintf(buf, len, "size");
}

int cb_job_prepare(struct cb_job *job, const struct cb_kernel *k, uint64_t size, uint64_t seed)
{
    memset(job, 0, sizeof *job);
    job->out_fd = -1;
    job->kernel = k;
    job->size = size;
    job->seed = seed;
    job->space = size;
    if (k->prepare) {
        int rc = k->prepare(job);
        if (rc < 0) {
            cb_job_cleanup(job);
            return rc;
        }
    }
    return 0;
}

void cb_job_cleanup(struct cb_job *job)
{
    if (job->kernel && job->kernel->cleanup)
        job->kernel->cleanup(job);
    if (job->out)
        munmap(job->out, job->out_bytes);
    if (job->out_fd >= 0)
        close(job->out_fd);
    job->out_fd = -1;
    job->out = NULL;
    job->data = NULL;
}

int cb_job_alloc_out(struct cb_job *job, size_t stride, uint64_t rows)
{
    size_t bytes = stride * (size_t)rows;
    if (bytes == 0)
        bytes = 1;
    int fd = memfd_create("cb-out", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, (off_t)bytes) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        int e = errno;
        close(fd);
        return -e;
    }
    job->out_fd = fd;
    job->out = p;
    job->out_stride = stride;
    job->out_bytes = bytes;
    return 0;
}

int cb_job_attach_out(struct cb_job *job, int fd)
{
    void *p = mmap(NULL, job->out_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    if (job->out)
        munmap(job->out, job->out_bytes);
    if (job->out_fd >= 0)
        close(job->out_fd);
    job->out = p;
    job->out_fd = fd;
    return 0;
}

void cb_job_compute_all(const struct cb_job *job, struct cb_result *res)
{
    struct cb_partial total = { 0 };
    if (job->kernel->reset)
        job->kernel->reset((struct cb_job *)job);
    job->kernel->compute(job, 0, job->space, &total, job->out);
    job->kernel->finish(job, &total, res);
}

void cb_u128_format(cb_u128 v, char *buf, size_t len)
{
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v && n < sizeof tmp);
    size_t i = 0;
    for (; i < n && i + 1 < len; i++)
        buf[i] = tmp[n - 1 - i];
    if (len)
        buf[i] = '\0';
}
