/*
 * worker.c - the one worker body shared by every model (see harness.h), and the command
 * line of a spawned worker process.
 */
#include "harness.h"
#include "options.h"
#include "timer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

double cb_worker_body(const struct cb_job *job, struct cb_sched *s, int w,
                      struct cb_partial *acc)
{
    struct cb_claim claim = { 0 };
    uint64_t lo, hi;
    double t0 = cb_now();
    while (cb_sched_next(s, w, &claim, &lo, &hi))
        job->kernel->compute(job, lo, hi, acc, cb_job_row(job, lo));
    return cb_now() - t0;
}

int cb_memory_fits(uint64_t bytes)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages <= 0 || page <= 0 || bytes <= (uint64_t)pages / 10 * 8 * (uint64_t)page;
}

static int bad_arg(char *err, size_t errlen, int i, const char *what, const char *arg)
{
    snprintf(err, errlen, "worker argument %d (%s) '%s' is not valid", i + 1, what, arg);
    cb_clean_line(err);
    return -EINVAL;
}

int cb_worker_args_parse(int argc, char *const *argv, struct cb_worker_args *a, char *err,
                         size_t errlen)
{
    static const char *const names[] = { "kernel", "size", "seed", "workers", "worker",
                                         "channel", "parent" };
    if (argc != 7) {
        snprintf(err, errlen, "worker: expected 7 arguments (kernel size seed workers worker "
                 "channel parent), got %d", argc);
        return -EINVAL;
    }
    memset(a, 0, sizeof *a);
    uint64_t v[7] = { 0 };
    const struct cb_kernel *k = cb_kernel_find(argv[0]);
    if (!k)
        return bad_arg(err, errlen, 0, names[0], argv[0]);
    const uint64_t max[7] = { 0, k->max_size, UINT64_MAX, CB_MAX_WORKERS, CB_MAX_WORKERS - 1,
                              CB_CHANNEL_SHM, 0x7fffffff };
    for (int i = 1; i < 7; i++)
        if (cb_parse_dec(argv[i], max[i], &v[i]) < 0)
            return bad_arg(err, errlen, i, names[i], argv[i]);
    if (v[1] < k->min_size)
        return bad_arg(err, errlen, 1, names[1], argv[1]);
    if (v[3] < 1)
        return bad_arg(err, errlen, 3, names[3], argv[3]);
    if (v[4] >= v[3])
        return bad_arg(err, errlen, 4, names[4], argv[4]);
    if (v[5] < CB_CHANNEL_PIPE)
        return bad_arg(err, errlen, 5, names[5], argv[5]);
    if (v[6] < 1)
        return bad_arg(err, errlen, 6, names[6], argv[6]);
    /* the parent refused a size this machine cannot hold; a hand-typed one is refused here
     * before its inputs are allocated */
    if (k->memory && !cb_memory_fits(k->memory(v[1]))) {
        snprintf(err, errlen, "worker argument 2 (size) %llu: %s needs more than 80%% of this "
                 "machine's memory", (unsigned long long)v[1], k->name);
        return -EINVAL;
    }
    a->kernel = k;
    a->size = v[1];
    a->seed = v[2];
    a->p = (int)v[3];
    a->w = (int)v[4];
    a->channel = (enum cb_channel)v[5];
    a->parent = (int)v[6];
    return 0;
}
