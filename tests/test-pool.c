/*
 * test-pool.c - the thread pool (src/pool.h) under stress: many create/destroy cycles,
 * many tiny passes, passes with fewer workers than the pool has (the others must not run),
 * many tiny chunks claimed from every schedule through the shared worker body (each index
 * exactly once), errors from a pass and from a start hook reaching the caller, a worker
 * whose thread ends inside a pass (reported, never waited for), and idle
 * workers that sleep instead of spinning. Then the wait policies (pwait.h): the decision
 * table, the parser, every policy with and without the caller as worker 0, on the real
 * PUs and with more workers than the pool is told it may use (p above the PUs), many
 * passes each, and the process-shared wake-up across fork. Written to be run under
 * ThreadSanitizer: every
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXW 8

/* One padded counter per worker: how many passes it ran, and whether its last one ran on
 * the thread that called cb_pool_run (the main thread: every test drives its pools from
 * main). */
struct counters {
    struct {
        alignas(64) uint64_t runs;
        int last_w;
        int on_caller;
    } w[MAXW];
};

static pthread_t main_thread;

static int count_pass(int w, void *arg)
{
    struct counters *c = arg;
    c->w[w].runs++;
    c->w[w].last_w = w;
    c->w[w].on_caller = pthread_equal(pthread_self(), main_thread) != 0;
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

/* `passes` passes of a size that changes every pass (k * stride mod MAXW, plus one; every
 * fourth of size `small` if it is not 0): worker w runs exactly the passes with more than w
 * workers, always as worker w, and on the calling thread exactly when it is worker 0 of a
 * pool the caller joins. */
static void check_passes(struct cb_pool *pool, int passes, unsigned stride, int small,
                         int joins)
{
    struct counters c;
    memset(&c, 0, sizeof c);
    uint64_t want[MAXW] = { 0 };
    for (int k = 0; k < passes; k++) {
        int p = (int)((unsigned)k * stride % MAXW) + 1;
        if (small && k % 4 == 0)
            p = small;
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
        if (want[w]) {
            CHECK_EQ_U64(c.w[w].last_w, w);
            CHECK_EQ_U64(c.w[w].on_caller, joins && w == 0);
        }
    }
}

/* Many tiny passes with a worker count that changes every pass. */
static void test_tiny_passes(void)
{
    struct cb_pool *pool;
    char err[256];
    if (cb_pool_create(&pool, MAXW, NULL, NULL, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    check_passes(pool, 20000, 7, 0, 0);
    struct counters c;
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

/* ---- wait policies (issue 20) ------------------------------------------------------- */

static void test_wait_table(void)
{
    enum cb_wait w;
    CHECK(cb_wait_parse("auto", &w) == 0 && w == CB_WAIT_AUTO);
    CHECK(cb_wait_parse("spin", &w) == 0 && w == CB_WAIT_SPIN);
    CHECK(cb_wait_parse("passive", &w) == 0 && w == CB_WAIT_PASSIVE);
    CHECK(cb_wait_parse("", &w) < 0);
    CHECK(cb_wait_parse("Spin", &w) < 0);
    CHECK(cb_wait_parse("active", &w) < 0);
    CHECK(strcmp(cb_wait_name(CB_WAIT_PASSIVE), "passive") == 0);
    /* auto: poll while everyone fits, yield when only the waiting caller does not, sleep
     * once the workers alone are too many */
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_AUTO, 2, 0, 2), CB_HOW_SPIN);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_AUTO, 1, 1, 2), CB_HOW_SPIN);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_AUTO, 2, 1, 2), CB_HOW_YIELD);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_AUTO, 3, 0, 2), CB_HOW_SLEEP);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_AUTO, 4, 1, 2), CB_HOW_SLEEP);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_PASSIVE, 1, 0, 64), CB_HOW_SLEEP);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_SPIN, 2, 0, 2), CB_HOW_SPIN_FOREVER);
    CHECK_EQ_U64(cb_wait_how(CB_WAIT_SPIN, 4, 1, 2), CB_HOW_YIELD_FOREVER);
    CHECK(cb_wait_pus() >= 1);
}

/* Every policy, the caller joining or not, on the machine's PUs and told that only one PU
 * is allowed (every pass with p > 1 is then above the PUs: yield or sleep, never poll):
 * passes of changing sizes run each worker exactly when asked, worker 0 on the calling
 * thread exactly when the caller joins, the chunked schedules still claim every index
 * once, errors still reach the caller, a pass from inside a pass is refused. */
static void test_policies(void)
{
    static const enum cb_wait policies[] = { CB_WAIT_AUTO, CB_WAIT_SPIN, CB_WAIT_PASSIVE };
    const uint64_t space = 20000;
    marks = malloc(space);
    if (!marks) {
        CHECK(0);
        return;
    }
    for (size_t pi = 0; pi < sizeof policies / sizeof policies[0]; pi++)
        for (int joins = 0; joins <= 1; joins++)
            for (int pus = 0; pus <= 1; pus++) {
                struct cb_pool_opts opts = { .wait = policies[pi], .caller_joins = joins,
                                             .pus = pus };
                struct cb_pool *pool;
                char err[256];
                if (cb_pool_create_opts(&pool, MAXW, &opts, NULL, NULL, err,
                                        sizeof err) != 0) {
                    CHECK(0);
                    continue;
                }
                /* many passes at p = 2 too: within the PUs of most machines */
                check_passes(pool, 3000, 5, 2, joins);
                for (int p = 1; p <= MAXW; p += 3) {
                    struct chunk_pass cp;
                    memset(&cp, 0, sizeof cp);
                    cp.job.kernel = &mark_kernel;
                    cp.job.size = cp.job.space = space;
                    cp.job.out_fd = -1;
                    cb_sched_init(&cp.sched, CB_SCHED_DYNAMIC, space, 7, p);
                    memset(marks, 0, space);
                    CHECK_EQ_U64(cb_pool_run(pool, p, chunk_worker, &cp), 0);
                    uint64_t bad = 0;
                    for (uint64_t i = 0; i < space; i++)
                        bad += marks[i] != 1;
                    CHECK_EQ_U64(bad, 0);
                }
                struct counters e;
                memset(&e, 0, sizeof e);
                CHECK_EQ_U64(cb_pool_run(pool, 4, failing_pass, &e), (uint64_t)-EIO);
                CHECK_EQ_U64(cb_pool_failed(pool), 2);
                struct nested n = { .pool = pool, .rc = 0 };
                CHECK_EQ_U64(cb_pool_run(pool, 2, nested_pass, &n), 0);
                CHECK_EQ_U64(n.rc, (uint64_t)-EBUSY);
                /* passive never polls; the others may */
                if (policies[pi] == CB_WAIT_PASSIVE)
                    CHECK(cb_pool_wait_cpu(pool) == 0);
                else
                    CHECK(cb_pool_wait_cpu(pool) >= 0);
                cb_pool_destroy(pool);
            }
    free(marks);
}

/* The process-shared wake-up across fork, as the process pool uses it: a ping-pong of
 * many rounds between parent and child in shared memory, each waiting in every way. */
struct pingpong {
    alignas(64) struct cb_wake ping;
    alignas(64) struct cb_wake pong;
    uint64_t value; /* written by one side before its post, read by the other after */
};

static void test_shared_wake(void)
{
    static const enum cb_wait_how hows[] = { CB_HOW_SLEEP, CB_HOW_SPIN, CB_HOW_YIELD,
                                             CB_HOW_SPIN_FOREVER, CB_HOW_YIELD_FOREVER };
    const int rounds = 300;
    for (size_t hi = 0; hi < sizeof hows / sizeof hows[0]; hi++) {
        struct pingpong *pp = mmap(NULL, sizeof *pp, PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (pp == MAP_FAILED) {
            CHECK(0);
            return;
        }
        enum cb_wait_how how = hows[hi];
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            double spun = 0;
            uint32_t seen = 0;
            for (int r = 0; r < rounds; r++) {
                cb_wake_wait(&pp->ping, seen, how, 1, 0, &spun);
                seen = cb_wake_read(&pp->ping);
                if (pp->value != (uint64_t)(2 * r + 1))
                    _exit(3);
                pp->value++;
                cb_wake_post(&pp->pong, 1);
            }
            _exit(0);
        }
        CHECK(pid > 0);
        double spun = 0;
        uint32_t seen = 0;
        int ok = pid > 0;
        for (int r = 0; r < rounds && ok; r++) {
            pp->value = (uint64_t)(2 * r + 1);
            cb_wake_post(&pp->ping, 1);
            /* a timed wait: a child that died is noticed instead of waited for */
            while (cb_wake_wait(&pp->pong, seen, how, 1, 0.5, &spun) != 0)
                if (waitpid(pid, NULL, WNOHANG) == pid) {
                    ok = 0;
                    pid = -1;
                    break;
                }
            seen = cb_wake_read(&pp->pong);
            if (ok)
                CHECK_EQ_U64(pp->value, (uint64_t)(2 * r + 2));
        }
        CHECK(ok);
        int status = 0;
        if (pid > 0 && waitpid(pid, &status, 0) == pid)
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK(spun >= 0);
        munmap(pp, sizeof *pp);
    }
    /* a wait with a timeout that nobody posts returns -ETIMEDOUT, in every way */
    for (size_t hi = 0; hi < sizeof hows / sizeof hows[0]; hi++) {
        struct cb_wake w = { 0 };
        double spun = 0;
        CHECK_EQ_U64(cb_wake_wait(&w, 0, hows[hi], 0, 0.002, &spun), (uint64_t)-ETIMEDOUT);
    }
}

int main(void)
{
    main_thread = pthread_self();
    test_wait_table();
    test_shared_wake();
    test_cycles();
    test_tiny_passes();
    test_chunks();
    test_errors();
    test_dead_worker();
    test_start_hook();
    test_idle_blocks();
    test_policies();
    return check_status("pool");
}
