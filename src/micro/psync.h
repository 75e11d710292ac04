/*
 * psync.h - the course's synchronisation primitives as POSIX objects, and the workloads
 * bench-sync times with them. Each object works between threads or, placed in shared
 * memory (cb_shared_alloc) and initialised with pshared = 1, between forked processes:
 *
 *   course          here
 *   Lock            pthread mutex (default type)
 *   RLock           recursive pthread mutex
 *   Semaphore       POSIX unnamed semaphore (sem_init)
 *   Condition       pthread condition variable with its mutex
 *   Event           a flag under a mutex with a condition variable (set, clear, wait), as
 *                   Python builds threading.Event from a Condition
 *   Barrier         pthread barrier
 *   (Value + Lock)  a counter under a lock, against an atomic counter (stdatomic)
 *
 * Lock, unlock, wait and signal cannot fail on a valid, initialised object: if one does,
 * that is a bug, and the call aborts with a message (as pool.c does). Initialisers return 0
 * or a negative errno.
 */
#ifndef CB_PSYNC_H
#define CB_PSYNC_H

#include <pthread.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

int cb_mutex_init(pthread_mutex_t *m, int pshared, int recursive);
int cb_cond_init(pthread_cond_t *c, int pshared);
int cb_barrier_init(pthread_barrier_t *b, int pshared, unsigned count);
int cb_sem_init(sem_t *s, int pshared, unsigned value);

/* Abort with a message when a pthread call that cannot fail did (rc != 0). */
void cb_must(int rc, const char *what);

struct cb_event {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int flag; /* under lock */
};

int cb_event_init(struct cb_event *e, int pshared);
void cb_event_set(struct cb_event *e);   /* flag = 1, wake every waiter */
void cb_event_clear(struct cb_event *e); /* flag = 0 */
void cb_event_wait(struct cb_event *e);  /* until flag is 1 */
void cb_event_destroy(struct cb_event *e);

/* The workloads. */
enum cb_sync_kind {
    CB_SYNC_MUTEX,   /* lock, ++counter, unlock */
    CB_SYNC_RMUTEX,  /* the same with a recursive mutex */
    CB_SYNC_SEM,     /* a semaphore of 1 as the lock: wait, ++counter, post */
    CB_SYNC_COND,    /* contended: a token passed round p workers under one mutex and one
                      * condition variable (broadcast, as notify_all); alone: lock, signal
                      * with no waiter, unlock */
    CB_SYNC_EVENT,   /* contended: a token passed round p workers, one event each (wait,
                      * clear, set the next); alone: set, wait (returns at once), clear */
    CB_SYNC_BARRIER, /* every worker waits at a barrier of p (alone: of 1) */
    CB_SYNC_ATOMIC,  /* atomic_fetch_add on a shared counter */
    CB_SYNC_KINDS,
};

extern const char *const cb_sync_names[]; /* "mutex", ..., NULL */
extern const char *const cb_sync_ops[];   /* what one operation is, for the CSV's note */

/* The shared state of one workload for p workers (p events follow it). */
struct cb_sync {
    int kind, pshared, p;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    sem_t sem;
    pthread_barrier_t barrier;
    uint64_t counter; /* under the lock (mutex, rmutex, sem); the token's turn (cond) */
    alignas(64) atomic_uint_fast64_t acount;
    struct cb_event ev[];
};

/* Bytes of a struct cb_sync for p workers. */
size_t cb_sync_bytes(int p);

/* Initialise for `kind` and p workers (p >= 1). 0 or -errno; nothing to destroy on error. */
int cb_sync_init(struct cb_sync *s, int kind, int pshared, int p);
void cb_sync_destroy(struct cb_sync *s);

/* Before a round, with no worker inside: counters to 0, the token to worker 0. */
void cb_sync_reset(struct cb_sync *s);

/* Worker w (0 <= w < p) does k operations, alongside the p - 1 others doing theirs. */
void cb_sync_work(struct cb_sync *s, int w, uint64_t k);

/* One thread alone does k operations (s initialised with p = 1). */
void cb_sync_solo(struct cb_sync *s, uint64_t k);

/* The reference of cb_sync_solo: the same loop incrementing a plain counter. */
void cb_sync_solo_ref(struct cb_sync *s, uint64_t k);

/* The operations done since the reset, counted by the workload itself: p * k after a
 * correct contended round, k after cb_sync_solo (barrier: the passes the workers counted). */
uint64_t cb_sync_count(struct cb_sync *s);

#endif
