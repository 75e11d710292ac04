/*
 * ompregion.c - see ompregion.h. The only file of the micro-benchmarks built with
 * -fopenmp, so the rest of bench-overhead is compiled exactly like the other binaries.
 */
#include "ompregion.h"

#include "bind.h"
#include "micro.h"
#include "timer.h"

#include <errno.h>
#include <omp.h>
#include <stdio.h>

int cb_omp_regions(int p, uint64_t inner, uint64_t iters, const int *plan,
                   struct cb_where *where, double *seconds)
{
    int got = 0;
    omp_set_dynamic(0);
    /* one region first, untimed: the team really has p threads (else the figure would be
     * a smaller team's), and each binds itself to its PU of the plan */
#pragma omp parallel num_threads(p)
    {
        int t = omp_get_thread_num();
        if (t < p)
            cb_bind_thread(plan[t]);
#pragma omp single
        got = omp_get_num_threads();
    }
    if (got != p)
        return -EAGAIN;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
#pragma omp parallel num_threads(p)
        {
            int t = omp_get_thread_num(), cpu0 = cb_current_cpu();
            cb_delay(iters);
            cb_where_note(&where[t], plan[t], cpu0, cb_current_cpu());
        }
    }
    *seconds = cb_now() - t0;
    return 0;
}

const char *cb_omp_version(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "_OPENMP %d", (int)_OPENMP);
    return buf;
}
