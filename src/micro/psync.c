/*
 * psync.c - see psync.h.
 */
#define _GNU_SOURCE
#include "psync.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cb_sync_names[] = { "mutex", "rmutex", "sem", "cond", "event", "barrier",
                                      "atomic", NULL };
const char *const cb_sync_ops[] = {
    "lock + increment + unlock",
    "recursive lock + increment + unlock",
    "sem_wait + increment + sem_post",
    "contended: one token hand-off (broadcast); alone: lock + signal + unlock",
    "contended: one token hand-off (wait + clear + set next); alone: set + wait + clear",
    "one worker passing one barrier",
    "atomic_fetch_add",
};

void cb_must(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "psync: %s: %s\n", what, strerror(rc));
        abort();
    }
}

int cb_mutex_init(pthread_mutex_t *m, int pshared, int recursive)
{
    pthread_mutexattr_t a;
    int rc = pthread_mutexattr_init(&a);
    if (rc)
        return -rc;
    if (pshared)
        rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (!rc && recursive)
        rc = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    if (!rc)
        rc = pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return -rc;
}

int cb_cond_init(pthread_cond_t *c, int pshared)
{
    pthread_condattr_t a;
    int rc = pthread_condattr_init(&a);
    if (rc)
        return -rc;
    if (pshared)
        rc = pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (!rc)
        rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return -rc;
}

int cb_barrier_init(pthread_barrier_t *b, int pshared, unsigned count)
{
    pthread_barrierattr_t a;
    int rc = pthread_barrierattr_init(&a);
    if (rc)
        return -rc;
    if (pshared)
        rc = pthread_barrierattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    if (!rc)
        rc = pthread_barrier_init(b, &a, count);
    pthread_barrierattr_destroy(&a);
    return -rc;
}

int cb_sem_init(sem_t *s, int pshared, unsigned value)
{
    return sem_init(s, pshared, value) < 0 ? -errno : 0;
}

static void sem_wait_retry(sem_t *s)
{
    while (sem_wait(s) < 0) {
        if (errno != EINTR)
            cb_must(errno, "sem_wait");
    }
}

static void sem_post_must(sem_t *s)
{
    if (sem_post(s) < 0)
        cb_must(errno, "sem_post");
}

int cb_event_init(struct cb_event *e, int pshared)
{
    e->flag = 0;
    int rc = cb_mutex_init(&e->lock, pshared, 0);
    if (rc)
        return rc;
    rc = cb_cond_init(&e->cond, pshared);
    if (rc)
        pthread_mutex_destroy(&e->lock);
    return rc;
}

void cb_event_set(struct cb_event *e)
{
    cb_must(pthread_mutex_lock(&e->lock), "pthread_mutex_lock");
    e->flag = 1;
    cb_must(pthread_cond_broadcast(&e->cond), "pthread_cond_broadcast");
    cb_must(pthread_mutex_unlock(&e->lock), "pthread_mutex_unlock");
}

void cb_event_clear(struct cb_event *e)
{
    cb_must(pthread_mutex_lock(&e->lock), "pthread_mutex_lock");
    e->flag = 0;
    cb_must(pthread_mutex_unlock(&e->lock), "pthread_mutex_unlock");
}

void cb_event_wait(struct cb_event *e)
{
    cb_must(pthread_mutex_lock(&e->lock), "pthread_mutex_lock");
    while (!e->flag)
        cb_must(pthread_cond_wait(&e->cond, &e->lock), "pthread_cond_wait");
    cb_must(pthread_mutex_unlock(&e->lock), "pthread_mutex_unlock");
}

void cb_event_destroy(struct cb_event *e)
{
    pthread_cond_destroy(&e->cond);
    pthread_mutex_destroy(&e->lock);
}

size_t cb_sync_bytes(int p)
{
    return sizeof(struct cb_sync) + (size_t)p * sizeof(struct cb_event);
}

int cb_sync_init(struct cb_sync *s, int kind, int pshared, int p)
{
    if (kind < 0 || kind >= CB_SYNC_KINDS || p < 1)
        return -EINVAL;
    memset(s, 0, cb_sync_bytes(p));
    s->kind = kind;
    s->pshared = pshared;
    s->p = p;
    atomic_init(&s->acount, 0);
    int rc = 0;
    switch (kind) {
    case CB_SYNC_MUTEX:
    case CB_SYNC_RMUTEX:
        rc = cb_mutex_init(&s->mutex, pshared, kind == CB_SYNC_RMUTEX);
        break;
    case CB_SYNC_SEM:
        rc = cb_sem_init(&s->sem, pshared, 1);
        break;
    case CB_SYNC_COND:
        rc = cb_mutex_init(&s->mutex, pshared, 0);
        if (!rc && (rc = cb_cond_init(&s->cond, pshared)) != 0)
            pthread_mutex_destroy(&s->mutex);
        break;
    case CB_SYNC_EVENT:
        for (int w = 0; w < p && !rc; w++)
            if ((rc = cb_event_init(&s->ev[w], pshared)) != 0)
                for (int v = 0; v < w; v++)
                    cb_event_destroy(&s->ev[v]);
        break;
    case CB_SYNC_BARRIER:
        rc = cb_barrier_init(&s->barrier, pshared, (unsigned)p);
        break;
    default:
        break;
    }
    if (!rc)
        cb_sync_reset(s);
    return rc;
}

void cb_sync_destroy(struct cb_sync *s)
{
    switch (s->kind) {
    case CB_SYNC_MUTEX:
    case CB_SYNC_RMUTEX:
        pthread_mutex_destroy(&s->mutex);
        break;
    case CB_SYNC_SEM:
        sem_destroy(&s->sem);
        break;
    case CB_SYNC_COND:
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->mutex);
        break;
    case CB_SYNC_EVENT:
        for (int w = 0; w < s->p; w++)
            cb_event_destroy(&s->ev[w]);
        break;
    case CB_SYNC_BARRIER:
        pthread_barrier_destroy(&s->barrier);
        break;
    default:
        break;
    }
}

void cb_sync_reset(struct cb_sync *s)
{
    s->counter = 0;
    atomic_store(&s->acount, 0);
    if (s->kind == CB_SYNC_EVENT) {
        /* the token starts at worker 0: exactly one event is set at any time */
        for (int w = 0; w < s->p; w++)
            s->ev[w].flag = w == 0;
    }
}

static inline void locked_increment(struct cb_sync *s)
{
    cb_must(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
    s->counter++;
    cb_must(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
}

void cb_sync_work(struct cb_sync *s, int w, uint64_t k)
{
    const uint64_t p = (uint64_t)s->p;
    switch (s->kind) {
    case CB_SYNC_MUTEX:
    case CB_SYNC_RMUTEX:
        for (uint64_t i = 0; i < k; i++)
            locked_increment(s);
        break;
    case CB_SYNC_SEM:
        for (uint64_t i = 0; i < k; i++) {
            sem_wait_retry(&s->sem);
            s->counter++;
            sem_post_must(&s->sem);
        }
        break;
    case CB_SYNC_COND:
        /* the token is the counter: worker (counter mod p) holds it. Everyone wakes on a
         * broadcast and all but the next holder wait again. */
        for (uint64_t i = 0; i < k; i++) {
            cb_must(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
            while (s->counter % p != (uint64_t)w)
                cb_must(pthread_cond_wait(&s->cond, &s->mutex), "pthread_cond_wait");
            s->counter++;
            cb_must(pthread_cond_broadcast(&s->cond), "pthread_cond_broadcast");
            cb_must(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
        }
        break;
    case CB_SYNC_EVENT: {
        /* one token: only worker w-1 sets ev[w], and only while holding the token, so
         * nobody can set ev[w] between our wait and our clear */
        struct cb_event *mine = &s->ev[w], *next = &s->ev[(uint64_t)(w + 1) % p];
        for (uint64_t i = 0; i < k; i++) {
            cb_event_wait(mine);
            cb_event_clear(mine);
            atomic_fetch_add_explicit(&s->acount, 1, memory_order_relaxed);
            cb_event_set(next);
        }
        break;
    }
    case CB_SYNC_BARRIER:
        for (uint64_t i = 0; i < k; i++) {
            int rc = pthread_barrier_wait(&s->barrier);
            if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
                cb_must(rc, "pthread_barrier_wait");
        }
        atomic_fetch_add(&s->acount, k);
        break;
    case CB_SYNC_ATOMIC:
        for (uint64_t i = 0; i < k; i++)
            atomic_fetch_add(&s->acount, 1);
        break;
    default:
        break;
    }
}

void cb_sync_solo(struct cb_sync *s, uint64_t k)
{
    switch (s->kind) {
    case CB_SYNC_COND:
        for (uint64_t i = 0; i < k; i++) {
            cb_must(pthread_mutex_lock(&s->mutex), "pthread_mutex_lock");
            s->counter++;
            cb_must(pthread_cond_signal(&s->cond), "pthread_cond_signal");
            cb_must(pthread_mutex_unlock(&s->mutex), "pthread_mutex_unlock");
        }
        break;
    case CB_SYNC_EVENT:
        for (uint64_t i = 0; i < k; i++) {
            cb_event_set(&s->ev[0]);
            cb_event_wait(&s->ev[0]);
            cb_event_clear(&s->ev[0]);
            s->counter++;
        }
        break;
    default:
        cb_sync_work(s, 0, k);
        break;
    }
}

__attribute__((noinline)) void cb_sync_solo_ref(struct cb_sync *s, uint64_t k)
{
    for (uint64_t i = 0; i < k; i++) {
        s->counter++;
        __asm__ __volatile__("" ::: "memory"); /* one increment per iteration, kept */
    }
}

uint64_t cb_sync_count(struct cb_sync *s)
{
    switch (s->kind) {
    case CB_SYNC_EVENT:
        return atomic_load(&s->acount) + s->counter;
    case CB_SYNC_BARRIER:
    case CB_SYNC_ATOMIC:
        return atomic_load(&s->acount);
    default:
        return s->counter;
    }
}
