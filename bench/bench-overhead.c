/*
 * bench-overhead - what creating and dispatching workers costs (issue 7, part 1), the way
 * the EPCC micro-benchmarks measure it: every worker does a calibrated piece of work
 * (--delay, 1 us by default), a sample times many operations back to back, and the
 * reference, timed beside each sample, is that same work done at ideal parallelism by the
 * calling thread (ceil(p / CPUs) x the work). The cost is the paired difference.
 *
 *   construct    one operation at p workers                      figure
 *   thread       pthread_create x p, then pthread_join x p       us per worker
 *   fork         fork x p (child: cb_proc_child_init, the work,  us per worker
 *                _exit), then waitpid x p
 *   spawn        posix_spawn of /bin/true x p, then waitpid x p  us per worker
 *                (no work in the child: the reference is the empty loop)
 *   spawn-self   posix_spawn of this binary (--cb-child: PDEATHSIG set-up, the work, exit)
 *                x p, then waitpid x p: what a spawned worker of the suite pays, its
 *                shared libraries included                       us per worker
 *   threadpool   one pass of the thread pool (src/pool.h) over p workers, created once
 *                                                                us per dispatch
 *   procpool     one pass of a fork-once process pool, as src/models/procpool.c runs
 *                it: a cb_wake (pwait.h) in shared memory posted to each of p workers,
 *                a shared counter and cb_wake counting them back, the default wait
 *                policy (poll, then sleep)                       us per dispatch
 *   openmp       one `#pragma omp parallel num_threads(p)` region (if built with OpenMP)
 *                                                                us per dispatch
 *
 * Process constructs run first, while this process has a single thread: fork's cost
 * depends on what the parent holds, and the thread pool and OpenMP keep threads alive.
 * The worker counts of each construct run in an order shuffled from the seed.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "micro.h"
#include "pool.h"
#include "proc.h"
#include "timer.h"
#ifdef CB_MICRO_OPENMP
#include "ompregion.h"
#endif

#include <errno.h>
#include <spawn.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A spawn-self child's exit status when it ran off its planned PU, or could not say */
#define CHILD_OFF 80
#define CHILD_UNKNOWN 81

enum { C_THREAD, C_FORK, C_SPAWN, C_SPAWN_SELF, C_THREADPOOL, C_PROCPOOL, C_OPENMP, C_N };
static const char *const names[] = { "thread", "fork", "spawn", "spawn-self", "threadpool",
                                     "procpool", "openmp", NULL };
/* processes first (see the top of the file) */
static const int run_order[] = { C_FORK, C_SPAWN, C_SPAWN_SELF, C_PROCPOOL, C_THREAD,
                                 C_THREADPOOL, C_OPENMP };

/* The process pool's shared control block. */
struct ppool_slot {
    alignas(64) struct cb_wake start;
    enum cb_wait_how how; /* how to wait after this pass: set before posting */
};
struct ppool_ctl {
    alignas(64) struct cb_wake done;
    alignas(64) atomic_int pending;
    int stop;           /* read by a worker after its start post: set before posting */
    uint64_t iters;
    const int *plan;        /* the plan for the pool's size (a prefix for each p) */
    struct cb_where *where; /* [size], shared */
    struct ppool_slot slot[];
};

struct ov {
    const struct cb_mopts *o;
    int construct, p;
    uint64_t iters;     /* the work of one worker, cb_delay iterations */
    uint64_t ref_iters; /* the reference: iters x ceil(p / CPUs); 0 for spawn */
    pthread_t *tids;
    pid_t *pids;
    char iters_arg[32], parent_arg[32];
    struct cb_pool *tpool;
    struct cb_team pteam; /* the process pool's workers */
    struct ppool_ctl *pctl;
    size_t pctl_bytes;
    int pus;            /* the PUs this process may use, for the wait policy */
    int *plan;          /* [maxp]: the --bind plan for the largest p; each p's is a prefix */
    struct cb_where *where; /* [maxp], shared with forked children */
    struct targ *targs; /* [maxp]: what each created thread is told */
    char pu_arg[16];    /* spawn-self: the child's planned PU */
};

struct targ {
    const struct ov *v;
    int w;
};

/* ---- the constructs ----------------------------------------------------------------- */

/* A worker's work, recorded: where it started and ended it, against its planned PU. */
static void placed_work(const struct ov *v, int w, uint64_t iters)
{
    int cpu0 = cb_current_cpu();
    cb_delay(iters);
    cb_where_note(&v->where[w], v->plan[w], cpu0, cb_current_cpu());
}

static void *thread_body(void *arg)
{
    const struct targ *t = arg;
    cb_bind_thread(t->v->plan[t->w]); /* before its work, as the threads model's workers */
    placed_work(t->v, t->w, t->v->iters);
    return NULL;
}

static int op_thread(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        for (int w = 0; w < v->p; w++) {
            int rc = pthread_create(&v->tids[w], NULL, thread_body, &v->targs[w]);
            if (rc != 0) {
                snprintf(err, errlen, "cannot create thread %d of %d: %s", w, v->p,
                         strerror(rc));
                for (int u = 0; u < w; u++)
                    pthread_join(v->tids[u], NULL);
                return CB_EXIT_ERROR;
            }
        }
        for (int w = 0; w < v->p; w++) {
            int rc = pthread_join(v->tids[w], NULL);
            if (rc != 0) {
                snprintf(err, errlen, "pthread_join: %s", strerror(rc));
                return CB_EXIT_ERROR;
            }
        }
    }
    *seconds = cb_now() - t0;
    return 0;
}

/* Reap the p children in v->pids; all must exit with status 0. */
static int reap_all(struct ov *v, int n, char *err, size_t errlen)
{
    int rc = 0;
    for (int w = 0; w < n; w++) {
        int status;
        pid_t got;
        while ((got = waitpid(v->pids[w], &status, 0)) < 0 && errno == EINTR)
            ;
        cb_proc_unregister(v->pids[w]);
        if (got < 0) {
            if (rc == 0)
                snprintf(err, errlen, "waitpid: %s", strerror(errno));
            rc = CB_EXIT_ERROR;
        } else if (v->construct == C_SPAWN_SELF && WIFEXITED(status) &&
                   (WEXITSTATUS(status) == CHILD_OFF || WEXITSTATUS(status) == CHILD_UNKNOWN)) {
            /* the child's word on where it ran: its exit status */
            cb_where_mark(&v->where[w], CB_WHERE_SEEN | (WEXITSTATUS(status) == CHILD_OFF
                                                         ? CB_WHERE_OFF : CB_WHERE_UNKNOWN));
        } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
            char how[128];
            cb_proc_describe(status, how, sizeof how);
            snprintf(err, errlen, "%s worker %d of %d (pid %d) %s", names[v->construct], w,
                     v->p, (int)v->pids[w], how);
            rc = CB_EXIT_WORKER;
        }
        else if (v->construct == C_SPAWN_SELF && WIFEXITED(status) && WEXITSTATUS(status) == 0)
            cb_where_mark(&v->where[w], CB_WHERE_SEEN);
        v->pids[w] = -1;
    }
    return rc;
}

static int op_fork(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        for (int w = 0; w < v->p; w++) {
            sigset_t saved;
            cb_signals_hold(&saved); /* no signal between fork and register */
            pid_t pid = fork();
            if (pid == 0) {
                if (cb_proc_child_init(parent) < 0)
                    _exit(CB_WEXIT_INIT);
                cb_signals_restore(&saved);
                cb_bind_thread(v->plan[w]); /* the child binds itself, then works */
                placed_work(v, w, v->iters);
                _exit(0);
            }
            int e = errno;
            if (pid > 0)
                cb_proc_register(pid);
            cb_signals_restore(&saved);
            if (pid < 0) {
                snprintf(err, errlen, "cannot fork worker %d of %d: %s", w, v->p, strerror(e));
                cb_proc_kill_all(v->pids, w);
                return CB_EXIT_ERROR;
            }
            v->pids[w] = pid;
        }
        int rc = reap_all(v, v->p, err, errlen);
        if (rc != 0)
            return rc;
    }
    *seconds = cb_now() - t0;
    return 0;
}

static int op_spawn(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    int self = v->construct == C_SPAWN_SELF;
    char *true_argv[] = { "true", NULL };
    char *self_argv[] = { "bench-overhead-child", "--cb-child", v->iters_arg, v->parent_arg,
                          v->pu_arg, NULL };
    const char *path = self ? "/proc/self/exe" : "/bin/true";
    char **argv = self ? self_argv : true_argv;
    /* the child starts with the mask this process normally has, whatever is held here */
    posix_spawnattr_t attr;
    sigset_t normal;
    pthread_sigmask(SIG_SETMASK, NULL, &normal);
    if (posix_spawnattr_init(&attr) != 0 || posix_spawnattr_setsigmask(&attr, &normal) != 0 ||
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK) != 0) {
        snprintf(err, errlen, "posix_spawnattr: cannot set the signal mask");
        return CB_EXIT_ERROR;
    }
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        for (int w = 0; w < v->p; w++) {
            pid_t pid;
            sigset_t saved;
            cb_signals_hold(&saved); /* no signal between spawn and register */
            if (self) /* the child binds itself to the PU it is given */
                snprintf(v->pu_arg, sizeof v->pu_arg, "%d", v->plan[w]);
            int rc = posix_spawn(&pid, path, NULL, &attr, argv, environ);
            if (rc == 0)
                cb_proc_register(pid);
            /* /bin/true is bound by the parent, as the procs model binds its workers; it
             * cannot say where it ran (its record stays empty: binding unknown) */
            if (rc == 0 && !self)
                cb_bind_process(pid, v->plan[w]);
            cb_signals_restore(&saved);
            if (rc != 0) {
                posix_spawnattr_destroy(&attr);
                snprintf(err, errlen, "cannot spawn %s (worker %d of %d): %s", path, w, v->p,
                         strerror(rc));
                cb_proc_kill_all(v->pids, w);
                return CB_EXIT_ERROR;
            }
            v->pids[w] = pid;
        }
        int rc = reap_all(v, v->p, err, errlen);
        if (rc != 0) {
            posix_spawnattr_destroy(&attr);
            return rc;
        }
    }
    *seconds = cb_now() - t0;
    posix_spawnattr_destroy(&attr);
    return 0;
}

static int pool_task(int w, void *arg)
{
    const struct ov *v = arg;
    placed_work(v, w, v->iters);
    return 0;
}

/* A pool thread's start hook: bound once to its PU of the plan for the pool's size, as the
 * threadpool model binds its workers (plans are prefixes: right for every p). */
static int pool_start(int w, void *arg)
{
    const struct ov *v = arg;
    cb_bind_thread(v->plan[w]);
    return 0;
}

static int op_threadpool(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        int rc = cb_pool_run(v->tpool, v->p, pool_task, v);
        if (rc != 0) {
            snprintf(err, errlen, "cb_pool_run: %s", strerror(-rc));
            return CB_EXIT_ERROR;
        }
    }
    *seconds = cb_now() - t0;
    return 0;
}

static int ppool_worker(int w, void *arg)
{
    struct ppool_ctl *c = arg;
    struct ppool_slot *s = &c->slot[w];
    uint32_t seen = 0;
    enum cb_wait_how how = CB_HOW_SLEEP;
    double spun = 0;
    for (;;) {
        cb_wake_wait(&s->start, seen, how, 1, 0, &spun);
        seen = cb_wake_read(&s->start);
        if (c->stop)
            return 0;
        how = s->how;
        int cpu0 = cb_current_cpu();
        cb_delay(c->iters);
        cb_where_note(&c->where[w], c->plan[w], cpu0, cb_current_cpu());
        if (atomic_fetch_sub_explicit(&c->pending, 1, memory_order_acq_rel) == 1)
            cb_wake_post(&c->done, 1);
    }
}

/* How the process pool's parent, which waits without working, and its workers wait in a
 * pass of p: the one decision that op_procpool applies and its rows' note reports. */
static enum cb_wait_how procpool_how(const struct ov *v, int p)
{
    return cb_wait_how(CB_WAIT_AUTO, p, 1, v->pus);
}

static int op_procpool(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    struct ppool_ctl *c = v->pctl;
    /* the parent waits without working, as the procpool model's does */
    enum cb_wait_how how = procpool_how(v, v->p);
    double spun = 0;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++) {
        atomic_store_explicit(&c->pending, v->p, memory_order_relaxed);
        uint32_t done = cb_wake_read(&c->done);
        for (int w = 0; w < v->p; w++) {
            c->slot[w].how = how;
            cb_wake_post(&c->slot[w].start, 1);
        }
        int rc = cb_team_wake_wait(&v->pteam, &c->done, done, how, &spun, err, errlen);
        if (rc != 0)
            return rc;
    }
    *seconds = cb_now() - t0;
    return 0;
}

#ifdef CB_MICRO_OPENMP
static int op_openmp(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    if (cb_omp_regions(v->p, inner, v->iters, v->plan, v->where, seconds) < 0) {
        snprintf(err, errlen, "the OpenMP runtime gave fewer than %d threads (OMP_THREAD_LIMIT?)",
                 v->p);
        return CB_EXIT_ERROR;
    }
    return 0;
}
#endif

/* The reference: the workers' work at ideal parallelism, on the calling thread. */
static int op_ref(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct ov *v = ctx;
    (void)err;
    (void)errlen;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++)
        cb_delay(v->ref_iters);
    *seconds = cb_now() - t0;
    return 0;
}

/* ---- pools: created once per construct, for the largest p --------------------------- */

static int pools_open(struct ov *v, int maxp, char *err, size_t errlen)
{
    if (v->construct == C_THREADPOOL) {
        /* as the threadpool model runs it: the caller is worker 0, the default wait */
        struct cb_pool_opts opts = { .wait = CB_WAIT_AUTO, .caller_joins = 1 };
        int rc = cb_pool_create_opts(&v->tpool, maxp, &opts, pool_start, v, err, errlen);
        return rc < 0 ? CB_EXIT_ERROR : 0;
    }
    if (v->construct != C_PROCPOOL)
        return 0;
    v->pctl_bytes = sizeof(struct ppool_ctl) + (size_t)maxp * sizeof(struct ppool_slot);
    v->pctl = cb_shared_alloc(v->pctl_bytes);
    if (!v->pctl) {
        snprintf(err, errlen, "cannot map the process pool's shared memory: %s",
                 strerror(errno));
        return CB_EXIT_ERROR;
    }
    v->pctl->iters = v->iters; /* the mapping is zeroed: every cb_wake starts at 0 */
    v->pctl->plan = v->plan;
    v->pctl->where = v->where;
    v->pus = cb_wait_pus();
    /* each child binds itself to its PU of the plan for the pool's size, as the procpool
     * model's workers are bound once (plans are prefixes) */
    int rc = cb_team_start_placed(&v->pteam, 1, maxp, v->plan, ppool_worker, v->pctl,
                                  v->o->timeout, err, errlen);
    if (rc != 0) {
        cb_team_join(&v->pteam, err, 0);
        cb_shared_free(v->pctl, v->pctl_bytes);
        v->pctl = NULL;
        return CB_EXIT_ERROR;
    }
    return 0;
}

static int pools_close(struct ov *v, char *err, size_t errlen)
{
    int rc = 0;
    if (v->tpool)
        cb_pool_destroy(v->tpool);
    v->tpool = NULL;
    if (v->pctl) {
        v->pctl->stop = 1;
        for (int w = 0; w < v->pteam.n; w++)
            cb_wake_post(&v->pctl->slot[w].start, 1);
        rc = cb_team_join(&v->pteam, err, errlen);
        cb_shared_free(v->pctl, v->pctl_bytes);
        v->pctl = NULL;
    }
    return rc;
}

/* ---- main ----------------------------------------------------------------------------- */

static int child_main(int argc, char **argv)
{
    /* a spawned worker: argv = --cb-child ITERS PARENT PU (PU -1: unbound) */
    uint64_t iters, parent;
    int pu;
    if (argc != 5 || cb_parse_dec(argv[2], UINT64_MAX, &iters) < 0 ||
        cb_parse_dec(argv[3], 0x7fffffff, &parent) < 0 || parent == 0 ||
        cb_micro_child_pu(argv[4], &pu) < 0) {
        fprintf(stderr, "bench-overhead: --cb-child ITERS PARENT PU: bad arguments\n");
        return CB_EXIT_USAGE;
    }
    /* bound by itself, before its work */
    if (cb_micro_child_init((pid_t)parent, pu) < 0)
        return CB_WEXIT_INIT;
    int cpu0 = cb_current_cpu();
    cb_delay(iters);
    int cpu1 = cb_current_cpu();
    if (cpu0 < 0 || cpu1 < 0)
        return CHILD_UNKNOWN;
    return pu >= 0 && (cpu0 != pu || cpu1 != pu) ? CHILD_OFF : 0;
}

/* What a row of construct v->construct at p workers times, for its note; the pools' also
 * say how their wait policy resolves at this p, so that a reader (and tests/micro.sh) sees
 * whether a pass polled or slept. */
static void construct_note(const struct ov *v, int p, char *note, size_t size)
{
    static const char *const notes[C_N] = {
        [C_THREAD] = "p x pthread_create then p x pthread_join; each thread does the work",
        [C_FORK] = "p x fork then p x waitpid; child: PDEATHSIG set-up + work + _exit",
        [C_SPAWN] = "p x posix_spawn(/bin/true) then p x waitpid; no work in the child",
        [C_SPAWN_SELF] = "p x posix_spawn(this binary --cb-child) then p x waitpid; "
                         "child: PDEATHSIG set-up + work",
        [C_THREADPOOL] = "one pass of src/pool.h over p threads created once (untimed), "
                         "the caller as worker 0",
        [C_PROCPOOL] = "one pass over p processes forked once (untimed): a shared "
                       "cb_wake each + a counter and one cb_wake back",
        [C_OPENMP] = "one #pragma omp parallel num_threads(p) region",
    };
    int c = v->construct;
    snprintf(note, size, "%s", notes[c]);
    if (c == C_THREADPOOL)
        snprintf(note, size, "%s (wait auto: %s)", notes[c],
                 cb_wait_how_name(cb_pool_how(v->tpool, p)));
    if (c == C_PROCPOOL)
        snprintf(note, size, "%s (wait auto: %s)", notes[c],
                 cb_wait_how_name(procpool_how(v, p)));
#ifdef CB_MICRO_OPENMP
    if (c == C_OPENMP) {
        const char *wp = getenv("OMP_WAIT_POLICY");
        snprintf(note, size, "%s; %s; OMP_WAIT_POLICY=%s", notes[c], cb_omp_version(),
                 wp ? wp : "(unset)");
    }
#endif
}

static int run_construct(struct ov *v, struct cb_mout *out, double *vals, double *refs,
                         char *err, size_t errlen)
{
    const struct cb_mopts *o = v->o;
    int c = v->construct;
    int n = (int)o->nworkers, maxp = cb_micro_maxp(o);
    cb_mop op = c == C_THREAD ? op_thread : c == C_FORK ? op_fork
              : c == C_SPAWN || c == C_SPAWN_SELF ? op_spawn
              : c == C_THREADPOOL ? op_threadpool : c == C_PROCPOOL ? op_procpool : NULL;
#ifdef CB_MICRO_OPENMP
    if (c == C_OPENMP)
        op = op_openmp;
#endif
    if (!op)
        return 0;
    /* The pools first, while the caller may still run on every allowed PU: a pool sizes
     * its wait policy from the creating thread's affinity (as the threadpool model, which
     * binds its caller after creating its pool); created from a caller bound to one PU,
     * every pass of two workers counted as oversubscribed and slept in the kernel. */
    int rc = pools_open(v, maxp, err, errlen);
    if (rc != 0)
        return rc;
    /* the calling thread is worker 0 of a thread-pool pass and of an OpenMP region: bound
     * to the plan's first PU while it is (the threadpool model binds its caller, libgomp
     * its master, likewise); elsewhere it only creates and waits, wherever it is */
    struct cb_pin pin = { 0 };
    if (c == C_THREADPOOL || c == C_OPENMP)
        cb_caller_pin(&pin, v->plan[0]);
    int creation = c <= C_SPAWN_SELF;
    double delay_us = (double)o->delay_s * 1e6;
    int *idx = malloc((size_t)n * sizeof *idx);
    if (!idx) {
        pools_close(v, err, 0);
        cb_caller_unpin(&pin);
        snprintf(err, errlen, "out of memory");
        return CB_EXIT_ERROR;
    }
    cb_micro_order(o, (uint64_t)c, idx, n);
    for (int i = 0; i < n && rc == 0; i++) {
        int p = o->workers[idx[i]];
        v->p = p;
        int rounds = (p + o->pus - 1) / o->pus;
        v->ref_iters = c == C_SPAWN ? 0 : v->iters * (uint64_t)rounds;
        uint64_t inner = 0;
        cb_where_reset(v->where, maxp);
        rc = cb_measure(o, op, op_ref, v, &inner, vals, refs, err, errlen);
        if (rc != 0)
            break;
        /* seconds per operation -> microseconds, per worker for creation */
        double scale = 1e6 / (creation ? p : 1);
        for (int r = 0; r < o->reps; r++) {
            vals[r] *= scale;
            refs[r] *= scale;
        }
        char reference[96], note[160];
        if (c == C_SPAWN)
            snprintf(reference, sizeof reference, "empty loop");
        else
            snprintf(reference, sizeof reference, "work %.3g us x %d (ideal parallel time)",
                     delay_us, rounds);
        construct_note(v, p, note, sizeof note);
        const char *metric = c == C_THREAD ? "create+join" : c == C_FORK ? "fork+wait"
                           : creation ? "spawn+wait" : "dispatch";
        struct cb_mrow row = {
            .bench = "overhead", .construct = names[c], .between = c == C_THREAD ||
                c == C_THREADPOOL || c == C_OPENMP ? "threads" : "processes",
            .metric = metric, .unit = creation ? "us/worker" : "us/dispatch", .size = -1,
            .workers = p, .inner = inner, .reference = reference, .note = note,
            .vals = vals, .refs = refs, .n = (size_t)o->reps, .plan = v->plan,
            .where = v->where, .nplan = p,
        };
        if (cb_mout_row(out, &row) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = CB_EXIT_ERROR;
        }
    }
    free(idx);
    int crc = pools_close(v, rc == 0 ? err : NULL, rc == 0 ? errlen : 0);
    cb_caller_unpin(&pin);
    return rc != 0 ? rc : crc;
}

int main(int argc, char **argv)
{
    static const struct cb_mspec spec = {
        .prog = "bench-overhead",
        .purpose = "What creating workers (thread, fork, spawn) and dispatching work to them "
                   "(thread pool, process pool, OpenMP region) costs, per worker or per "
                   "dispatch, with the calibrated work's reference subtracted",
        .names = names,
        .flags = CB_MOPT_WORKERS | CB_MOPT_DELAY,
        .default_workers = "1-2xall",
        .child = child_main,
        .help_extra = "spawn runs /bin/true (no work; the reference is the empty loop);\n"
                      "spawn-self runs this binary, which does the work and exits.\n"
#ifndef CB_MICRO_OPENMP
                      "This build has no OpenMP: --only openmp measures nothing.\n"
#endif
        ,
    };
    struct cb_mopts o;
    struct cb_mout *out;
    int rc = cb_micro_start(argc, argv, &spec, &o, &out);
    if (!out)
        return rc;

    struct ov v = { .o = &o };
    v.iters = cb_delay_calibrate(o.delay_s);
    int maxp = cb_micro_maxp(&o);
    v.tids = malloc((size_t)maxp * sizeof *v.tids);
    v.pids = malloc((size_t)maxp * sizeof *v.pids);
    v.plan = malloc((size_t)maxp * sizeof *v.plan);
    v.targs = malloc((size_t)maxp * sizeof *v.targs);
    v.where = cb_where_alloc(maxp);
    double *vals = malloc((size_t)o.reps * sizeof *vals);
    double *refs = malloc((size_t)o.reps * sizeof *refs);
    char err[512] = "";
    if (!v.tids || !v.pids || !vals || !refs || !v.plan || !v.targs || !v.where ||
        cb_micro_plan(&o, maxp, v.plan) < 0) {
        snprintf(err, sizeof err, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    for (int w = 0; v.targs && w < maxp; w++)
        v.targs[w] = (struct targ){ .v = &v, .w = w };
    snprintf(v.iters_arg, sizeof v.iters_arg, "%llu", (unsigned long long)v.iters);
    snprintf(v.parent_arg, sizeof v.parent_arg, "%d", (int)getpid());
    for (size_t i = 0; i < sizeof run_order / sizeof run_order[0] && rc == 0; i++) {
        v.construct = run_order[i];
        if (cb_micro_selected(&o, v.construct))
            rc = run_construct(&v, out, vals, refs, err, sizeof err);
    }
    rc = cb_micro_finish(out, rc, err);
    free(v.tids);
    free(v.pids);
    free(v.plan);
    free(v.targs);
    cb_where_free(v.where, maxp);
    free(vals);
    free(refs);
    return rc;
}
