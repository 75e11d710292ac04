/*
 * pwait.h - how the pools' threads and processes wait for each other: spin for a bounded
 * time, then sleep in the kernel (a futex), as libgomp does (GOMP_SPINCOUNT,
 * OMP_WAIT_POLICY). A hand-over that finds its waiter still spinning costs a cache-line
 * transfer (well under a microsecond) instead of a wake-up through the kernel (several to
 * tens of microseconds on a VM).
 *
 * A cb_wake is a 32-bit sequence number and a count of sleepers. A waiter remembers the
 * number it last saw and waits until it changes; a poster increments it and makes the
 * futex call only when somebody sleeps. The object may live in memory shared between
 * processes (`shared`: a futex keyed by the physical page, not the private one).
 *
 * The policy (`--wait` of bench-threadpool and bench-procpool):
 *   spin     never sleep: poll until the work arrives (OMP_WAIT_POLICY=active), with a
 *            sched_yield() between polls when more threads can run than there are PUs;
 *   passive  sleep at once (OMP_WAIT_POLICY=passive; the pools' behaviour before issue 20);
 *   auto     the default: spin for CB_WAIT_SPIN_S (stated in the README) and then sleep,
 *            but only while the threads that can run at once (the pass's workers, plus
 *            the caller if it waits without working) fit on the allowed PUs; when only the
 *            waiting caller is one too many, poll with sched_yield() instead (it gives the
 *            CPU to a worker at once); when the workers alone exceed the PUs, sleep at
 *            once, so that no waiter takes CPU time from a worker with work.
 */
#ifndef CB_PWAIT_H
#define CB_PWAIT_H

#include <stdatomic.h>
#include <stdint.h>

/* How long `auto` (and `spin`'s first phase) polls before it sleeps (yields), seconds. */
#define CB_WAIT_SPIN_S 0.001

enum cb_wait { CB_WAIT_AUTO, CB_WAIT_SPIN, CB_WAIT_PASSIVE };

/* "auto", "spin", "passive". */
const char *cb_wait_name(enum cb_wait w);
/* 0, or -1 for an unknown name. */
int cb_wait_parse(const char *s, enum cb_wait *w);

/* How one wait goes, decided from the policy and the load. */
enum cb_wait_how {
    CB_HOW_SLEEP,        /* futex at once */
    CB_HOW_SPIN,         /* pause-poll for CB_WAIT_SPIN_S, then futex */
    CB_HOW_YIELD,        /* sched_yield-poll for CB_WAIT_SPIN_S, then futex */
    CB_HOW_SPIN_FOREVER, /* pause-poll, never sleep */
    CB_HOW_YIELD_FOREVER /* sched_yield-poll, never sleep */
};

/* The policy applied to a pass of `workers` workers on `pus` allowed PUs, the caller
 * waiting without working if caller_waits (1) or working as worker 0 (0). */
enum cb_wait_how cb_wait_how(enum cb_wait policy, int workers, int caller_waits, int pus);

/* What a wait of that kind does, for notes: "sleep", "poll then sleep", "yield-poll then
 * sleep", "poll", "yield-poll". */
const char *cb_wait_how_name(enum cb_wait_how how);

/* The PUs this thread may run on (its affinity mask), at least 1. */
int cb_wait_pus(void);

struct cb_wake {
    _Atomic uint32_t seq;      /* bumped by every post */
    _Atomic uint32_t sleepers; /* waiters inside the futex part */
};

/* The current number, for a later wait (acquire). */
static inline uint32_t cb_wake_read(struct cb_wake *w)
{
    return atomic_load_explicit(&w->seq, memory_order_acquire);
}

/* Bump the number (release: what the caller wrote before is visible to a waiter that sees
 * it) and wake the sleepers, if any. */
void cb_wake_post(struct cb_wake *w, int shared);

/* Wait until the number differs from `old` (acquire). timeout_s > 0 bounds the sleeping
 * part (one futex wait, spurious wake-ups restart it), or the whole poll of the _FOREVER
 * ways: -ETIMEDOUT when it ran out (the caller checks its workers' health and waits again),
 * else 0.
 * Adds the seconds spent polling (CPU time spent waiting) to *spun. */
int cb_wake_wait(struct cb_wake *w, uint32_t old, enum cb_wait_how how, int shared,
                 double timeout_s, double *spun);

#endif
