/*
 * bench-sync - what the course's synchronisation primitives cost (issue 7, part 3): Lock,
 * RLock, Semaphore, Condition, Event and Barrier as their POSIX counterparts (psync.h), and
 * an atomic counter against a lock-protected one, between threads and between processes
 * (process-shared objects in shared memory).
 *
 *   uncontended  one worker alone, many operations back to back: ns per operation, with
 *                the reference (the same loop incrementing a plain counter) subtracted.
 *                "processes" is the process-shared variant of the object, used by one
 *                process: what the attribute alone costs.
 *   contended    p workers (threads, or forked processes) hammering one object: million
 *                operations per second, all workers together. Locks protect a counter
 *                increment; cond and event pass a token round the p workers; barrier
 *                counts one worker passing one barrier as one operation.
 *
 * Every sample checks its own count of operations against what was asked (p x k): a lock
 * that let two workers in at once, or a lost hand-off, fails the run (exit 3). Workers are
 * created once per configuration and started per sample through their own
 * process-shared semaphore; the worker counts run in an order shuffled from the seed.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "micro.h"
#include "psync.h"
#include "timer.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct start_slot {
    alignas(64) sem_t start;
};

/* Shared by the parent and the workers of one contended configuration. */
struct sctl {
    sem_t done;
    int stop;       /* read by a worker after its start semaphore: set before posting */
    uint64_t k;     /* operations per worker in this sample */
    struct start_slot *slot; /* [p], in the same mapping */
    struct cb_sync *s;       /* in the same mapping */
    const int *plan;         /* [p]: the --bind plan, each worker bound to its PU */
    struct cb_where *where;  /* [p], shared: where each worker ran */
};

struct sb {
    const struct cb_mopts *o;
    int kind, p, processes;
    struct sctl *ctl;
    struct cb_team team;
    struct cb_sync *solo;
    struct cb_where *solo_where; /* the caller's, as the only worker */
    int solo_pu;
};

static int sync_worker(int w, void *arg)
{
    struct sctl *c = arg;
    for (;;) {
        while (sem_wait(&c->slot[w].start) < 0)
            if (errno != EINTR)
                return 71;
        if (c->stop)
            return 0;
        int cpu0 = cb_current_cpu();
        cb_sync_work(c->s, w, c->k);
        cb_where_note(&c->where[w], c->plan[w], cpu0, cb_current_cpu());
        if (sem_post(&c->done) < 0)
            return 72;
    }
}

static int check_count(struct cb_sync *s, uint64_t want, const char *what, char *err,
                       size_t errlen)
{
    uint64_t got = cb_sync_count(s);
    if (got == want)
        return 0;
    snprintf(err, errlen, "%s %s: counted %llu operations where %llu were done",
             cb_sync_names[s->kind], what, (unsigned long long)got, (unsigned long long)want);
    return CB_EXIT_VERIFY;
}

static int op_contended(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct sb *b = ctx;
    struct sctl *c = b->ctl;
    cb_sync_reset(c->s);
    c->k = inner;
    double t0 = cb_now();
    for (int w = 0; w < b->p; w++)
        sem_post(&c->slot[w].start);
    for (int w = 0; w < b->p; w++) {
        int rc = cb_team_sem_wait(&b->team, &c->done, err, errlen);
        if (rc != 0)
            return rc;
    }
    *seconds = cb_now() - t0;
    return check_count(c->s, (uint64_t)b->p * inner, "contended", err, errlen);
}

static int op_solo(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct sb *b = ctx;
    cb_sync_reset(b->solo);
    int cpu0 = cb_current_cpu();
    double t0 = cb_now();
    cb_sync_solo(b->solo, inner);
    *seconds = cb_now() - t0;
    cb_where_note(b->solo_where, b->solo_pu, cpu0, cb_current_cpu());
    return check_count(b->solo, inner, "uncontended", err, errlen);
}

static int op_solo_ref(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    struct sb *b = ctx;
    (void)err;
    (void)errlen;
    cb_sync_reset(b->solo);
    double t0 = cb_now();
    cb_sync_solo_ref(b->solo, inner);
    *seconds = cb_now() - t0;
    return 0;
}

static int run_solo(struct sb *b, struct cb_mout *out, double *vals, double *refs, char *err,
                    size_t errlen)
{
    const struct cb_mopts *o = b->o;
    size_t bytes = cb_sync_bytes(1);
    b->solo = cb_shared_alloc(bytes);
    if (!b->solo) {
        snprintf(err, errlen, "cannot map shared memory: %s", strerror(errno));
        return CB_EXIT_ERROR;
    }
    int rc = cb_sync_init(b->solo, b->kind, b->processes, 1);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create a %s: %s", cb_sync_names[b->kind], strerror(-rc));
        cb_shared_free(b->solo, bytes);
        return CB_EXIT_ERROR;
    }
    /* the one worker is the calling thread: bound to the plan's first PU, as the
     * threadpool model binds its caller (worker 0) */
    int plan[1];
    struct cb_pin pin;
    b->solo_where = cb_where_alloc(1);
    if (!b->solo_where || cb_micro_plan(o, 1, plan) < 0) {
        snprintf(err, errlen, "out of memory");
        cb_where_free(b->solo_where, 1);
        cb_sync_destroy(b->solo);
        cb_shared_free(b->solo, bytes);
        return CB_EXIT_ERROR;
    }
    b->solo_pu = plan[0];
    cb_caller_pin(&pin, plan[0]);
    uint64_t inner = 0;
    rc = cb_measure(o, op_solo, op_solo_ref, b, &inner, vals, refs, err, errlen);
    cb_caller_unpin(&pin);
    if (rc == 0) {
        for (int r = 0; r < o->reps; r++) {
            vals[r] *= 1e9;
            refs[r] *= 1e9;
        }
        char note[160];
        snprintf(note, sizeof note, "%s%s", cb_sync_ops[b->kind],
                 b->processes ? "; process-shared object used by one process" : "");
        struct cb_mrow row = {
            .bench = "sync", .construct = cb_sync_names[b->kind],
            .between = b->processes ? "processes" : "threads", .metric = "uncontended",
            .unit = "ns/op", .size = -1, .workers = 1, .inner = inner,
            .reference = "loop incrementing a plain counter", .note = note, .vals = vals,
            .refs = refs, .n = (size_t)o->reps, .plan = plan, .where = b->solo_where,
            .nplan = 1,
        };
        if (cb_mout_row(out, &row) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = CB_EXIT_ERROR;
        }
    }
    cb_sync_destroy(b->solo);
    cb_shared_free(b->solo, bytes);
    b->solo = NULL;
    cb_where_free(b->solo_where, 1);
    b->solo_where = NULL;
    return rc;
}

static int run_contended(struct sb *b, struct cb_mout *out, double *vals, char *err,
                         size_t errlen)
{
    const struct cb_mopts *o = b->o;
    const int p = b->p;
    size_t head = (sizeof(struct sctl) + 63) / 64 * 64;
    size_t slots = (size_t)p * sizeof(struct start_slot);
    size_t bytes = head + slots + cb_sync_bytes(p);
    struct sctl *c = cb_shared_alloc(bytes);
    if (!c) {
        snprintf(err, errlen, "cannot map shared memory: %s", strerror(errno));
        return CB_EXIT_ERROR;
    }
    c->slot = (struct start_slot *)(void *)((char *)c + head);
    c->s = (struct cb_sync *)(void *)((char *)c + head + slots);
    int rc = cb_sync_init(c->s, b->kind, b->processes, p);
    if (rc < 0) {
        snprintf(err, errlen, "cannot create a %s for %d workers: %s", cb_sync_names[b->kind],
                 p, strerror(-rc));
        cb_shared_free(c, bytes);
        return CB_EXIT_ERROR;
    }
    rc = sem_init(&c->done, 1, 0) < 0 ? -errno : 0;
    for (int w = 0; w < p && rc == 0; w++)
        rc = sem_init(&c->slot[w].start, 1, 0) < 0 ? -errno : 0;
    if (rc < 0) {
        snprintf(err, errlen, "sem_init: %s", strerror(-rc));
        cb_sync_destroy(c->s);
        cb_shared_free(c, bytes);
        return CB_EXIT_ERROR;
    }
    int *plan = malloc((size_t)p * sizeof *plan);
    c->where = cb_where_alloc(p);
    if (!plan || !c->where || cb_micro_plan(o, p, plan) < 0) {
        snprintf(err, errlen, "out of memory");
        free(plan);
        cb_where_free(c->where, p);
        cb_sync_destroy(c->s);
        cb_shared_free(c, bytes);
        return CB_EXIT_ERROR;
    }
    c->plan = plan;
    b->ctl = c;
    /* the workers bind themselves to the plan; the caller only waits (as the threads and
     * procs models' caller does), wherever it is */
    rc = cb_team_start_placed(&b->team, b->processes, p, plan, sync_worker, c, o->timeout, err,
                              errlen);
    if (rc != 0) {
        /* started threads wait on their start semaphore: release them to leave */
        c->stop = 1;
        for (int w = 0; w < b->team.n; w++)
            sem_post(&c->slot[w].start);
        cb_team_join(&b->team, NULL, 0);
        cb_sync_destroy(c->s);
        free(plan);
        cb_where_free(c->where, p);
        cb_shared_free(c, bytes);
        return CB_EXIT_ERROR;
    }
    uint64_t inner = 0;
    rc = cb_measure(o, op_contended, NULL, b, &inner, vals, NULL, err, errlen);
    if (rc == 0) {
        for (int r = 0; r < o->reps; r++)
            vals[r] = (double)p / vals[r] / 1e6;
        struct cb_mrow row = {
            .bench = "sync", .construct = cb_sync_names[b->kind],
            .between = b->processes ? "processes" : "threads", .metric = "contended",
            .unit = "Mops/s", .size = -1, .workers = p, .inner = inner,
            .note = cb_sync_ops[b->kind], .vals = vals, .n = (size_t)o->reps,
            .plan = plan, .where = c->where, .nplan = p,
        };
        if (cb_mout_row(out, &row) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = CB_EXIT_ERROR;
        }
    }
    if (rc != 0 && !b->processes)
        return rc; /* threads may be stuck inside the object: the process is about to exit */
    c->stop = 1;
    for (int w = 0; w < p; w++)
        sem_post(&c->slot[w].start);
    int jrc = cb_team_join(&b->team, rc == 0 ? err : NULL, rc == 0 ? errlen : 0);
    if (rc == 0)
        rc = jrc;
    cb_sync_destroy(c->s);
    sem_destroy(&c->done);
    for (int w = 0; w < p; w++)
        sem_destroy(&c->slot[w].start);
    free(plan);
    cb_where_free(c->where, p);
    cb_shared_free(c, bytes);
    b->ctl = NULL;
    return rc;
}

int main(int argc, char **argv)
{
    static const struct cb_mspec spec = {
        .prog = "bench-sync",
        .purpose = "What a mutex, a recursive mutex, a semaphore, a condition variable, an "
                   "event, a barrier and an atomic counter cost: alone (ns per operation) and "
                   "contended by p workers (operations per second), between threads and "
                   "between processes",
        .names = cb_sync_names,
        .flags = CB_MOPT_WORKERS | CB_MOPT_BETWEEN,
        .default_workers = "1-2xall",
    };
    struct cb_mopts o;
    struct cb_mout *out;
    int rc = cb_micro_start(argc, argv, &spec, &o, &out);
    if (!out)
        return rc;
    double *vals = malloc((size_t)o.reps * sizeof *vals);
    double *refs = malloc((size_t)o.reps * sizeof *refs);
    int *idx = malloc(o.nworkers * sizeof *idx);
    char err[512] = "";
    if (!vals || !refs || !idx) {
        snprintf(err, sizeof err, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    struct sb b = { .o = &o };
    for (int kind = 0; kind < CB_SYNC_KINDS && rc == 0; kind++) {
        if (!cb_micro_selected(&o, kind))
            continue;
        b.kind = kind;
        for (int proc = 0; proc < 2 && rc == 0; proc++) {
            if (!(o.between & (proc ? CB_BETWEEN_PROCESSES : CB_BETWEEN_THREADS)))
                continue;
            b.processes = proc;
            rc = run_solo(&b, out, vals, refs, err, sizeof err);
            cb_micro_order(&o, (uint64_t)(kind * 2 + proc), idx, (int)o.nworkers);
            for (size_t i = 0; i < o.nworkers && rc == 0; i++) {
                b.p = o.workers[idx[i]];
                rc = run_contended(&b, out, vals, err, sizeof err);
            }
        }
    }
    rc = cb_micro_finish(out, rc, err);
    free(vals);
    free(refs);
    free(idx);
    return rc;
}
