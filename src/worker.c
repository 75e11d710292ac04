/*
 * worker.c - the one worker body shared by every model (see harness.h).
 */
#include "harness.h"
#include "timer.h"

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
