/*
 * test-pool.c - the thread pool (src/pool.h) under stress: many create/destroy cycles,
 * many tiny passes, passes with fewer workers than the pool has (the others must not run),
 * many tiny chunks claimed from every schedule through the shared worker body (each index
 * exactly once), errors from a pass and from a start hook reaching the caller, a worker
 * whose thread ends inside a pass (reported, never waited for), and idle
 * workers that sleep instead of spinning. Written to be run under ThreadSanitizer: every
 * access that crosses threads goes through the pool's own synchronisation, so a missing
 * edge shows up as a report. Nothing here asserts a wall-clock time.
 */
#define _GNU_SOURCE
#include "check.h"
#include "harness.h"
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAXW 8

/* One padded counter per worker: how many passes it ran. */
struct counters {
    struct {
        alignas(64) uint64_t runs;
        int last_w;
    } w[MAXW];
};

static int count_pass(int w, void *arg)
{
    struct counters *c = arg;
    c->w[w].runs++;
    c->w[w].last_w = w;
    return 0;
}

/* Create and destroy pools of every size from 1 to MAXW many times, running a pass or two
 * in some of them and none in others (a pool destroyed before its first pass). */
static void test_cycles(void)
{
    for (int i = 0; i < 400; i++) {
        int n = i % MAXW + 1;
        struct cb_pool *pool;
        char err[256] = "";
        int rc = cb_pool_create(&pool, n, NULL, NULL, err, sizeof err);
        CHECK_EQ_U64(rc, 0);
        if (rc != 0) {
            fprintf(stderr, "%s\n", err);
            return;
        }
        CHECK_EQ_U64(cb_pool_size(pool), n);
        struct counters c;
        memset(&c, 0, sizeof c);
        int passes = i % 3;
        for (int k = 0; k < passes; k++)
            CHECK_EQ_U64(cb_pool_run(pool, n - k % n, count_pass, &c), 0);
        for (int w = 0; w < n; w++) {
            uint64_t want = 0;
            for (int k = 0; k < passes; k++)
                want += w < n - k % n;
            CHECK_EQ_U64(c.w[w].runs, want);
        }
        cb_pool_destroy(pool);
    }
}

/* Many tiny passes with a worker count that changes every pass: worker w runs exactly the
 * passes with more than w workers, always as worker w. */
static void test_tiny_passes(void)
{
    struct cb_pool *pool;
    char err[256];
    if (cb_pool_create(&pool, MAXW, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    struct counters c;
    memset(&c, 0, sizeof c);
    uint64_t want[MAXW] = { 0 };
    for (int k = 0; k < 20000; k++) {
        int p = (int)((unsigned)k * 7u % MAXW) + 1;
        int rc = cb_pool_run(pool, p, count_pass, &c);
        if (rc != 0) {
            CHECK_EQ_U64(rc, 0);
            break;
        }
        for (int w = 0; w < p; w++)
            want[w]++;
    }
    for (int w = 0; w < MAXW; w++) {
        CHECK_EQ_U64(c.w[w].runs, want[w]);
        if (want[w])
            CHECK_EQ_U64(c.w[w].last_w, w);
    }
    /* one worker only, many times: the other seven never run */
    memset(&c, 0, sizeof c);
    for (int k = 0; k < 5000; k++)
        CHECK_EQ_U64(cb_pool_run(pool, 1, count_pass, &c), 0);
    CHECK_EQ_U64(c.w[0].runs, 5000);
    for (int w = 1; w < MAXW; w++)
        CHECK_EQ_U64(c.w[w].runs, 0);
    cb_pool_destroy(pool);
}

/* Tiny chunks through the shared worker body: a kernel whose compute marks every index it
 * is given. Plain (non-atomic) marks: two workers given the same index would be a data
 * race that ThreadSanitizer reports, besides a count of 2. */
static uint8_t *marks;

static void mark_compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                         struct cb_partial *acc, void *out)
{
    (void)job;
    (void)out;
    for (uint64_t i = lo; i < hi; i++)
        marks[i]++;
    acc->sum += hi - lo;
}

static const struct cb_kernel mark_kernel = {
    .name = "mark",
    .compute = mark_compute,
};

struct chunk_pass {
    struct cb_job job;
    struct cb_sched sched;
    struct {
        alignas(64) struct cb_partial part;
    } slot[MAXW];
};

static int chunk_worker(int w, void *arg)
{
    struct chunk_pass *cp = arg;
    cb_worker_body(&cp->job, &cp->sched, w, &cp->slot[w].part);
    return 0;
}

static void test_chunks(void)
{
    const uint64_t space = 50000;
    marks = malloc(space);
    struct cb_pool *pool;
    char err[256];
    if (!marks || cb_pool_create(&pool, MAXW, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        free(marks);
        return;
    }
    static const uint64_t chunks[] = { 1, 3, 1000, 1000000 };
    for (int kind = CB_SCHED_STATIC; kind <= CB_SCHED_GUIDED; kind++)
        for (size_t ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++)
            for (int p = 1; p <= MAXW; p += 3) {
                struct chunk_pass cp;
                memset(&cp, 0, sizeof cp);
                cp.job.kernel = &mark_kernel;
                cp.job.size = cp.job.space = space;
                cp.job.out_fd = -1;
                cb_sched_init(&cp.sched, (enum cb_schedule)kind, space, chunks[ci], p);
                memset(marks, 0, space);
                CHECK_EQ_U64(cb_pool_run(pool, p, chunk_worker, &cp), 0);
                cb_u128 total = 0;
                for (int w = 0; w < p; w++)
                    total += cp.slot[w].part.sum;
                CHECK_EQ_U64(total, space);
                uint64_t bad = 0;
                for (uint64_t i = 0; i < space; i++)
                    bad += marks[i] != 1;
                if (bad)
                    fprintf(stderr, "schedule %s chunk %llu p %d:\n", cb_schedule_name(kind),
                            (unsigned long long)chunks[ci], p);
                CHECK_EQ_U64(bad, 0);
            }
    cb_pool_destroy(pool);
    free(marks);
}

/* Errors: the lowest-numbered failing worker's value reaches the caller, every worker of
 * the pass still ran, and the pool stays usable. */
static int failing_pass(int w, void *arg)
{
    struct counters *c = arg;
    c->w[w].runs++;
    return w == 2 ? -EIO : w == 3 ? -EPERM : 0;
}

struct nested {
    struct cb_pool *pool;
    int rc;
};

static int nested_pass(int w, void *arg)
{
    struct nested *n = arg;
    if (w == 0)
        n->rc = cb_pool_run(n->pool, 1, count_pass, NULL);
    return 0;
}

static void test_errors(void)
{
    struct cb_pool *pool;
    char err[256] = "";
    CHECK_EQ_U64(cb_pool_create(&pool, 0, NULL, NULL, err, sizeof err), (uint64_t)-EINVAL);
    CHECK(pool == NULL);
    CHECK(strstr(err, "workers") != NULL);
    if (cb_pool_create(&pool, 4, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    struct counters c;
    memset(&c, 0, sizeof c);
    CHECK_EQ_U64(cb_pool_run(pool, 4, failing_pass, &c), (uint64_t)-EIO);
    for (int w = 0; w < 4; w++)
        CHECK_EQ_U64(c.w[w].runs, 1);
    CHECK_EQ_U64(cb_pool_run(pool, 2, failing_pass, &c), 0); /* workers 0, 1 succeed */
    CHECK_EQ_U64(cb_pool_run(pool, 0, count_pass, &c), (uint64_t)-EINVAL);
    CHECK_EQ_U64(cb_pool_run(pool, 5, count_pass, &c), (uint64_t)-EINVAL);
    CHECK_EQ_U64(cb_pool_run(pool, 1, NULL, &c), (uint64_t)-EINVAL);
    /* a pass started from inside a pass is refused, not deadlocked */
    struct nested n = { .pool = pool, .rc = 0 };
    CHECK_EQ_U64(cb_pool_run(pool, 2, nested_pass, &n), 0);
    CHECK_EQ_U64(n.rc, (uint64_t)-EBUSY);
    memset(&c, 0, sizeof c);
    CHECK_EQ_U64(cb_pool_run(pool, 4, count_pass, &c), 0);
    CHECK_EQ_U64(c.w[3].runs, 1);
    cb_pool_destroy(pool);
    cb_pool_destroy(NULL);
}

/* A worker whose thread ends inside a pass (pthread_exit): the pass still ends, with
 * -EOWNERDEAD naming that worker; every later pass that needs it is refused at once and
 * runs nothing; a pass without it still runs; destroy joins the dead thread too. */
static int exiting_pass(int w, void *arg)
{
    struct counters *c = arg;
    c->w[w].runs++;
    if (w == 2)
        pthread_exit(NULL);
    return 0;
}

static void test_dead_worker(void)
{
    struct cb_pool *pool;
    char err[256];
    if (cb_pool_create(&pool, 4, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    CHECK_EQ_U64(cb_pool_failed(pool), (uint64_t)-1);
    struct counters c;
    memset(&c, 0, sizeof c);
    CHECK_EQ_U64(cb_pool_run(pool, 4, exiting_pass, &c), (uint64_t)-EOWNERDEAD);
    CHECK_EQ_U64(cb_pool_failed(pool), 2);
    for (int w = 0; w < 4; w++)
        CHECK_EQ_U64(c.w[w].runs, 1);
    for (int i = 0; i < 3; i++) {
        memset(&c, 0, sizeof c);
        CHECK_EQ_U64(cb_pool_run(pool, 3 + i % 2, count_pass, &c), (uint64_t)-EOWNERDEAD);
        CHECK_EQ_U64(cb_pool_failed(pool), 2);
        for (int w = 0; w < 4; w++)
            CHECK_EQ_U64(c.w[w].runs, 0);
    }
    memset(&c, 0, sizeof c);
    CHECK_EQ_U64(cb_pool_run(pool, 2, count_pass, &c), 0);
    CHECK_EQ_U64(cb_pool_failed(pool), (uint64_t)-1);
    CHECK_EQ_U64(c.w[0].runs + c.w[1].runs, 2);
    cb_pool_destroy(pool);
}

/* The start hook runs once on each worker, before create returns; one that fails makes
 * create fail with its error, leaving nothing behind (LeakSanitizer checks). */
struct starts {
    struct {
        alignas(64) int calls;
    } w[MAXW];
    int fail_w;
};

static int start_hook(int w, void *arg)
{
    struct starts *s = arg;
    s->w[w].calls++;
    return w == s->fail_w ? -ENODEV : 0;
}

static void test_start_hook(void)
{
    for (int i = 0; i < 50; i++) {
        struct starts s;
        memset(&s, 0, sizeof s);
        s.fail_w = -1;
        struct cb_pool *pool;
        char err[256] = "";
        int n = i % MAXW + 1;
        CHECK_EQ_U64(cb_pool_create(&pool, n, start_hook, &s, err, sizeof err), 0);
        for (int w = 0; w < MAXW; w++)
            CHECK_EQ_U64(s.w[w].calls, w < n);
        cb_pool_destroy(pool);

        memset(&s, 0, sizeof s);
        s.fail_w = n - 1;
        err[0] = '\0';
        CHECK_EQ_U64(cb_pool_create(&pool, n, start_hook, &s, err, sizeof err),
                     (uint64_t)-ENODEV);
        CHECK(pool == NULL);
        CHECK(strstr(err, "start hook") != NULL);
    }
}

/* Idle workers block: a pool of MAXW workers waiting for 200 ms uses far less than one
 * core's worth of CPU time. (A CPU-time bound, not a wall-clock one: a spinning pool would
 * use at least the whole interval on every PU, however slow the machine.) */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_idle_blocks(void)
{
    struct cb_pool *pool;
    char err[256];
    if (cb_pool_create(&pool, MAXW, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    struct counters c;
    memset(&c, 0, sizeof c);
    CHECK_EQ_U64(cb_pool_run(pool, MAXW, count_pass, &c), 0);
    double cpu0 = cpu_seconds(), wall0 = wall_seconds();
    struct timespec nap = { .tv_sec = 0, .tv_nsec = 200000000 };
    while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
        ;
    double cpu = cpu_seconds() - cpu0, wall = wall_seconds() - wall0;
    if (!(cpu < 0.5 * wall))
        fprintf(stderr, "idle pool used %.3f s of CPU in %.3f s\n", cpu, wall);
    CHECK(cpu < 0.5 * wall);
    cb_pool_destroy(pool);
}

int main(void)
{
    test_cycles();
    test_tiny_passes();
    test_chunks();
    test_errors();
    test_dead_worker();
    test_start_hook();
    test_idle_blocks();
    return check_status("pool");
}
