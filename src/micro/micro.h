/*
 * micro.h - what the micro-benchmarks (bench-overhead, bench-ipc, bench-sync, bench-memory)
 * share: their command line, a calibrated unit of work, paired measurement against a
 * reference, teams of workers that are threads or forked processes, and the CSV.
 *
 * The method is the one of the EPCC micro-benchmarks and lmbench (an overhead is a difference of two timed loops):
 * a sample times `inner` back-to-back operations, with `inner` calibrated so that a sample
 * lasts at least --min-time; the reference (the same loop and the same calibrated work
 * without the construct) is timed right beside it in every repetition, alternating which
 * goes first, and the cost is the paired difference. Its median and 95% interval come from
 * the differences' order statistics (stats.h), so the reference's own error is carried
 * into the interval instead of being ignored. A cost is never reported below zero: a
 * difference whose interval reaches zero is reported as `within noise`, clamped at 0.
 *
 * Functions return 0 or a negative errno unless stated otherwise; only main decides to exit.
 */
#ifndef CB_MICRO_H
#define CB_MICRO_H

#include "bind.h"
#include "options.h"
#include "pwait.h"
#include "topo.h"

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define CB_MICRO_MAX_SIZES 16
#define CB_MICRO_MAX_NAMES 16

/* Which of the shared options a binary takes (struct cb_mspec.flags). */
enum {
    CB_MOPT_WORKERS = 1u << 0, /* --workers LIST */
    CB_MOPT_DELAY = 1u << 1,   /* --delay NS: the calibrated work of one worker */
    CB_MOPT_SIZES = 1u << 2,   /* --sizes LIST: payload bytes or matrix orders */
    CB_MOPT_BETWEEN = 1u << 3, /* --between threads,processes */
};

/* What a binary is, for its command line and --help. */
struct cb_mspec {
    const char *prog;             /* "bench-overhead" */
    const char *purpose;          /* one line for --help */
    const char *const *names;     /* NULL-terminated: what --only can select */
    unsigned flags;
    const char *default_workers;  /* e.g. "1-2xall" */
    const char *default_sizes;    /* e.g. "8,1Mi" */
    const char *quick_sizes;      /* sizes under --quick */
    const char *sizes_meaning;    /* "payload bytes" */
    uint64_t size_min, size_max; /* the sizes allowed */
    const char *help_extra;       /* printed after the options, or NULL */
    /* what the binary needs of the machine, checked once the command line is parsed and
     * before any output (NULL: nothing): 0, or an exit status after one line on stderr */
    int (*check)(const char *prog);
    /* the entry of a spawned worker of this binary (NULL: none): run instead of the
     * benchmark when argv[1] is --cb-child, its result the exit status */
    int (*child)(int argc, char **argv);
};

struct cb_mopts {
    int workers[CB_MAX_WORKERS];
    size_t nworkers;
    uint64_t sizes[CB_MICRO_MAX_SIZES];
    size_t nsizes;
    unsigned only;        /* bit i: names[i] selected */
    unsigned between;     /* bit 0: threads, bit 1: processes */
    int reps, warmup;
    double min_time;      /* seconds a sample lasts at least */
    double delay_s;       /* the calibrated work, seconds */
    double timeout;       /* seconds a wait on workers may last before they count as hung */
    uint64_t seed;        /* of the run order */
    int quick, raw, quiet;
    const char *output;
    int pus;              /* the CPUs this process may run on */
    enum cb_bind bind;    /* --bind, the models' placement (bind.h) */
    struct cb_topo topo;  /* this machine's, as the models load it; binding uses it */
    int *order;           /* the policy's order of all topo.pus PUs; NULL for none */
    char warn[128];       /* warnings for the whole run: loaded, debug-build, sanitizer */
};

#define CB_BETWEEN_THREADS 1u
#define CB_BETWEEN_PROCESSES 2u

/* Parse the command line. Returns 0 to go on, -1 when --help or --version was answered
 * (exit 0), or CB_EXIT_USAGE after one line on stderr (nothing written). */
int cb_micro_parse(int argc, char **argv, const struct cb_mspec *spec, struct cb_mopts *o);

/* main's prologue, the same in every micro-benchmark: answer --cb-child (spec->child), parse
 * the command line (cb_micro_parse), run spec->check, install the clean-up handlers (cb_micro_signals) and
 * open the output (cb_mout_open). To go on: *out is the output (and the result 0).
 * Otherwise *out is NULL and the result is the status main exits with at once: CB_EXIT_OK
 * when --help or --version was answered, a spawned worker's own, or an error's after its
 * line on stderr. */
struct cb_mout;
int cb_micro_start(int argc, char **argv, const struct cb_mspec *spec, struct cb_mopts *o,
                   struct cb_mout **out);

/* main's epilogue: when rc != 0, one line "PROG: err" on stderr ("failed" for an empty
 * err); then the output is closed, written only when rc == 0 (cb_mout_close). Returns the
 * status main exits with: rc, else the close's. */
int cb_micro_finish(struct cb_mout *out, int rc, const char *err);

/* The largest of --workers' counts (at least 1): what a run's per-worker arrays hold. */
int cb_micro_maxp(const struct cb_mopts *o);

/* The --bind plan for p workers: plan[i] = the PU (os_index) of worker i, -1 for none.
 * The same plan as a model binary's for p (bind.c). 0 or -ENOMEM. */
int cb_micro_plan(const struct cb_mopts *o, int p, int *plan);

/* ---- placement: where each worker ran, against its plan ------------------------------ */

/* One worker's record, on its own cache line (a pool's workers write theirs in every pass),
 * in memory the worker can write: cb_shared_alloc for forked children. The flags are
 * sticky over a row's samples; the parent reads them once the workers are joined or idle. */
struct cb_where {
    alignas(64) int flags; /* CB_WHERE_* */
    int cpu0, cpu1;        /* the last start and end seen, -1 before */
};
enum {
    CB_WHERE_SEEN = 1,    /* the worker recorded where it ran */
    CB_WHERE_OFF = 2,     /* it started or ended off its planned PU */
    CB_WHERE_UNKNOWN = 4, /* sched_getcpu failed: where it ran cannot be said */
    CB_WHERE_MIGRATED = 8 /* it ended on another CPU than it started on */
};

/* A worker with planned PU `pu` (-1: unbound) started its work on cpu0 and ended it on
 * cpu1 (cb_current_cpu): note it in *w. Writes only what changes, so a worker that stays
 * put only reads its line. */
static inline void cb_where_note(struct cb_where *w, int pu, int cpu0, int cpu1)
{
    int f = CB_WHERE_SEEN;
    if (cpu0 < 0 || cpu1 < 0)
        f |= CB_WHERE_UNKNOWN;
    else if (pu >= 0 && (cpu0 != pu || cpu1 != pu))
        f |= CB_WHERE_OFF;
    if (cpu0 >= 0 && cpu1 >= 0 && cpu0 != cpu1)
        f |= CB_WHERE_MIGRATED;
    /* relaxed atomics: the parent may reset or read a record while a pool's worker is
     * between passes; what it reads is the record of the work it waited for */
    int had = __atomic_load_n(&w->flags, __ATOMIC_RELAXED);
    if ((had | f) != had)
        __atomic_fetch_or(&w->flags, f, __ATOMIC_RELAXED);
    if (__atomic_load_n(&w->cpu0, __ATOMIC_RELAXED) != cpu0)
        __atomic_store_n(&w->cpu0, cpu0, __ATOMIC_RELAXED);
    if (__atomic_load_n(&w->cpu1, __ATOMIC_RELAXED) != cpu1)
        __atomic_store_n(&w->cpu1, cpu1, __ATOMIC_RELAXED);
}

/* Add flags to a record, for a worker that told its placement some other way. */
static inline void cb_where_mark(struct cb_where *w, int flags)
{
    __atomic_fetch_or(&w->flags, flags, __ATOMIC_RELAXED);
}

/* The flags of a record (a relaxed atomic read, as cb_where_note writes them). */
static inline int cb_where_flags(const struct cb_where *w)
{
    return __atomic_load_n(&w->flags, __ATOMIC_RELAXED);
}

/* n records in memory shared with forked children, every flag clear; NULL with errno
 * set. cb_where_reset clears them again (before a row's measurement). */
struct cb_where *cb_where_alloc(int n);
void cb_where_reset(struct cb_where *w, int n);
void cb_where_free(struct cb_where *w, int n);

/* Bind the calling thread to `pu` (os_index; < 0: nothing) for as long as it measures as a
 * worker, as the threadpool model binds its caller; *saved keeps its mask. cb_caller_unpin
 * puts the mask back. 0, or -errno (the binding is not fatal: the record says moved). */
struct cb_pin {
    void *saved; /* the caller's cpu_set_t before; NULL: not pinned */
};
int cb_caller_pin(struct cb_pin *pin, int pu);
void cb_caller_unpin(struct cb_pin *pin);

/* A spawned worker of this binary (its --cb-child entry, argv typed like any command line):
 * its PU argument, an os_index below CPU_SETSIZE or "-1" for none, into *pu (-1 for none).
 * 0, or -EINVAL. */
int cb_micro_child_pu(const char *arg, int *pu);

/* The spawned worker's set-up before its work: cb_proc_child_init for `parent`, then bound
 * by itself to `pu` (< 0: left where it is). The PU is an os_index, the kernel's CPU number,
 * so the topology is not loaded (that would cost far more than what is measured). 0, or -1
 * when the set-up failed (the worker exits with CB_WEXIT_INIT). */
int cb_micro_child_init(pid_t parent, int pu);

/* Is names[i] selected by --only (all are by default)? */
static inline int cb_micro_selected(const struct cb_mopts *o, int i)
{
    return (o->only >> i) & 1u;
}

/* The order in which to run n configurations: idx[0..n) shuffled from the seed and a
 * stream number (recorded with the seed), so a machine that drifts cannot pass for a
 * trend across worker counts. */
void cb_micro_order(const struct cb_mopts *o, uint64_t stream, int *idx, int n);

/* Install SIGINT/SIGTERM/SIGHUP handlers that kill and reap every registered worker,
 * unlink the registered message queue and the temporary output, then re-raise. */
void cb_micro_signals(void);

/* The signals that the clean-up handler catches (SIGINT, SIGTERM, SIGHUP) are blocked
 * around creating a child and registering it (cb_signals_hold, base.h), so that a signal can
 * never find a live child that the registry does not know yet. The saved mask is restored
 * in the parent after cb_proc_register, in a forked child once cb_proc_child_init has reset
 * the dispositions, and for posix_spawn as the child's mask (POSIX_SPAWN_SETSIGMASK). */

/* ---- the calibrated work ----------------------------------------------------------- */

/* Spin `iters` iterations of a loop the compiler cannot remove or shorten. */
void cb_delay(uint64_t iters);
/* Iterations of cb_delay that take `seconds` on this CPU (the best of several timings).
 * Returns at least 1 when seconds > 0, 0 for seconds <= 0. */
uint64_t cb_delay_calibrate(double seconds);

/* ---- measurement -------------------------------------------------------------------- */

/* An operation timed `inner` times back to back: sets *seconds to the elapsed time of all
 * of them (the function times itself, so what is timed is its choice). 0 or -errno, or a
 * CB_EXIT_* status (> 0) with one line in err. */
typedef int (*cb_mop)(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen);

/* Calibrate inner (start from *inner if nonzero) so that op lasts at least min_time, run
 * `warmup` discarded samples, then `reps` samples of op and, if ref is not NULL, of ref
 * right beside each (alternating which goes first). vals[r] and refs[r] are seconds per
 * operation. Returns 0 or op's failure. */
int cb_measure(const struct cb_mopts *o, cb_mop op, cb_mop ref, void *ctx, uint64_t *inner,
               double *vals, double *refs, char *err, size_t errlen);

/* ---- teams: workers that are threads or forked processes -------------------------- */

/* A worker's body: runs on worker w (thread or child process). Its return value is the
 * child's exit status (processes) or reported by cb_team_join (threads). */
typedef int (*cb_team_fn)(int w, void *arg);

struct cb_team {
    int processes;  /* 1: forked children, 0: threads */
    int n;
    pid_t *pids;    /* [n], -1 once reaped */
    pthread_t *tids;
    int *started;   /* [n]: the thread exists */
    void *slots;    /* the threads' own records */
    cb_team_fn fn;
    void *arg;
    double timeout;
    const int *plan; /* [n] or NULL: worker w binds itself to plan[w] before fn */
};

/* Start n workers running fn(w, arg). Forked children run cb_proc_child_init first, are
 * registered for emergency clean-up, and leave through _exit(fn's value). On failure the
 * workers already started are killed (processes) or must be released by the caller before
 * cb_team_join (threads): returns -errno with one line in err. */
int cb_team_start(struct cb_team *t, int processes, int n, cb_team_fn fn, void *arg,
                  double timeout, char *err, size_t errlen);
/* The same, each worker w (thread, or forked child) first binding itself to plan[w]
 * (plan NULL or plan[w] < 0: left where it is), as the threads and procs models bind
 * theirs before their gate. */
int cb_team_start_placed(struct cb_team *t, int processes, int n, const int *plan,
                         cb_team_fn fn, void *arg, double timeout, char *err,
                         size_t errlen);

/* The deadline of one tick of a blocked wait on workers (50 ms from now), on the realtime
 * clock that sem_timedwait, mq_timedsend and mq_timedreceive take: between ticks the
 * waiter checks its peers. Only the tick is realtime; a timeout is measured by cb_now. */
struct timespec cb_tick_deadline(void);

/* Wait on a semaphore the team's workers post, in short ticks: between ticks a dead child
 * is detected (its end described in err, every worker killed: CB_EXIT_WORKER), and after
 * t->timeout seconds the wait fails (CB_EXIT_WORKER: hung). 0 on success. */
int cb_team_sem_wait(struct cb_team *t, sem_t *s, char *err, size_t errlen);

/* The same for a cb_wake in the team's shared memory (pwait.h): wait until its number
 * differs from `old`, as `how` says, checking the children between ticks. *spun gets the
 * seconds spent polling added. */
int cb_team_wake_wait(struct cb_team *t, struct cb_wake *w, uint32_t old,
                      enum cb_wait_how how, double *spun, char *err, size_t errlen);

/* For processes: has a child ended? Then its end is described in err, every worker is
 * killed, and the result is CB_EXIT_WORKER; otherwise (and for threads) 0. */
int cb_team_check(struct cb_team *t, char *err, size_t errlen);

/* Join every thread or reap every child. Returns 0 if each worker returned (exited with) 0,
 * else CB_EXIT_WORKER with the first failure described in err. Frees the team. */
int cb_team_join(struct cb_team *t, char *err, size_t errlen);

/* Kill (processes) and reap everything; for threads, only frees what can be freed once the
 * caller has released them. Used on error paths. */
void cb_team_kill(struct cb_team *t);

/* Memory shared with forked children: anonymous, so nothing ever appears in /dev/shm.
 * Returns NULL with errno set. */
void *cb_shared_alloc(size_t bytes);
void cb_shared_free(void *p, size_t bytes);

/* ---- the CSV ------------------------------------------------------------------------ */

/* One summary row. The samples are already in the row's unit. With refs, the row is the
 * paired difference vals - refs (a cost), clamped at 0 and marked `within noise` when its
 * interval reaches zero; without, the samples themselves (a throughput, a latency, a size). */
struct cb_mrow {
    const char *bench, *construct, *between, *metric, *unit;
    long long size;        /* payload bytes or matrix order; < 0: none */
    int workers;           /* 0: none */
    uint64_t inner;        /* operations per sample; 0: none */
    const char *reference; /* what was subtracted, e.g. "work 1.0 us"; NULL: none */
    const char *note;      /* anything a reader must know; NULL: none */
    const double *vals, *refs;
    size_t n;
    /* placement: the plan of the row's `nplan` workers and where each ran (NULL: nothing
     * recorded, binding `unknown`); summary rows get bind, binding and pu_plan from them */
    const int *plan;
    const struct cb_where *where;
    int nplan;
};

/* Open the output: a buffer, written at the end to stdout or atomically to --output (a
 * temporary file beside it, renamed into place; cb_micro_parse already created it, so an
 * unwritable place was refused before any work). Returns 0, or CB_EXIT_ERROR after one
 * line on stderr. From here each row records the foreign CPU time since the previous row
 * (noise.h: foreign_cpu_s, foreign_pu) and is `loaded` by the models' rule. */
int cb_mout_open(struct cb_mout **out, struct cb_mopts *o, const char *prog);

/* Append a summary row (and, with --raw, one raw row per sample) and print a progress line
 * unless --quiet. Returns 0 or -ENOMEM. */
int cb_mout_row(struct cb_mout *out, const struct cb_mrow *r);

/* Write everything and close. Returns 0, or CB_EXIT_ERROR after a line on stderr. With
 * ok == 0 nothing is written and the temporary file is removed. */
int cb_mout_close(struct cb_mout *out, int ok);

/* The CSV header every micro-benchmark writes. */
extern const char cb_micro_csv_header[];

#endif
