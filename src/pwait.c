/*
 * pwait.c - see pwait.h.
 *
 * The post and the sleep meet as in Dekker's algorithm: the poster bumps `seq` and then
 * reads `sleepers`; a sleeper bumps `sleepers` and then reads `seq` (all sequentially
 * consistent), so at least one of them sees the other's write: either the poster sees a
 * sleeper and wakes it, or the sleeper sees the new number and does not sleep. The futex
 * call itself compares `seq` with `old` in the kernel, so a post between the sleeper's
 * check and its futex call is not lost either.
 */
#define _GNU_SOURCE
#include "pwait.h"

#include "timer.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const char *cb_wait_name(enum cb_wait w)
{
    return w == CB_WAIT_SPIN ? "spin" : w == CB_WAIT_PASSIVE ? "passive" : "auto";
}

int cb_wait_parse(const char *s, enum cb_wait *w)
{
    static const enum cb_wait all[] = { CB_WAIT_AUTO, CB_WAIT_SPIN, CB_WAIT_PASSIVE };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, cb_wait_name(all[i])) == 0) {
            *w = all[i];
            return 0;
        }
    return -1;
}

enum cb_wait_how cb_wait_how(enum cb_wait policy, int workers, int caller_waits, int pus)
{
    int running = workers + (caller_waits ? 1 : 0);
    switch (policy) {
    case CB_WAIT_PASSIVE:
        return CB_HOW_SLEEP;
    case CB_WAIT_SPIN:
        return running <= pus ? CB_HOW_SPIN_FOREVER : CB_HOW_YIELD_FOREVER;
    case CB_WAIT_AUTO:
    default:
        if (running <= pus)
            return CB_HOW_SPIN;
        return workers <= pus ? CB_HOW_YIELD : CB_HOW_SLEEP;
    }
}

const char *cb_wait_how_name(enum cb_wait_how how)
{
    static const char *const names[] = {
        [CB_HOW_SLEEP] = "sleep",
        [CB_HOW_SPIN] = "poll then sleep",
        [CB_HOW_YIELD] = "yield-poll then sleep",
        [CB_HOW_SPIN_FOREVER] = "poll",
        [CB_HOW_YIELD_FOREVER] = "yield-poll",
    };
    return (unsigned)how < sizeof names / sizeof names[0] ? names[how] : "?";
}

int cb_wait_pus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts,
                  int shared)
{
    return syscall(SYS_futex, (uint32_t *)addr, op | (shared ? 0 : FUTEX_PRIVATE_FLAG), val,
                   ts, NULL, 0);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

void cb_wake_post(struct cb_wake *w, int shared)
{
    atomic_fetch_add_explicit(&w->seq, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&w->sleepers, memory_order_seq_cst) != 0)
        futex(&w->seq, FUTEX_WAKE, INT_MAX, NULL, shared);
}

int cb_wake_wait(struct cb_wake *w, uint32_t old, enum cb_wait_how how, int shared,
                 double timeout_s, double *spun)
{
    if (cb_wake_read(w) != old)
        return 0;
    if (how != CB_HOW_SLEEP) {
        int yield = how == CB_HOW_YIELD || how == CB_HOW_YIELD_FOREVER;
        int forever = how == CB_HOW_SPIN_FOREVER || how == CB_HOW_YIELD_FOREVER;
        double t0 = cb_now(), limit = t0 + CB_WAIT_SPIN_S, t = t0;
        int seen = 0;
        for (unsigned i = 1;; i++) {
            if (yield)
                sched_yield();
            else
                cpu_relax();
            if (cb_wake_read(w) != old) {
                seen = 1;
                break;
            }
            /* the clock every 64 pauses (a few microseconds), every 4 yields */
            if ((i & (yield ? 3u : 63u)) == 0) {
                t = cb_now();
                if (!forever && t >= limit)
                    break;
                if (forever && timeout_s > 0 && t >= t0 + timeout_s)
                    break;
            }
        }
        *spun += cb_now() - t0;
        if (seen)
            return 0;
        if (forever)
            return -ETIMEDOUT; /* only with a timeout: the caller checks and comes back */
    }
    struct timespec ts, *tsp = NULL;
    if (timeout_s > 0) {
        ts.tv_sec = (time_t)timeout_s;
        ts.tv_nsec = (long)((timeout_s - (double)ts.tv_sec) * 1e9);
        tsp = &ts;
    }
    int rc = 0;
    atomic_fetch_add_explicit(&w->sleepers, 1, memory_order_seq_cst);
    while (atomic_load_explicit(&w->seq, memory_order_seq_cst) == old) {
        if (futex(&w->seq, FUTEX_WAIT, old, tsp, shared) < 0 && errno == ETIMEDOUT) {
            rc = atomic_load_explicit(&w->seq, memory_order_acquire) == old ? -ETIMEDOUT : 0;
            break;
        }
    }
    atomic_fetch_sub_explicit(&w->sleepers, 1, memory_order_seq_cst);
    atomic_thread_fence(memory_order_acquire);
    return rc;
}
