/*
 * timer.h - wall-clock time from CLOCK_MONOTONIC and CPU time from getrusage.
 */
#ifndef CB_TIMER_H
#define CB_TIMER_H

struct cb_cpu {
    double user, sys; /* seconds */
};

/* Seconds since an arbitrary start, CLOCK_MONOTONIC. */
double cb_now(void);

/* User and system CPU time of this process (all threads) plus its reaped children. */
void cb_cpu_now(struct cb_cpu *c);

/* Resolution of CLOCK_MONOTONIC and the measured cost of one cb_now() call, seconds. */
double cb_timer_resolution(void);
double cb_timer_cost(void);

#endif
