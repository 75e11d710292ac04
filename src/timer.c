/*
 * timer.c - see timer.h.
 */
#include "timer.h"

#include <sys/resource.h>
#include <time.h>

double cb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

void cb_cpu_now(struct cb_cpu *c)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    c->user = tv(self.ru_utime) + tv(kids.ru_utime);
    c->sys = tv(self.ru_stime) + tv(kids.ru_stime);
}

double cb_timer_resolution(void)
{
    struct timespec ts;
    clock_getres(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double cb_timer_cost(void)
{
    enum { CALLS = 100000 };
    double t0 = cb_now();
    volatile double sink = 0;
    for (int i = 0; i < CALLS; i++)
        sink = cb_now();
    (void)sink;
    return (cb_now() - t0) / CALLS;
}
