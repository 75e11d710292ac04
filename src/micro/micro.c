/*
 * micro.c - see micro.h.
 */
#define _GNU_SOURCE
#include "micro.h"
#include "output.h"

#include "build_info.h"
#include "cli.h"
#include "harness.h"
#include "noise.h"
#include "warnings.h"
#include "proc.h"
#include "rng.h"
#include "stats.h"
#include "timer.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_REPS 15
#define DEFAULT_WARMUP 2
#define DEFAULT_MIN_TIME 0.02
#define QUICK_REPS 6
#define QUICK_WARMUP 1
#define QUICK_MIN_TIME 0.002
#define DEFAULT_DELAY_S 1e-6
#define DEFAULT_TIMEOUT 120.0
#define TICK_NS 50000000L /* how often a waiting parent checks its children */

const char cb_micro_csv_header[] =
    "row,bench,construct,between,size,workers,metric,unit,rep,value,ref_value,median,ci_low,"
    "ci_high,min,max,mean,stddev,cv,n,outliers,inner,reference,ref_median,verdict,note,"
    "warnings,bind,binding,pu_plan,foreign_cpu_s,foreign_pu\n";

static const char *prog = "bench-micro";

void cb_micro_signals(void)
{
    cb_output_signals();
}


/* ---- the command line ---------------------------------------------------------------- */

/* (one line, "PROG: MESSAGE (see --help)": cli.c) */
#define usage_error cb_cli_usage

/* A size: digits with a binary suffix Ki, Mi, Gi (powers of 2), or what cb_parse_u64 takes
 * (k, M, G as powers of 10, or an exponent). */
static int parse_size(const char *s, uint64_t *out)
{
    size_t len = strlen(s);
    unsigned shift = 0;
    if (len > 2 && s[len - 1] == 'i') {
        char u = s[len - 2];
        shift = u == 'K' || u == 'k' ? 10 : u == 'M' ? 20 : u == 'G' ? 30 : 0;
        if (!shift)
            return -EINVAL;
        char buf[64];
        if (len - 2 >= sizeof buf)
            return -EINVAL;
        memcpy(buf, s, len - 2);
        buf[len - 2] = '\0';
        for (size_t i = 0; buf[i]; i++)
            if (buf[i] < '0' || buf[i] > '9')
                return -EINVAL;
        uint64_t v;
        if (cb_parse_u64(buf, &v) < 0 || v > (UINT64_MAX >> shift))
            return -EINVAL;
        *out = v << shift;
        return 0;
    }
    return cb_parse_u64(s, out);
}

/* Each item of a list option's argument, in order: item(arg, t, ctx) for every item t, up
 * to the first one it refuses (its usage error is returned). The argument is refused first
 * when it is empty, has an empty item or is too long. */
typedef int (*list_item_fn)(const char *arg, const char *t, void *ctx);

static int list_each(const char *opt, const char *arg, list_item_fn item, void *ctx)
{
    char buf[512];
    if (!*arg)
        return usage_error("%s: the list is empty", opt);
    if (cb_list_has_empty(arg))
        return usage_error("%s '%s': an empty item in the list", opt, arg);
    if (strlen(arg) >= sizeof buf)
        return usage_error("%s: list too long", opt);
    strcpy(buf, arg);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int rc = item(arg, t, ctx);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int size_item(const char *arg, const char *t, void *ctx)
{
    struct cb_mopts *o = ctx;
    uint64_t v;
    if (parse_size(t, &v) < 0 || v == 0)
        return usage_error("--sizes '%s': '%s' is not a positive size (digits, with Ki/Mi "
                           "or k/M)", arg, t);
    if (o->nsizes >= CB_MICRO_MAX_SIZES)
        return usage_error("--sizes '%s': more than %d sizes", arg, CB_MICRO_MAX_SIZES);
    o->sizes[o->nsizes++] = v;
    return 0;
}

static int parse_sizes(const char *arg, struct cb_mopts *o)
{
    o->nsizes = 0;
    int rc = list_each("--sizes", arg, size_item, o);
    if (rc != 0)
        return rc;
    if (o->nsizes == 0)
        return usage_error("--sizes '%s': no size given", arg);
    return 0;
}

struct only_ctx {
    const struct cb_mspec *spec;
    struct cb_mopts *o;
};

static int only_item(const char *arg, const char *t, void *ctx)
{
    const struct only_ctx *x = ctx;
    const char *const *names = x->spec->names;
    int hit = -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], t) == 0)
            hit = i;
    if (hit < 0) {
        char all[256] = "";
        for (int i = 0; names[i]; i++) {
            size_t used = strlen(all);
            snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", names[i]);
        }
        return usage_error("--only '%s': unknown name '%s' (%s)", arg, t, all);
    }
    x->o->only |= 1u << hit;
    return 0;
}

static int parse_only(const char *arg, const struct cb_mspec *spec, struct cb_mopts *o)
{
    struct only_ctx x = { spec, o };
    o->only = 0;
    int rc = list_each("--only", arg, only_item, &x);
    if (rc != 0)
        return rc;
    if (!o->only)
        return usage_error("--only '%s': nothing selected", arg);
    return 0;
}

static int between_item(const char *arg, const char *t, void *ctx)
{
    struct cb_mopts *o = ctx;
    if (strcmp(t, "threads") == 0)
        o->between |= CB_BETWEEN_THREADS;
    else if (strcmp(t, "processes") == 0)
        o->between |= CB_BETWEEN_PROCESSES;
    else
        return usage_error("--between '%s': unknown '%s' (threads, processes)", arg, t);
    return 0;
}

static int parse_between(const char *arg, struct cb_mopts *o)
{
    /* one refusal for every malformed list: there are only two names to give */
    if (!*arg || strlen(arg) >= 128 || cb_list_has_empty(arg))
        return usage_error("--between '%s': use threads, processes or both", arg);
    o->between = 0;
    int rc = list_each("--between", arg, between_item, o);
    if (rc != 0)
        return rc;
    if (!o->between)
        return usage_error("--between '%s': nothing selected", arg);
    return 0;
}

static void print_help(const struct cb_mspec *s)
{
    printf("Usage: %s [OPTION]...\n%s.\n\n", s->prog, s->purpose);
    printf("Options:\n");
    if (s->flags & CB_MOPT_WORKERS)
        printf("  -w, --workers LIST    worker counts: 1,2,4  1-8  1-64:x2  all  2xall\n"
               "                        (`all` = the CPUs this process may use; default %s)\n",
               s->default_workers);
    if (s->flags & CB_MOPT_SIZES)
        printf("      --sizes LIST      %s, comma-separated; Ki/Mi/Gi are powers of 2,\n"
               "                        k/M/G powers of 10 (default %s; --quick %s)\n",
               s->sizes_meaning, s->default_sizes, s->quick_sizes);
    if (s->flags & CB_MOPT_BETWEEN)
        printf("      --between LIST    threads, processes or both (default both)\n");
    if (s->flags & CB_MOPT_DELAY)
        printf("      --delay NS        the calibrated work each worker does, in ns (default %.0f)\n",
               DEFAULT_DELAY_S * 1e9);
    printf("  -b, --bind POLICY     where workers run, as the models place theirs: cores\n"
           "                        (default), compact, scatter, none\n");
    printf("      --only LIST       run only these:");
    for (int i = 0; s->names[i]; i++)
        printf("%s%s", i ? ", " : " ", s->names[i]);
    printf("\n"
           "  -r, --reps N          measured samples per figure (default %d; --quick %d)\n"
           "      --warmup N        discarded samples first (default %d; --quick %d)\n"
           "      --min-time S      seconds a sample lasts at least (default %g; --quick %g)\n"
           "      --timeout S       seconds a wait on workers may last (default %g)\n"
           "      --seed N          seed of the run order (default 42)\n"
           "      --quick           few short samples: a smoke run\n"
           "  -o, --output FILE     write the CSV to FILE (atomically) instead of stdout\n"
           "      --raw             add one row per sample (row=raw)\n"
           "  -q, --quiet           no progress lines on stderr\n"
           "  -h, --help            this text\n"
           "  -V, --version         version and build\n",
           DEFAULT_REPS, QUICK_REPS, DEFAULT_WARMUP, QUICK_WARMUP, DEFAULT_MIN_TIME,
           QUICK_MIN_TIME, DEFAULT_TIMEOUT);
    if (s->help_extra)
        printf("\n%s", s->help_extra);
    printf("\nExit status: 0 success, 1 system error, 2 bad command line, 3 a check failed,\n"
           "4 a worker failed or hung.\n");
}

/* What cb_micro_parse loads for the whole run: released at exit (the options live in
 * main's frame, gone by then, so the objects themselves are kept here). */
static struct {
    hwloc_topology_t t[16];
    int *order[16];
    int nt, norder;
} kept;

static void release_kept(void)
{
    for (int i = 0; i < kept.nt; i++)
        hwloc_topology_destroy(kept.t[i]);
    for (int i = 0; i < kept.norder; i++)
        free(kept.order[i]);
    kept.nt = kept.norder = 0;
}

static void keep_until_exit(hwloc_topology_t t, int *order)
{
    if (kept.nt == 0 && kept.norder == 0)
        atexit(release_kept);
    if (t && kept.nt < 16)
        kept.t[kept.nt++] = t;
    if (order && kept.norder < 16)
        kept.order[kept.norder++] = order;
}

/* One option of the micro-benchmarks' own (the shared ones are cli.c's): 0, -1 (help or
 * version printed) or an exit status; *workers and *sizes keep the lists for later. */
struct micro_ctx {
    const struct cb_mspec *spec;
    struct cb_mopts *o;
    const char **workers, **sizes;
    double *min_time;
};

static int micro_option(int c, const char *arg, void *vctx)
{
    const struct micro_ctx *x = vctx;
    const struct cb_mspec *spec = x->spec;
    struct cb_mopts *o = x->o;
    const char **workers = x->workers, **sizes = x->sizes;
    double *min_time = x->min_time;
    switch (c) {
    case CB_OPT_WORKERS:
        if (!(spec->flags & CB_MOPT_WORKERS))
            return usage_error("--workers: %s has no worker counts to choose", spec->prog);
        *workers = arg;
        return 0;
    case CB_OPT_SIZES:
        if (!(spec->flags & CB_MOPT_SIZES))
            return usage_error("--sizes: %s has no sizes to choose", spec->prog);
        *sizes = arg;
        return 0;
    case CB_OPT_ONLY:
        return parse_only(arg, spec, o);
    case CB_OPT_BETWEEN:
        if (!(spec->flags & CB_MOPT_BETWEEN))
            return usage_error("--between: %s has no choice of threads or processes",
                               spec->prog);
        return parse_between(arg, o);
    case CB_OPT_DELAY: {
        if (!(spec->flags & CB_MOPT_DELAY))
            return usage_error("--delay: %s has no calibrated work to choose", spec->prog);
        char *end;
        errno = 0;
        double ns = strtod(arg, &end);
        if (errno || end == arg || *end || !isfinite(ns) || ns < 0 || ns > 1e9)
            return usage_error("--delay '%s': not a number of nanoseconds from 0 to 1e9", arg);
        o->delay_s = ns * 1e-9;
        return 0;
    }
    case CB_OPT_MIN_TIME:
        if (cb_parse_seconds(arg, min_time) < 0 || *min_time > 60)
            return usage_error("--min-time '%s': not a number of seconds above 0, at most 60",
                               arg);
        return 0;
    case CB_OPT_QUICK:
        o->quick = 1;
        return 0;
    case CB_OPT_HELP:
        print_help(spec);
        return -1;
    default:
        return usage_error("unknown option '%s'", "?"); /* not reached: the table's codes */
    }
}

int cb_micro_parse(int argc, char **argv, const struct cb_mspec *spec, struct cb_mopts *o)
{
    prog = spec->prog;
    cb_close_stdout_at_exit();
    memset(o, 0, sizeof *o);
    o->delay_s = DEFAULT_DELAY_S;
    o->between = CB_BETWEEN_THREADS | CB_BETWEEN_PROCESSES;
    for (int i = 0; spec->names[i]; i++)
        o->only |= 1u << i;

    cpu_set_t set;
    o->pus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    if (o->pus < 1)
        o->pus = 1;

    const char *workers = NULL, *sizes = NULL;
    double min_time = 0;
    char err[512];
    /* reps and warmup 0: not given (their defaults depend on --quick) */
    int reps = 0, warmup = 0;
    o->seed = 42;
    o->timeout = DEFAULT_TIMEOUT;
    o->bind = CB_BIND_CORES;
    struct cb_cli_common cc = { &reps, &warmup, &o->seed, &o->timeout, &o->output, &o->raw,
                                &o->quiet, &o->bind };
    struct micro_ctx ctx = { spec, o, &workers, &sizes, &min_time };
    int rc = cb_cli_parse(argc, argv, prog, CB_CLI_MICRO, &cc, micro_option, &ctx);
    if (rc != 0)
        return rc;

    o->reps = reps ? reps : o->quick ? QUICK_REPS : DEFAULT_REPS;
    o->warmup = warmup ? warmup : o->quick ? QUICK_WARMUP : DEFAULT_WARMUP;
    o->min_time = min_time > 0 ? min_time : o->quick ? QUICK_MIN_TIME : DEFAULT_MIN_TIME;
    if (spec->flags & CB_MOPT_WORKERS) {
        const char *w = workers ? workers : spec->default_workers;
        if (cb_parse_workers(w, o->pus, o->workers, CB_MAX_WORKERS, &o->nworkers, err,
                             sizeof err) < 0)
            return usage_error("%s", err);
    }
    if (spec->flags & CB_MOPT_SIZES) {
        const char *s = sizes ? sizes : o->quick ? spec->quick_sizes : spec->default_sizes;
        if ((rc = parse_sizes(s, o)) != 0)
            return rc;
        for (size_t i = 0; i < o->nsizes; i++)
            if (o->sizes[i] < spec->size_min || o->sizes[i] > spec->size_max)
                return usage_error("--sizes: %llu is out of range (%llu to %llu %s)",
                                   (unsigned long long)o->sizes[i],
                                   (unsigned long long)spec->size_min,
                                   (unsigned long long)spec->size_max, spec->sizes_meaning);
    }
    /* this machine's topology and the policy's order of its PUs, as the harness computes
     * them (harness.c): every plan below is cb_bind_plan's. They live until the process
     * exits (released at exit, whichever way main returns) */
    if (cb_topo_load(&o->topo, NULL, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return CB_EXIT_ERROR;
    }
    keep_until_exit(o->topo.t, NULL);
    cb_bind_use(&o->topo);
    if (o->bind != CB_BIND_NONE) {
        o->order = malloc(sizeof(int) * (size_t)o->topo.pus);
        keep_until_exit(NULL, o->order);
        if (!o->order || cb_bind_order(&o->topo, o->bind, o->order) < 0) {
            fprintf(stderr, "%s: cannot compute the %s placement\n", prog,
                    cb_bind_name(o->bind));
            return CB_EXIT_ERROR;
        }
    }
    char oerr[512];
    if (o->output && cb_output_reserve(o->output, oerr, sizeof oerr) < 0)
        return usage_error("%s", oerr);

    if (CB_DEBUG_BUILD)
        cb_warn_add(o->warn, sizeof o->warn, "debug-build");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    cb_warn_add(o->warn, sizeof o->warn, "sanitizer");
#endif
    return 0;
}

int cb_micro_start(int argc, char **argv, const struct cb_mspec *spec, struct cb_mopts *o,
                   struct cb_mout **out)
{
    *out = NULL;
    if (spec->child && argc >= 2 && strcmp(argv[1], "--cb-child") == 0)
        return spec->child(argc, argv);
    int rc = cb_micro_parse(argc, argv, spec, o);
    if (rc != 0)
        return rc < 0 ? CB_EXIT_OK : rc;
    if (spec->check && (rc = spec->check(spec->prog)) != 0)
        return rc;
    cb_micro_signals();
    return cb_mout_open(out, o, spec->prog);
}

int cb_micro_finish(struct cb_mout *out, int rc, const char *err)
{
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", prog, err[0] ? err : "failed");
    int crc = cb_mout_close(out, rc == 0);
    return rc != 0 ? rc : crc;
}

int cb_micro_maxp(const struct cb_mopts *o)
{
    int maxp = 1;
    for (size_t i = 0; i < o->nworkers; i++)
        if (o->workers[i] > maxp)
            maxp = o->workers[i];
    return maxp;
}

int cb_micro_plan(const struct cb_mopts *o, int p, int *plan)
{
    return cb_bind_plan(&o->topo, o->bind, p, plan);
}

/* ---- placement ------------------------------------------------------------------------- */

struct cb_where *cb_where_alloc(int n)
{
    struct cb_where *w = cb_shared_alloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (w)
        cb_where_reset(w, n);
    return w;
}

void cb_where_reset(struct cb_where *w, int n)
{
    for (int i = 0; i < n; i++) {
        __atomic_store_n(&w[i].flags, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&w[i].cpu0, -1, __ATOMIC_RELAXED);
        __atomic_store_n(&w[i].cpu1, -1, __ATOMIC_RELAXED);
    }
}

void cb_where_free(struct cb_where *w, int n)
{
    cb_shared_free(w, (size_t)(n > 0 ? n : 1) * sizeof *w);
}

int cb_caller_pin(struct cb_pin *pin, int pu)
{
    pin->saved = NULL;
    if (pu < 0)
        return 0;
    cpu_set_t *saved = malloc(sizeof *saved);
    if (!saved)
        return -ENOMEM;
    if (pthread_getaffinity_np(pthread_self(), sizeof *saved, saved) != 0) {
        free(saved);
        return -EINVAL;
    }
    pin->saved = saved;
    return cb_bind_thread(pu);
}

void cb_caller_unpin(struct cb_pin *pin)
{
    if (!pin->saved)
        return;
    pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), pin->saved);
    free(pin->saved);
    pin->saved = NULL;
}

int cb_micro_child_pu(const char *arg, int *pu)
{
    uint64_t v;
    if (strcmp(arg, "-1") == 0) {
        *pu = -1;
        return 0;
    }
    if (cb_parse_dec(arg, CPU_SETSIZE - 1, &v) < 0)
        return -EINVAL;
    *pu = (int)v;
    return 0;
}

int cb_micro_child_init(pid_t parent, int pu)
{
    if (cb_proc_child_init(parent) < 0)
        return -1;
    if (pu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(pu, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    return 0;
}

/* ---- the calibrated work --------------------------------------------------------------- */

__attribute__((noinline)) void cb_delay(uint64_t iters)
{
    /* the empty asm claims to change i, so the compiler can neither count the trip nor
     * drop the loop: one dependent add per iteration, about a cycle */
    for (uint64_t i = 0; i < iters; i++)
        __asm__ __volatile__("" : "+r"(i));
}

uint64_t cb_delay_calibrate(double seconds)
{
    if (!(seconds > 0))
        return 0;
    const uint64_t probe = 2000000;
    double best = INFINITY;
    cb_delay(probe); /* warm */
    for (int i = 0; i < 7; i++) {
        double t0 = cb_now();
        cb_delay(probe);
        double t = cb_now() - t0;
        if (t < best)
            best = t;
    }
    double per = best / (double)probe;
    uint64_t iters = (uint64_t)llround(seconds / per);
    return iters ? iters : 1;
}

/* ---- measurement ---------------------------------------------------------------------- */

#define MAX_INNER (UINT64_C(1) << 40)

int cb_measure(const struct cb_mopts *o, cb_mop op, cb_mop ref, void *ctx, uint64_t *inner,
               double *vals, double *refs, char *err, size_t errlen)
{
    uint64_t n = *inner ? *inner : 1;
    double t = 0;
    int rc;
    /* calibration: grow inner until one sample lasts min_time */
    for (int round = 0; round < 40; round++) {
        if ((rc = op(ctx, n, &t, err, errlen)) != 0)
            return rc;
        if (t >= o->min_time || n >= MAX_INNER)
            break;
        double grow = t > 0 ? o->min_time * 1.2 / t : 16;
        if (grow > 16)
            grow = 16; /* a first sample too short to trust: do not leap */
        uint64_t next = (uint64_t)ceil((double)n * grow);
        n = next > n ? next : n + 1;
        if (n > MAX_INNER)
            n = MAX_INNER;
    }
    *inner = n;
    for (int w = 0; w < o->warmup; w++) {
        if ((rc = op(ctx, n, &t, err, errlen)) != 0)
            return rc;
        if (ref && (rc = ref(ctx, n, &t, err, errlen)) != 0)
            return rc;
    }
    for (int r = 0; r < o->reps; r++) {
        double a = 0, b = 0;
        /* alternate which goes first, so a drifting machine biases neither side */
        if (ref && (r & 1) && (rc = ref(ctx, n, &b, err, errlen)) != 0)
            return rc;
        if ((rc = op(ctx, n, &a, err, errlen)) != 0)
            return rc;
        if (ref && !(r & 1) && (rc = ref(ctx, n, &b, err, errlen)) != 0)
            return rc;
        vals[r] = a / (double)n;
        if (refs)
            refs[r] = ref ? b / (double)n : 0.0;
    }
    return 0;
}

/* ---- teams ----------------------------------------------------------------------------- */

struct team_thread {
    struct cb_team *t;
    int w, rc;
};

static void *team_thread_main(void *p)
{
    struct team_thread *tt = p;
    if (tt->t->plan) /* before its work: binding is part of setup, as in the models */
        cb_bind_thread(tt->t->plan[tt->w]);
    tt->rc = tt->t->fn(tt->w, tt->t->arg);
    return NULL;
}

static struct team_thread *team_slots(struct cb_team *t)
{
    return t->slots;
}

int cb_team_start(struct cb_team *t, int processes, int n, cb_team_fn fn, void *arg,
                  double timeout, char *err, size_t errlen)
{
    return cb_team_start_placed(t, processes, n, NULL, fn, arg, timeout, err, errlen);
}

int cb_team_start_placed(struct cb_team *t, int processes, int n, const int *plan,
                         cb_team_fn fn, void *arg, double timeout, char *err,
                         size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->plan = plan;
    t->processes = processes;
    t->fn = fn;
    t->arg = arg;
    t->timeout = timeout;
    t->pids = malloc((size_t)n * sizeof *t->pids);
    t->tids = malloc((size_t)n * sizeof *t->tids);
    t->started = calloc((size_t)n, sizeof *t->started);
    t->slots = calloc((size_t)n, sizeof(struct team_thread));
    if (!t->pids || !t->tids || !t->started || !t->slots) {
        free(t->pids);
        free(t->tids);
        free(t->started);
        free(t->slots);
        memset(t, 0, sizeof *t);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    for (int w = 0; w < n; w++)
        t->pids[w] = -1;
    if (processes) {
        pid_t parent = getpid();
        fflush(stdout);
        fflush(stderr);
        for (int w = 0; w < n; w++) {
            sigset_t saved;
            cb_signals_hold(&saved);
            pid_t pid = fork();
            if (pid < 0) {
                int e = errno;
                cb_signals_restore(&saved);
                snprintf(err, errlen, "cannot fork worker %d of %d: %s", w, n, strerror(e));
                t->n = w;
                cb_team_kill(t);
                return -e;
            }
            if (pid == 0) {
                if (cb_proc_child_init(parent) < 0)
                    _exit(CB_WEXIT_INIT);
                cb_signals_restore(&saved);
                if (plan) /* the child binds itself, before its work */
                    cb_bind_thread(plan[w]);
                _exit(fn(w, arg));
            }
            t->pids[w] = pid;
            t->n = w + 1;
            cb_proc_register(pid);
            cb_signals_restore(&saved);
        }
        return 0;
    }
    struct team_thread *slots = team_slots(t);
    for (int w = 0; w < n; w++) {
        slots[w].t = t;
        slots[w].w = w;
        int rc = pthread_create(&t->tids[w], NULL, team_thread_main, &slots[w]);
        if (rc != 0) {
            snprintf(err, errlen, "cannot create thread %d of %d: %s", w, n, strerror(rc));
            t->n = w;
            return -rc;
        }
        t->started[w] = 1;
        t->n = w + 1;
    }
    return 0;
}

/* A child that ended while we waited for it: describe it. Returns 1 if one did. */
static int team_dead(struct cb_team *t, char *err, size_t errlen)
{
    for (int w = 0; w < t->n; w++) {
        int status;
        if (t->pids[w] > 0 && waitpid(t->pids[w], &status, WNOHANG) == t->pids[w]) {
            char how[128];
            cb_proc_describe(status, how, sizeof how);
            snprintf(err, errlen, "worker %d of %d (pid %d) %s", w, t->n, (int)t->pids[w], how);
            cb_proc_unregister(t->pids[w]);
            t->pids[w] = -1;
            return 1;
        }
    }
    return 0;
}

int cb_team_check(struct cb_team *t, char *err, size_t errlen)
{
    if (t->processes && team_dead(t, err, errlen)) {
        cb_team_kill(t);
        return CB_EXIT_WORKER;
    }
    return 0;
}

/* Between two ticks of a wait: a dead child or the team's timeout ends it (every worker
 * killed, CB_EXIT_WORKER with err set); 0 to wait on. */
static int team_tick(struct cb_team *t, double start, char *err, size_t errlen)
{
    if (t->processes && team_dead(t, err, errlen)) {
        cb_team_kill(t);
        return CB_EXIT_WORKER;
    }
    if (cb_now() - start > t->timeout) {
        snprintf(err, errlen, "timed out after %.3g s waiting for %d %s", t->timeout, t->n,
                 t->processes ? "worker processes (killed)" : "worker threads");
        cb_team_kill(t);
        return CB_EXIT_WORKER;
    }
    return 0;
}

struct timespec cb_tick_deadline(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += TICK_NS;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int cb_team_sem_wait(struct cb_team *t, sem_t *s, char *err, size_t errlen)
{
    double start = cb_now();
    for (;;) {
        /* sem_timedwait, not sem_clockwait: ThreadSanitizer knows the former as a
         * synchronisation (an acquire), not the latter. The realtime clock only sets the
         * tick; the timeout is measured on the monotonic clock. */
        struct timespec ts = cb_tick_deadline();
        if (sem_timedwait(s, &ts) == 0)
            return 0;
        int e = errno;
        if (e != ETIMEDOUT && e != EINTR) {
            snprintf(err, errlen, "sem_timedwait: %s", strerror(e));
            cb_team_kill(t);
            return CB_EXIT_ERROR;
        }
        int rc = team_tick(t, start, err, errlen);
        if (rc != 0)
            return rc;
    }
}

int cb_team_wake_wait(struct cb_team *t, struct cb_wake *w, uint32_t old,
                      enum cb_wait_how how, double *spun, char *err, size_t errlen)
{
    double start = cb_now();
    for (;;) {
        if (cb_wake_wait(w, old, how, t->processes, TICK_NS * 1e-9, spun) == 0)
            return 0;
        /* polled or slept a tick: from here on sleep, unless told to poll for ever */
        if (how != CB_HOW_SPIN_FOREVER && how != CB_HOW_YIELD_FOREVER)
            how = CB_HOW_SLEEP;
        int rc = team_tick(t, start, err, errlen);
        if (rc != 0)
            return rc;
    }
}

void cb_team_kill(struct cb_team *t)
{
    if (t->processes && t->pids) {
        cb_proc_kill_all(t->pids, t->n);
        for (int w = 0; w < t->n; w++)
            t->pids[w] = -1;
    }
    /* threads cannot be killed: they end with the process */
}

int cb_team_join(struct cb_team *t, char *err, size_t errlen)
{
    int rc = 0;
    if (t->processes) {
        double deadline = cb_now() + t->timeout;
        for (int w = 0; w < t->n; w++) {
            while (t->pids[w] > 0) {
                int status;
                pid_t got = waitpid(t->pids[w], &status, WNOHANG);
                if (got == t->pids[w]) {
                    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
                        char how[128];
                        cb_proc_describe(status, how, sizeof how);
                        snprintf(err, errlen, "worker %d of %d (pid %d) %s", w, t->n,
                                 (int)t->pids[w], how);
                        rc = CB_EXIT_WORKER;
                    }
                    cb_proc_unregister(t->pids[w]);
                    t->pids[w] = -1;
                } else if (got < 0 && errno != EINTR) {
                    t->pids[w] = -1;
                } else if (cb_now() > deadline) {
                    if (rc == 0)
                        snprintf(err, errlen, "worker %d of %d (pid %d) did not exit within "
                                 "%.3g s: killed", w, t->n, (int)t->pids[w], t->timeout);
                    rc = CB_EXIT_WORKER;
                    cb_team_kill(t);
                } else {
                    struct timespec ms = { 0, 1000000L };
                    nanosleep(&ms, NULL);
                }
            }
        }
    } else {
        struct team_thread *slots = team_slots(t);
        for (int w = 0; w < t->n; w++) {
            if (!t->started[w])
                continue;
            int e = pthread_join(t->tids[w], NULL);
            if (e != 0 && rc == 0) {
                snprintf(err, errlen, "pthread_join: %s", strerror(e));
                rc = CB_EXIT_ERROR;
            } else if (slots[w].rc != 0 && rc == 0) {
                snprintf(err, errlen, "worker thread %d of %d failed with status %d", w, t->n,
                         slots[w].rc);
                rc = CB_EXIT_WORKER;
            }
        }
    }
    free(t->pids);
    free(t->tids);
    free(t->started);
    free(t->slots);
    memset(t, 0, sizeof *t);
    return rc;
}

void *cb_shared_alloc(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void cb_shared_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

/* ---- the CSV ----------------------------------------------------------------------------- */

struct cb_mout {
    const struct cb_mopts *o;
    char *buf;
    size_t len;
    FILE *f;
    struct cb_noise_mark last; /* when the previous row was written (or the output opened): */
    double last_t;             /* each row's foreign load is over its own measurement */
};

int cb_mout_open(struct cb_mout **out, struct cb_mopts *o, const char *name)
{
    prog = name;
    struct cb_mout *m = calloc(1, sizeof *m);
    if (!m) {
        cb_output_discard();
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    /* other processes' CPU time on these PUs is measured from here, row by row (noise.h) */
    if (cb_noise_watch_topology(&o->topo) < 0) {
        free(m);
        cb_output_discard();
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    cb_noise_mark(&m->last);
    m->last_t = cb_now();
    m->o = o;
    m->f = open_memstream(&m->buf, &m->len);
    if (!m->f) {
        free(m);
        cb_output_discard();
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    fputs(cb_micro_csv_header, m->f);
    *out = m;
    return 0;
}

/* A number for the CSV: empty when not finite. */
static void num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g,", v);
    else
        fputc(',', f);
}

/* Text for a CSV field: a comma or a line break would break the row, so they become ";"
 * and " ". */
static void text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == ',' ? ';' : *s == '\n' ? ' ' : *s, f);
    fputc(',', f);
}

static void csv_config(FILE *f, const char *row, const struct cb_mrow *r)
{
    fprintf(f, "%s,%s,%s,%s,", row, r->bench, r->construct, r->between ? r->between : "");
    if (r->size >= 0)
        fprintf(f, "%lld,", r->size);
    else
        fputc(',', f);
    if (r->workers > 0)
        fprintf(f, "%d,", r->workers);
    else
        fputc(',', f);
    fprintf(f, "%s,%s,", r->metric, r->unit);
}

/* A comma, then v with `decimals` decimals (nothing when not finite). */
static void num_last(FILE *f, double v, int decimals)
{
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, "%.*f", decimals, v);
}

/* --raw: the row's samples, one line each (what the summary row sums up) */
static void mout_raw_rows(FILE *f, const struct cb_mrow *r, const char *bind)
{
    for (size_t i = 0; i < r->n; i++) {
        csv_config(f, "raw", r);
        fprintf(f, "%zu,", i + 1);
        num(f, r->vals[i]);
        num(f, r->refs ? r->refs[i] : NAN);
        fputs(",,,,,,,,,,", f);
        if (r->inner)
            fprintf(f, "%llu,", (unsigned long long)r->inner);
        else
            fputc(',', f);
        text(f, r->reference);
        fputs(",,", f); /* ref_median, verdict */
        text(f, r->note);
        /* warnings, binding, pu_plan and the foreign load: in the summary row */
        fprintf(f, ",%s,,,,\n", bind);
    }
}

/* The row's one line of progress on stderr */
static void mout_progress(const struct cb_mrow *r, const struct cb_summary *s,
                          const char *verdict, const char *bind, const char *binding,
                          const char *warn)
{
    fprintf(stderr, "%-8s %-12s %-9s", r->bench, r->construct, r->between ? r->between : "");
    if (r->size >= 0)
        fprintf(stderr, " size %-8lld", r->size);
    if (r->workers > 0)
        fprintf(stderr, " p=%-3d", r->workers);
    fprintf(stderr, " %s %.4g %s", r->metric, s->median, r->unit);
    if (s->ci_valid)
        fprintf(stderr, " [%.4g, %.4g]", s->ci_low, s->ci_high);
    if (*verdict)
        fprintf(stderr, " %s", verdict);
    fprintf(stderr, " bind %s: %s", bind, binding);
    if (warn[0])
        fprintf(stderr, " warn: %s", warn);
    fputc('\n', stderr);
}

int cb_mout_row(struct cb_mout *m, const struct cb_mrow *r)
{
    const struct cb_mopts *o = m->o;
    double *d = malloc((r->n ? r->n : 1) * sizeof *d);
    if (!d)
        return -ENOMEM;
    for (size_t i = 0; i < r->n; i++)
        d[i] = r->refs ? r->vals[i] - r->refs[i] : r->vals[i];
    struct cb_summary s, sv, sr;
    memset(&sr, 0, sizeof sr);
    sr.median = NAN;
    if (cb_summarize(d, r->n, &s) < 0 || cb_summarize(r->vals, r->n, &sv) < 0 ||
        (r->refs && cb_summarize(r->refs, r->n, &sr) < 0)) {
        free(d);
        return -ENOMEM;
    }
    free(d);

    const char *verdict = "";
    if (r->refs) {
        /* a cost is never negative: an interval that reaches zero is noise, not a gain */
        int noise = s.ci_valid ? !(s.ci_low > 0) : !(s.median > 0);
        verdict = noise ? "within noise" : "significant";
        s.median = fmax(s.median, 0);
        s.mean = fmax(s.mean, 0);
        s.min = fmax(s.min, 0);
        s.max = fmax(s.max, 0);
        if (s.ci_valid) {
            s.ci_low = fmax(s.ci_low, 0);
            s.ci_high = fmax(s.ci_high, 0);
        }
    }
    /* the foreign load since the previous row: this row's measurement, its set-up included
     * (the run's own work, which does not count) */
    struct cb_noise_mark now;
    cb_noise_mark(&now);
    double now_t = cb_now(), span = now_t - m->last_t;
    struct cb_noise nz;
    cb_noise_between(&m->last, &now, NULL, NULL, 0, &nz);
    m->last = now;
    m->last_t = now_t;
    char warn[256];
    snprintf(warn, sizeof warn, "%s", o->warn);
    if (!isnan(nz.foreign_s) && cb_noise_loaded(nz.foreign_s, span))
        cb_warn_add(warn, sizeof warn, "loaded");
    if (r->workers > o->pus)
        cb_warn_add(warn, sizeof warn, "oversubscribed");
    /* noisy and outliers from the operation's own samples, the CI from the difference */
    cb_warn_samples(warn, sizeof warn, sv.cv, sv.outliers, o->min_time, s.ci_valid);
    /* where the workers ran, the models' meaning (harness.c): held when every worker
     * started and ended each recorded piece of work on its planned PU */
    int unknown = !r->where || r->nplan <= 0, off = 0;
    for (int w = 0; !unknown && w < r->nplan; w++) {
        int fl = cb_where_flags(&r->where[w]);
        unknown |= !(fl & CB_WHERE_SEEN) || (fl & CB_WHERE_UNKNOWN);
        off |= (fl & CB_WHERE_OFF) != 0;
    }
    const char *binding = unknown ? "unknown" : o->bind == CB_BIND_NONE ? "unbound"
                        : off ? "moved" : "held";
    if (off)
        cb_warn_add(warn, sizeof warn, "binding-moved");
    const char *bind = cb_bind_name(o->bind);

    FILE *f = m->f;
    csv_config(f, "summary", r);
    fputs(",,,", f); /* rep, value, ref_value */
    num(f, s.median);
    num(f, s.ci_valid ? s.ci_low : NAN);
    num(f, s.ci_valid ? s.ci_high : NAN);
    num(f, s.min);
    num(f, s.max);
    num(f, s.mean);
    num(f, s.stddev);
    num(f, sv.cv);
    fprintf(f, "%zu,%zu,", s.n, sv.outliers);
    if (r->inner)
        fprintf(f, "%llu,", (unsigned long long)r->inner);
    else
        fputc(',', f);
    text(f, r->reference);
    num(f, r->refs ? sr.median : NAN);
    fprintf(f, "%s,", verdict);
    text(f, r->note);
    fprintf(f, "%s,%s,%s,", warn, bind, binding);
    for (int w = 0; r->plan && w < r->nplan; w++)
        fprintf(f, "%s%d", w ? ";" : "", r->plan[w]);
    num_last(f, nz.foreign_s, 3);
    num_last(f, span > 0 ? nz.foreign_s / span : NAN, 4);
    fputc('\n', f);
    if (o->raw)
        mout_raw_rows(f, r, bind);
    if (!o->quiet)
        mout_progress(r, &s, verdict, bind, binding, warn);
    return ferror(f) ? -ENOMEM : 0;
}

int cb_mout_close(struct cb_mout *m, int ok)
{
    int rc = 0;
    const struct cb_mopts *o = m->o;
    if (fclose(m->f) != 0 && ok) {
        fprintf(stderr, "%s: out of memory\n", prog);
        rc = CB_EXIT_ERROR;
        ok = 0;
    }
    if (ok && !o->output) {
        /* (its failure's line comes at exit, cb_close_stdout_at_exit) */
        if (cb_output_commit(NULL, m->buf, m->len) < 0)
            rc = CB_EXIT_ERROR;
    } else if (ok && cb_output_commit(o->output, m->buf, m->len) < 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, o->output, strerror(errno));
        rc = CB_EXIT_ERROR;
    }
    cb_output_discard();
    free(m->buf);
    free(m);
    return rc;
}

void cb_micro_order(const struct cb_mopts *o, uint64_t stream, int *idx, int n)
{
    uint64_t key = cb_rng_key(o->seed, 7000 + stream);
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(cb_rng_u64(key, (uint64_t)i) % (uint64_t)(i + 1));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
