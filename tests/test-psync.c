/*
 * test-psync.c - the synchronisation objects of bench-sync (src/micro/psync.h) and the
 * teams of src/micro/micro.h, between threads and across fork: a counter incremented under
 * a process-shared mutex (plain and recursive) or semaphore by several forked children
 * reaches the exact total; an atomic counter too; a process-shared barrier releases every
 * worker in every round and lets none through early; a token passed round the workers by a
 * condition variable and by events is never lost or duplicated. And the team notices a
 * child that dies or hangs instead of waiting for it forever. Nothing here asserts a time.
 */
#define _GNU_SOURCE
#include "check.h"
#include "harness.h"
#include "micro.h"
#include "psync.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 200

struct shared {
    struct cb_sync *s;
    uint64_t k;
    pthread_barrier_t barrier;
    atomic_int arrived[ROUNDS];
    int p;
};

static int work(int w, void *arg)
{
    struct shared *sh = arg;
    cb_sync_work(sh->s, w, sh->k);
    return 0;
}

/* kind's workload by p workers of k operations each, threads or processes: the count. */
static void test_workload(int kind, int processes, int p, uint64_t k)
{
    size_t bytes = sizeof(struct shared) + 64 + cb_sync_bytes(p);
    struct shared *sh = cb_shared_alloc(bytes);
    CHECK(sh != NULL);
    if (!sh)
        return;
    sh->s = (struct cb_sync *)(void *)((char *)sh + (sizeof(struct shared) + 63) / 64 * 64);
    sh->k = k;
    CHECK_EQ_U64(cb_sync_init(sh->s, kind, processes, p), 0);
    struct cb_team t;
    char err[256] = "";
    int rc = cb_team_start(&t, processes, p, work, sh, 60, err, sizeof err);
    CHECK_EQ_U64(rc, 0);
    rc = cb_team_join(&t, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s %s p=%d: %s\n", cb_sync_names[kind],
                processes ? "processes" : "threads", p, err);
    CHECK_EQ_U64(rc, 0);
    uint64_t got = cb_sync_count(sh->s), want = (uint64_t)p * k;
    if (got != want)
        fprintf(stderr, "%s %s p=%d: counted %llu, want %llu\n", cb_sync_names[kind],
                processes ? "processes" : "threads", p, (unsigned long long)got,
                (unsigned long long)want);
    CHECK_EQ_U64(got, want);
    /* a second round on the same object after a reset */
    cb_sync_reset(sh->s);
    CHECK_EQ_U64(cb_team_start(&t, processes, p, work, sh, 60, err, sizeof err), 0);
    CHECK_EQ_U64(cb_team_join(&t, err, sizeof err), 0);
    CHECK_EQ_U64(cb_sync_count(sh->s), want);
    cb_sync_destroy(sh->s);
    cb_shared_free(sh, bytes);
}

/* Every worker counts itself in before each barrier and checks after it that all p have:
 * a barrier that let one through early, or never released them, fails (or times out). */
static int barrier_rounds(int w, void *arg)
{
    struct shared *sh = arg;
    (void)w;
    for (int i = 0; i < ROUNDS; i++) {
        atomic_fetch_add(&sh->arrived[i], 1);
        int rc = pthread_barrier_wait(&sh->barrier);
        if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
            return 4;
        if (atomic_load(&sh->arrived[i]) != sh->p)
            return 3;
    }
    return 0;
}

static void test_barrier(int processes, int p)
{
    struct shared *sh = cb_shared_alloc(sizeof *sh);
    CHECK(sh != NULL);
    if (!sh)
        return;
    sh->p = p;
    for (int i = 0; i < ROUNDS; i++)
        atomic_init(&sh->arrived[i], 0);
    CHECK_EQ_U64(cb_barrier_init(&sh->barrier, processes, (unsigned)p), 0);
    struct cb_team t;
    char err[256] = "";
    CHECK_EQ_U64(cb_team_start(&t, processes, p, barrier_rounds, sh, 60, err, sizeof err), 0);
    int rc = cb_team_join(&t, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "barrier %s p=%d: %s\n", processes ? "processes" : "threads", p, err);
    CHECK_EQ_U64(rc, 0);
    for (int i = 0; i < ROUNDS; i++)
        CHECK_EQ_U64(atomic_load(&sh->arrived[i]), p);
    pthread_barrier_destroy(&sh->barrier);
    cb_shared_free(sh, sizeof *sh);
}

/* An event set by one process wakes a waiter in another. */
static int event_waiter(int w, void *arg)
{
    struct cb_event *e = arg;
    (void)w;
    cb_event_wait(&e[0]); /* set by the parent */
    cb_event_set(&e[1]);  /* the answer */
    return 0;
}

static void test_event_across_fork(void)
{
    struct cb_event *e = cb_shared_alloc(2 * sizeof *e);
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK_EQ_U64(cb_event_init(&e[0], 1), 0);
    CHECK_EQ_U64(cb_event_init(&e[1], 1), 0);
    struct cb_team t;
    char err[256] = "";
    CHECK_EQ_U64(cb_team_start(&t, 1, 1, event_waiter, e, 60, err, sizeof err), 0);
    usleep(20000); /* let the child block first, usually; either order must work */
    cb_event_set(&e[0]);
    cb_event_wait(&e[1]);
    CHECK_EQ_U64(cb_team_join(&t, err, sizeof err), 0);
    cb_event_destroy(&e[0]);
    cb_event_destroy(&e[1]);
    cb_shared_free(e, 2 * sizeof *e);
}

/* The team: a child that exits without posting, or hangs, is reported, not waited for. */
static int exits_early(int w, void *arg)
{
    (void)arg;
    return w == 1 ? 5 : 0;
}

static int hangs(int w, void *arg)
{
    (void)w;
    (void)arg;
    for (;;)
        pause();
    return 0; /* not reached */
}

static void test_team_failures(void)
{
    sem_t *s = cb_shared_alloc(sizeof *s);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_U64(sem_init(s, 1, 0), 0);
    struct cb_team t;
    char err[256] = "";
    CHECK_EQ_U64(cb_team_start(&t, 1, 2, exits_early, NULL, 60, err, sizeof err), 0);
    CHECK_EQ_U64(cb_team_sem_wait(&t, s, err, sizeof err), CB_EXIT_WORKER);
    CHECK(strstr(err, "worker") != NULL);
    CHECK_EQ_U64(cb_team_join(&t, err, sizeof err), 0); /* already reaped and killed */

    err[0] = '\0';
    CHECK_EQ_U64(cb_team_start(&t, 1, 2, hangs, NULL, 0.3, err, sizeof err), 0);
    CHECK_EQ_U64(cb_team_sem_wait(&t, s, err, sizeof err), CB_EXIT_WORKER);
    CHECK(strstr(err, "timed out") != NULL);
    cb_team_join(&t, err, sizeof err);

    /* join reports a worker's bad exit status */
    CHECK_EQ_U64(cb_team_start(&t, 1, 3, exits_early, NULL, 60, err, sizeof err), 0);
    CHECK_EQ_U64(cb_team_join(&t, err, sizeof err), CB_EXIT_WORKER);
    CHECK(strstr(err, "exited with status 5") != NULL);
    sem_destroy(s);
    cb_shared_free(s, sizeof *s);
}

int main(void)
{
    alarm(240); /* a deadlock fails the test instead of hanging it */
    for (int processes = 0; processes < 2; processes++)
        for (int p = 1; p <= 4; p++) {
            for (int kind = 0; kind < CB_SYNC_KINDS; kind++)
                test_workload(kind, processes, p, kind == CB_SYNC_COND || kind == CB_SYNC_EVENT
                                                      ? 500 : 5000);
            test_barrier(processes, p);
        }
    test_event_across_fork();
    test_team_failures();

    /* uncontended use, alone, counts too */
    for (int kind = 0; kind < CB_SYNC_KINDS; kind++) {
        size_t bytes = cb_sync_bytes(1);
        struct cb_sync *s = cb_shared_alloc(bytes);
        CHECK(s != NULL);
        if (!s)
            continue;
        CHECK_EQ_U64(cb_sync_init(s, kind, 1, 1), 0);
        cb_sync_solo(s, 1000);
        CHECK_EQ_U64(cb_sync_count(s), 1000);
        cb_sync_reset(s);
        cb_sync_solo_ref(s, 1000);
        cb_sync_destroy(s);
        cb_shared_free(s, bytes);
    }
    return check_status("psync");
}
