/*
 * harness.c - the benchmark main every binary shares (see harness.h).
 *
 * For each kernel: prepare the job, compute the sequential reference (untimed) and check it
 * by an independent method, run the warm-up repetitions, then `reps` rounds in each of
 * which every worker count runs once, in an order shuffled per round from the seed (so a
 * machine that warms up or throttles cannot pass for scaling). Every repetition is timed
 * end to end, split into phases, and its result compared bit for bit with the reference.
 * Results go to a CSV written atomically: a temporary file beside the target, renamed into
 * place only when complete.
 */
#define _GNU_SOURCE
#include "harness.h"

#include "bind.h"
#include "build_info.h"
#include "cli.h"
#include "environ.h"
#include "fault.h"
#include "options.h"
#include "output.h"
#include "proc.h"
#include "pwait.h"
#include "rng.h"
#include "stats.h"
#include "timer.h"
#include "topo.h"
#include "warnings.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEFAULT_REPS 10
#define DEFAULT_WARMUP 1
#define DEFAULT_SEED 42

static const char *prog = "bench";

/* (one line, "PROG: MESSAGE (see --help)": cli.c) */
#define usage_error cb_cli_usage

static void print_help(const struct cb_model *m)
{
    printf("Usage: %s [OPTION]...\n", prog);
    printf("Model '%s': %s.\n\n", m->name, m->description);
    printf("Runs CPU-bound kernels under this model, times repeated runs, verifies every\n"
           "result against the sequential one, and writes a CSV (stdout by default).\n\n");
    printf("Options:\n"
           "  -k, --kernel NAME     kernel to run; repeat or comma-separate for several\n"
           "                        (default: primes,randsum,matmul)\n"
           "  -n, --size N          problem size for every kernel, or KERNEL=N for one;\n"
           "                        N takes k/M/G suffixes or an exponent (1e7)\n");
    if (!(m->flags & CB_MODEL_SERIAL))
        printf("  -w, --workers LIST    worker counts: 1,2,4  1-8  1-16:2  1-64:x2  all  2xall\n"
               "                        (`all` = the PUs this process may use; default all)\n");
    if (m->flags & CB_MODEL_SCHEDULE)
        printf("  -s, --schedule NAME   static (one block per worker), cyclic, dynamic or\n"
               "                        guided; default %s\n", cb_schedule_name(m->schedule));
    if (m->flags & CB_MODEL_SCHEDULE)
        printf(
               "  -c, --chunk N         chunk size for cyclic, dynamic, guided (minimum)\n");
    if (m->flags & CB_MODEL_START)
        printf("      --start HOW       fork (copy this process) or spawn (start a fresh program\n"
               "                        with posix_spawn); default %s\n", cb_start_name(m->start));
    if (m->flags & CB_MODEL_CHANNEL)
        printf("      --channel HOW     how results come back: pipe (one per worker), queue (one\n"
               "                        POSIX message queue), socket (Unix socket per worker),\n"
               "                        shm (shared memory, in place); default %s\n",
               cb_channel_name(m->channel));
    if (m->flags & CB_MODEL_TIMEOUT)
        printf("      --timeout SECONDS a repetition that takes longer is stopped: its workers\n"
               "                        are killed and reaped, and the run fails (exit 4)\n");
    if (m->flags & CB_MODEL_WAIT)
        printf("      --wait POLICY     how the pool's threads wait for work and for the end of\n"
               "                        a pass: spin (never sleep), passive (sleep at once) or\n"
               "                        auto (poll %.3g ms, then sleep; no polling when the\n"
               "                        workers exceed the PUs); default auto\n",
               CB_WAIT_SPIN_S * 1e3);
    if (m->flags & CB_MODEL_WATCHDOG)
        printf("      --timeout SECONDS a repetition that takes longer ends the run: the workers\n"
               "                        still running are named and, since a thread cannot be\n"
               "                        stopped alone, the process exits (exit 4)\n");
    printf("  -r, --reps N          measured repetitions per configuration (default %d)\n"
           "      --warmup N        discarded warm-up repetitions (default %d, at least 1)\n"
           "      --seed N          seed of the inputs and of the run order (default %d)\n"
           "      --sequential-order  run configurations in order instead of shuffled\n"
           "                        across rounds\n"
           "  -b, --bind POLICY     where workers run: cores (default), compact, scatter, none\n"
           "      --plan            check the command line, print each worker count's plan\n"
           "                        (the PU of every worker) and run nothing; with --json,\n"
           "                        as one JSON object (workers, plans, kernels and sizes)\n"
           "      --foreign-topology  measure although HWLOC_XMLFILE, HWLOC_SYNTHETIC,\n"
           "                        HWLOC_FSROOT, HWLOC_CPUID_PATH or HWLOC_THISSYSTEM make\n"
           "                        hwloc describe another machine (refused otherwise); the\n"
           "                        rows get the warning foreign-topology\n"
           "  -o, --output FILE     write the CSV to FILE (atomically) instead of stdout\n"
           "      --raw             add one row per repetition (row=raw)\n"
           "  -q, --quiet           no progress or summary lines on stderr\n"
           "  -h, --help            this text\n"
           "  -V, --version         version and build\n"
           "      --model-info      one line for scripts: model name and accepted options\n\n",
           DEFAULT_REPS, DEFAULT_WARMUP, DEFAULT_SEED);
    printf("Kernels (default size in brackets):\n");
    for (size_t i = 0; cb_kernels[i]; i++)
        printf("  %-8s %s [%llu]\n           size: %s\n", cb_kernels[i]->name,
               cb_kernels[i]->description, (unsigned long long)cb_kernels[i]->default_size,
               cb_kernels[i]->size_meaning);
    printf("\nExit status: 0 success, 1 system error, 2 bad command line, 3 a result failed\n"
           "verification, 4 a worker failed or timed out.\n");
}

/* Add the kernels named in a comma-separated list. */
static int add_kernels(struct cb_options *o, const char *arg)
{
    char buf[256];
    if (strlen(arg) >= sizeof buf)
        return usage_error("--kernel: list too long");
    strcpy(buf, arg);
    if (cb_list_has_empty(buf))
        return usage_error("--kernel '%s': empty kernel name in the list", arg);
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const struct cb_kernel *k = cb_kernel_find(name);
        if (!k)
            return usage_error("--kernel '%s': unknown kernel (primes, randsum, matmul, empty)",
                               name);
        int dup = 0;
        for (size_t i = 0; i < o->nkernels; i++)
            dup |= o->kernels[i] == k;
        if (dup)
            continue;
        if (o->nkernels >= CB_MAX_KERNELS)
            return usage_error("--kernel: too many kernels");
        o->kernels[o->nkernels++] = k;
    }
    return 0;
}

struct size_arg {
    const char *text;
};

/* Apply the --size arguments once the kernels are known. */
static int apply_sizes(struct cb_options *o, const struct size_arg *sizes, size_t nsizes)
{
    for (size_t i = 0; i < o->nkernels; i++)
        o->sizes[i] = o->kernels[i]->default_size;
    for (size_t s = 0; s < nsizes; s++) {
        const char *text = sizes[s].text, *eq = strchr(text, '=');
        const struct cb_kernel *only = NULL;
        const char *num = text;
        if (eq) {
            char name[64];
            size_t len = (size_t)(eq - text);
            if (len >= sizeof name)
                return usage_error("--size '%s': unknown kernel", text);
            memcpy(name, text, len);
            name[len] = '\0';
            only = cb_kernel_find(name);
            if (!only)
                return usage_error("--size '%s': unknown kernel '%s'", text, name);
            num = eq + 1;
        }
        uint64_t v;
        if (cb_parse_u64(num, &v) < 0)
            return usage_error("--size '%s': not a size (digits, with k/M/G or 1e7)", text);
        int hit = 0;
        for (size_t i = 0; i < o->nkernels; i++) {
            if (only && o->kernels[i] != only)
                continue;
            hit = 1;
            o->sizes[i] = v;
        }
        if (only && !hit)
            return usage_error("--size '%s': kernel %s is not selected", text, only->name);
    }
    for (size_t i = 0; i < o->nkernels; i++) {
        const struct cb_kernel *k = o->kernels[i];
        uint64_t v = o->sizes[i];
        if (v < k->min_size || v > k->max_size)
            return usage_error("--size %llu: out of range for %s (%llu to %llu)",
                               (unsigned long long)v, k->name,
                               (unsigned long long)k->min_size,
                               (unsigned long long)k->max_size);
    }
    return 0;
}

#define GIB(b) ((double)(b) / (1u << 30))

/* Limits, checked before anything is allocated or started. Memory: at its peak a run
 * holds one kernel's job (inputs and output), what the model adds to it (spawned workers'
 * own inputs, channel buffers, an inexact model's copy of the reference output) and the
 * harness's own records (samples of every configuration, the CSV text); more than 80% of
 * the machine's memory is refused, so a run never meets the OOM killer. Workers: more than
 * RLIMIT_NPROC (ulimit -u, which counts the user's processes and threads) allows is
 * refused; root is exempt from that limit in the kernel, but the limit is what was asked.
 * Estimates in double: sizes near the kernels' maxima overflow 64 bits. */
static int check_limits(const struct cb_options *o, const struct cb_model *m,
                        const struct cb_topo *topo)
{
    int pmax = 1;
    double records = 0, csv = 0;
    for (size_t i = 0; i < o->nworkers; i++) {
        double p = o->workers[i];
        pmax = o->workers[i] > pmax ? o->workers[i] : pmax;
        records += (double)o->reps * (8 * sizeof(double) + 2 * p * sizeof(int)) + 12 * p;
        csv += (1.0 + (o->raw ? o->reps : 0)) * (400 + 12 * p);
    }
    csv *= (double)o->nkernels;
    struct rlimit rl;
    if (!(m->flags & CB_MODEL_SERIAL) && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
        rl.rlim_cur != RLIM_INFINITY && (rlim_t)pmax >= rl.rlim_cur)
        return usage_error("--workers %d: more than this user may run at once (RLIMIT_NPROC, "
                           "ulimit -u, is %llu processes and threads, this one included)",
                           pmax, (unsigned long long)rl.rlim_cur);
    if (!topo->thissystem || !topo->memory)
        return 0;
    double limit = (double)topo->memory * 0.8;
    struct cb_config cfg = { .workers = pmax, .start = o->start,
                             .channel = o->channel };
    for (size_t i = 0; i < o->nkernels; i++) {
        const struct cb_kernel *k = o->kernels[i];
        double job = k->memory ? (double)k->memory(o->sizes[i]) : 0;
        double out = k->output_memory ? (double)k->output_memory(o->sizes[i]) : 0;
        double model = (m->flags & CB_MODEL_INEXACT ? out : 0) +
                       (m->memory ? m->memory(job, out, &cfg) : 0);
        double need = job + model + records + csv;
        if (need <= limit)
            continue;
        if (records + csv > job + model)
            return usage_error("--reps %d with %zu worker counts up to %d%s: the run's own "
                               "records need %.1f GiB, more than 80%% of this machine's %.1f "
                               "GiB", o->reps, o->nworkers, pmax, o->raw ? " and --raw" : "",
                               GIB(need), GIB(topo->memory));
        char parts[128] = "";
        if (model >= 0.05 * (1u << 30))
            snprintf(parts, sizeof parts, ", %s with %d workers %.1f GiB more", m->name, pmax,
                     GIB(model));
        return usage_error("--size %llu: %s needs %.1f GiB (inputs and output %.1f GiB%s), "
                           "more than 80%% of this machine's %.1f GiB",
                           (unsigned long long)o->sizes[i], k->name, GIB(need), GIB(job), parts,
                           GIB(topo->memory));
    }
    return 0;
}

/* --plan: the worker-to-PU plan for every worker count, nothing run. */
static void print_plans(const struct cb_options *o, const struct cb_topo *topo,
                        const char *synthetic, const char *xml)
{
    printf("# topology: %s%s%s: %d packages, %d NUMA nodes, %d cores, %d PUs%s\n",
           synthetic ? "synthetic '" : xml ? "XML " : "this machine", synthetic ? synthetic : xml ? xml : "",
           synthetic ? "'" : "", topo->packages, topo->numa, topo->cores, topo->pus,
           topo->pus > topo->cores ? " (SMT)" : "");
    printf("# bind=%s: physical PU numbers (os_index) of workers 0, 1, ...\n",
           cb_bind_name(o->bind));
    int *plan = malloc(sizeof(int) * CB_MAX_WORKERS);
    for (size_t i = 0; plan && i < o->nworkers; i++) {
        int p = o->workers[i];
        cb_bind_plan(topo, o->bind, p, plan);
        printf("p=%d", p);
        if (p > topo->pus)
            printf(" (oversubscribed: %d workers on %d PUs)", p, topo->pus);
        printf(":");
        for (int w = 0; w < p; w++)
            if (plan[w] < 0)
                printf(" -");
            else
                printf(" %d", plan[w]);
        printf("\n");
    }
    free(plan);
}

/* --plan --json: what --plan prints, as one JSON object on stdout for a driver (strings
 * through cb_json_str, never printed raw). Returns 0, or CB_EXIT_ERROR (out of memory,
 * nothing printed). */
static int print_plans_json(const struct cb_model *m, const struct cb_options *o,
                            const struct cb_topo *topo, const char *synthetic, const char *xml)
{
    int *plan = malloc(sizeof(int) * CB_MAX_WORKERS);
    if (!plan) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    printf("{\"model\":");
    cb_json_str(stdout, m->name);
    printf(",\"serial\":%s,\"topology\":", m->flags & CB_MODEL_SERIAL ? "true" : "false");
    if (synthetic || xml) {
        printf("{\"%s\":", synthetic ? "synthetic" : "xml");
        cb_json_str(stdout, synthetic ? synthetic : xml);
        printf("}");
    } else {
        printf("null");
    }
    printf(",\"packages\":%d,\"numa\":%d,\"pus\":%d,\"cores\":%d,\"bind\":", topo->packages,
           topo->numa, topo->pus, topo->cores);
    cb_json_str(stdout, cb_bind_name(o->bind));
    printf(",\"schedule\":");
    cb_json_str(stdout, m->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(o->schedule) : "static");
    if (o->chunk_given)
        printf(",\"chunk\":%llu", (unsigned long long)o->chunk);
    else
        printf(",\"chunk\":null");
    const char *start = cb_start_name(o->start);
    const char *channel = cb_channel_name(o->channel);
    printf(",\"start\":");
    cb_json_str(stdout, *start ? start : NULL);
    printf(",\"channel\":");
    cb_json_str(stdout, *channel ? channel : NULL);
    printf(",\"workers\":[");
    for (size_t i = 0; i < o->nworkers; i++)
        printf("%s%d", i ? "," : "", o->workers[i]);
    printf("],\"plans\":[");
    for (size_t i = 0; i < o->nworkers; i++) {
        int p = o->workers[i];
        cb_bind_plan(topo, o->bind, p, plan);
        printf("%s[", i ? "," : "");
        for (int w = 0; w < p; w++)
            printf("%s%d", w ? "," : "", plan[w] < 0 ? -1 : plan[w]);
        printf("]");
    }
    printf("],\"kernels\":[");
    for (size_t i = 0; i < o->nkernels; i++) {
        const struct cb_kernel *k = o->kernels[i];
        char size_name[32];
        cb_kernel_size_name(k, size_name, sizeof size_name);
        printf("%s{\"name\":", i ? "," : "");
        cb_json_str(stdout, k->name);
        printf(",\"size\":%llu,\"default_size\":%llu,\"size_name\":",
               (unsigned long long)o->sizes[i], (unsigned long long)k->default_size);
        cb_json_str(stdout, size_name);
        printf(",\"description\":");
        cb_json_str(stdout, k->description);
        printf("}");
    }
    printf("]}\n");
    free(plan);
    return 0;
}

/* OpenMP reads OMP_PLACES when the runtime loads, before main: so the plan for the largest
 * worker count (every smaller plan is its prefix) goes into OMP_PLACES, one place per
 * worker, with OMP_PROC_BIND=close (thread i on place i), and the program executes itself
 * again once, before any file is created. CB_OMP_BIND marks the second start. If the
 * re-execution fails, the run goes on unbound and its placement check says so. */
static void omp_places(const struct cb_options *o, const struct cb_topo *topo, char **argv)
{
    if (o->bind == CB_BIND_NONE || cb_omp_reexecuted())
        return;
    int pmax = 1;
    for (size_t i = 0; i < o->nworkers; i++)
        if (o->workers[i] > pmax)
            pmax = o->workers[i];
    int *plan = malloc(sizeof(int) * (size_t)pmax);
    size_t len = (size_t)pmax * 12 + 1;
    char *places = malloc(len);
    if (!plan || !places || cb_bind_plan(topo, o->bind, pmax, plan) < 0) {
        free(plan);
        free(places);
        return;
    }
    size_t used = 0;
    for (int w = 0; w < pmax; w++)
        used += (size_t)snprintf(places + used, len - used, "%s{%d}", w ? "," : "", plan[w]);
    char allowed[4096];
    hwloc_bitmap_list_snprintf(allowed, sizeof allowed, hwloc_topology_get_allowed_cpuset(topo->t));
    setenv("OMP_PLACES", places, 1);
    setenv("OMP_PROC_BIND", "close", 1);
    char mark[64]; /* PID:POLICY: see cb_omp_reexecuted */
    snprintf(mark, sizeof mark, "%ld:%s", (long)getpid(), cb_bind_name(o->bind));
    setenv("CB_OMP_BIND", mark, 1);
    setenv("CB_ALLOWED_CPUSET", allowed, 1);
    free(plan);
    free(places);
    fflush(stdout);
    fflush(stderr);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "%s: warning: cannot re-execute with OMP_PLACES set (%s): OpenMP threads "
            "run unbound\n", prog, strerror(errno));
}

/* What the command line asked beyond struct cb_options, kept for preparing the run. */
struct cmdline {
    struct size_arg sizes[16];
    size_t nsizes;
    const char *workers, *synthetic, *xml;
    int plan_only, json;
};

/* --model-info: one line for scripts: what this model is and which options it takes. */
static void print_model_info(const struct cb_model *m)
{
    printf("model=%s serial=%d schedule=%s start=%s channel=%s timeout=%d pool=%d "
           "inexact=%d kernels=", m->name, !!(m->flags & CB_MODEL_SERIAL),
           m->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(m->schedule) : "",
           m->flags & CB_MODEL_START ? cb_start_name(m->start) : "",
           m->flags & CB_MODEL_CHANNEL ? cb_channel_name(m->channel) : "",
           !!(m->flags & (CB_MODEL_TIMEOUT | CB_MODEL_WATCHDOG)), m->open != NULL,
           !!(m->flags & CB_MODEL_INEXACT));
    for (size_t i = 0, first = 1; cb_kernels[i]; i++)
        if (!(m->flags & CB_MODEL_INEXACT) || cb_kernels[i]->tolerance) {
            printf("%s%s", first ? "" : ",", cb_kernels[i]->name);
            first = 0;
        }
    printf("\n");
}

/* One option of a model's own (the shared ones are cli.c's): 0, -1 (done: help, version,
 * model info printed) or an exit status. */
struct model_ctx {
    const struct cb_model *m;
    struct cb_options *o;
    struct cmdline *cl;
};

static int model_option(int c, const char *arg, void *vctx)
{
    const struct model_ctx *x = vctx;
    const struct cb_model *m = x->m;
    struct cb_options *o = x->o;
    struct cmdline *cl = x->cl;
    uint64_t v;
    switch (c) {
    case CB_OPT_KERNEL:
        return add_kernels(o, arg);
    case CB_OPT_SIZE:
        if (cl->nsizes >= sizeof cl->sizes / sizeof cl->sizes[0])
            return usage_error("--size: given too often");
        cl->sizes[cl->nsizes++].text = arg;
        return 0;
    case CB_OPT_WORKERS:
        if (m->flags & CB_MODEL_SERIAL && strcmp(arg, "1") != 0)
            return usage_error("--workers '%s': model %s runs one worker only", arg, m->name);
        cl->workers = arg;
        o->workers_given = 1;
        return 0;
    case CB_OPT_SCHEDULE:
        if (!(m->flags & CB_MODEL_SCHEDULE))
            return usage_error("--schedule: model %s has no choice of schedule", m->name);
        if (cb_schedule_parse(arg, &o->schedule) < 0)
            return usage_error("--schedule '%s': unknown schedule (static, cyclic, dynamic, "
                               "guided)", arg);
        o->schedule_given = 1;
        return 0;
    case CB_OPT_CHUNK:
        if (!(m->flags & CB_MODEL_SCHEDULE))
            return usage_error("--chunk: model %s has no choice of schedule", m->name);
        if (cb_parse_u64(arg, &v) < 0 || v == 0)
            return usage_error("--chunk '%s': not a positive count", arg);
        o->chunk = v;
        o->chunk_given = 1;
        return 0;
    case CB_OPT_SEQUENTIAL_ORDER:
        o->interleave = 0;
        return 0;
    case CB_OPT_START:
        if (!(m->flags & CB_MODEL_START))
            return usage_error("--start: model %s has no choice of start method", m->name);
        if (strcmp(arg, "fork") == 0)
            o->start = CB_START_FORK;
        else if (strcmp(arg, "spawn") == 0)
            o->start = CB_START_SPAWN;
        else
            return usage_error("--start '%s': unknown start method (fork, spawn)", arg);
        return 0;
    case CB_OPT_CHANNEL:
        if (!(m->flags & CB_MODEL_CHANNEL))
            return usage_error("--channel: model %s has no choice of channel", m->name);
        for (int ch = CB_CHANNEL_PIPE; ch <= CB_CHANNEL_SHM; ch++)
            if (strcmp(arg, cb_channel_name((enum cb_channel)ch)) == 0) {
                o->channel = (enum cb_channel)ch;
                return 0;
            }
        return usage_error("--channel '%s': unknown channel (pipe, queue, socket, shm)", arg);
    case CB_OPT_WAIT: {
        if (!(m->flags & CB_MODEL_WAIT))
            return usage_error("--wait: model %s has no pool whose threads wait", m->name);
        enum cb_wait wp;
        if (cb_wait_parse(arg, &wp) < 0)
            return usage_error("--wait '%s': unknown policy (spin, passive, auto)", arg);
        o->wait = wp;
        return 0;
    }
    case CB_OPT_TOPOLOGY:
        cl->synthetic = arg;
        return 0;
    case CB_OPT_TOPOLOGY_XML:
        cl->xml = arg;
        return 0;
    case CB_OPT_PLAN:
    case CB_OPT_JSON:
    case CB_OPT_FOREIGN_TOPOLOGY: /* the flags */
        *(c == CB_OPT_PLAN ? &cl->plan_only : c == CB_OPT_JSON ? &cl->json
                                                                : &o->foreign_topology) = 1;
        return 0;
    case CB_OPT_HELP:
        print_help(m);
        return -1;
    case CB_OPT_MODEL_INFO:
        print_model_info(m);
        return -1;
    default:
        return usage_error("unknown option '%s'", "?"); /* not reached: the table's codes */
    }
}

/* Parse the command line into *o and *cl (nothing is loaded or checked against the
 * machine here): 0, -1 (help, version or model info printed) or an exit status. */
static int parse_options(int argc, char **argv, const struct cb_model *m, struct cb_options *o,
                         struct cmdline *cl)
{
    memset(o, 0, sizeof *o);
    memset(cl, 0, sizeof *cl);
    o->interleave = 1;
    o->schedule = m->schedule;
    o->start = m->start;
    o->channel = m->channel;
    o->wait = CB_WAIT_AUTO;
    o->reps = DEFAULT_REPS;
    o->warmup = DEFAULT_WARMUP;
    o->seed = DEFAULT_SEED;
    o->bind = CB_BIND_CORES;
    struct cb_cli_common cc = { &o->reps, &o->warmup, &o->seed, &o->timeout, &o->output,
                                &o->raw, &o->quiet, &o->bind };
    struct model_ctx ctx = { m, o, cl };
    int rc = cb_cli_parse(argc, argv, prog, CB_CLI_MODELS, &cc, model_option, &ctx);
    if (rc != 0)
        return rc;
    if (o->timeout > 0 && !(m->flags & (CB_MODEL_TIMEOUT | CB_MODEL_WATCHDOG)))
        return usage_error("--timeout: model %s cannot stop a hung worker", m->name);
    if (cl->json && !cl->plan_only)
        return usage_error("--json: only with --plan (prints the plan as JSON; a run writes "
                           "CSV)");
    if (cl->synthetic && cl->xml)
        return usage_error("--topology and --topology-xml: give one of them");
    if ((cl->synthetic || cl->xml) && !cl->plan_only)
        return usage_error("--topology%s describes another machine: use it with --plan",
                           cl->xml ? "-xml" : "");
    return 0;
}

/* Prepare the run the command line asked for: load the topology, choose the kernels and
 * sizes and worker counts, check the limits, print the plan (--plan), refuse another
 * machine's topology, export OpenMP's places and reserve the output. 0, -1 (the plan was
 * printed) or an exit status. */
static int prepare_run(char **argv, const struct cb_model *m, struct cb_options *o,
                       const struct cmdline *cl, struct cb_topo *topo)
{
    char err[512];
    int rc;
    const char *synthetic = cl->synthetic, *xml = cl->xml;
    if (cb_topo_load(topo, synthetic, xml, err, sizeof err) < 0) {
        if (synthetic || xml)
            return usage_error("%s", err);
        fprintf(stderr, "%s: %s\n", prog, err);
        return CB_EXIT_ERROR;
    }
    if (o->nkernels == 0)
        for (size_t i = 0; i < 3; i++)
            if (!(m->flags & CB_MODEL_INEXACT) || cb_kernels[i]->tolerance)
                o->kernels[o->nkernels++] = cb_kernels[i];
    for (size_t i = 0; i < o->nkernels; i++)
        if (m->flags & CB_MODEL_INEXACT && !o->kernels[i]->tolerance)
            return usage_error("--kernel %s: model %s runs only kernels with floating-point "
                               "output (matmul)", o->kernels[i]->name, m->name);
    if ((rc = apply_sizes(o, cl->sizes, cl->nsizes)) != 0)
        return rc;
    if (o->chunk_given && o->schedule == CB_SCHED_STATIC)
        return usage_error("--chunk: the static schedule has no chunks (use cyclic, dynamic or "
                           "guided)");
    if (m->flags & CB_MODEL_SERIAL) {
        o->workers[0] = 1;
        o->nworkers = 1;
    } else if (cb_parse_workers(cl->workers ? cl->workers : "all", topo->pus, o->workers,
                                CB_MAX_WORKERS, &o->nworkers, err, sizeof err) < 0) {
        return usage_error("%s", err);
    }
    if (m->configure && (rc = m->configure(o, topo, err, sizeof err)) != 0)
        return rc == CB_EXIT_USAGE ? usage_error("%s", err) : rc;
    /* the limits hold for this machine: --plan checks them too (the sweep asks --plan
     * before its first run), except for another machine's topology */
    if (!synthetic && !xml && (rc = check_limits(o, m, topo)) != 0)
        return rc;
    if (cl->plan_only) {
        if (cl->json)
            return (rc = print_plans_json(m, o, topo, synthetic, xml)) != 0 ? rc : -1;
        print_plans(o, topo, synthetic, xml);
        return -1;
    }
    /* planning for another machine is legitimate, measuring it is not (environ.h) */
    if ((rc = cb_foreign_topology_check(topo, o->foreign_topology, err, sizeof err)) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return rc;
    }
    if (m->flags & CB_MODEL_OMP_PLACES)
        omp_places(o, topo, argv);
    if (o->output && cb_output_reserve(o->output, err, sizeof err) < 0)
        return usage_error("%s", err);
    return 0;
}

/* The samples of one configuration (a worker count) of one kernel. */
struct cfg_run {
    int p;
    int n;                     /* measured repetitions so far */
    double *wall, *setup, *compute, *collect, *user, *sys, *util, *imb;
    double *waitcpu;           /* CB_MODEL_WAIT: the pool's polling seconds (cb_rep) */
    struct cb_noise *noise;    /* what else happened in each repetition (noise.h) */
    double *moved;             /* workers that ended on another CPU, per repetition */
    double *worker;            /* scratch: p per-worker compute times */
    int bad;                   /* repetitions that failed verification */
    int *plan;                 /* [p] planned PU of each worker, -1: unbound */
    int *cpu0, *cpu1;          /* [reps * p] where each worker started and finished */
    int migrations;            /* workers that ended on another CPU than they started on */
    int off_plan;              /* repetitions in which a worker was not on its planned PU */
    int unknown;               /* repetitions whose model could not say where it ran */
    char *hosts;               /* the hosts column: the model's last report, or NULL */
    double world_start_s;      /* the world_start_s column: the model's last report, or 0 */
};

static void cfg_free(struct cfg_run *c)
{
    free(c->wall);
    free(c->setup);
    free(c->compute);
    free(c->collect);
    free(c->user);
    free(c->sys);
    free(c->util);
    free(c->imb);
    free(c->waitcpu);
    free(c->noise);
    free(c->moved);
    free(c->worker);
    free(c->plan);
    free(c->cpu0);
    free(c->cpu1);
    free(c->hosts);
}

static int cfg_alloc(struct cfg_run *c, int p, int reps)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    size_t r = (size_t)reps;
    c->wall = calloc(r, sizeof(double));
    c->setup = calloc(r, sizeof(double));
    c->compute = calloc(r, sizeof(double));
    c->collect = calloc(r, sizeof(double));
    c->user = calloc(r, sizeof(double));
    c->sys = calloc(r, sizeof(double));
    c->util = calloc(r, sizeof(double));
    c->imb = calloc(r, sizeof(double));
    c->waitcpu = calloc(r, sizeof(double));
    c->noise = calloc(r, sizeof *c->noise);
    c->moved = calloc(r, sizeof(double));
    c->worker = calloc((size_t)p, sizeof(double));
    c->plan = calloc((size_t)p, sizeof(int));
    c->cpu0 = calloc(r * (size_t)p, sizeof(int));
    c->cpu1 = calloc(r * (size_t)p, sizeof(int));
    if (!c->wall || !c->setup || !c->compute || !c->collect || !c->user || !c->sys ||
        !c->util || !c->imb || !c->waitcpu || !c->noise || !c->moved || !c->worker || !c->plan || !c->cpu0 || !c->cpu1) {
        cfg_free(c);
        return -1;
    }
    return 0;
}

struct ctx {
    const struct cb_model *model;
    const struct cb_options *o;
    const struct cb_topo *topo;
    const int *order;        /* the bind policy's order of all PUs, NULL for none */
    FILE *csv;
    const char *global_warn; /* warnings that hold for the whole run */
    int status;              /* the worst exit status so far */
    void *pool;              /* the model's pool for the current kernel, or NULL */
    double *ref_out;         /* inexact models: a copy of the reference output */
    double pool_create_s;    /* how long open() took */
    const struct cb_run_env *env; /* the quota and context id of every row (environ.h) */
};

static const char *const csv_header =
    "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,reps,warmup,rep,"
    "wall_s,median_s,min_s,max_s,mean_s,stddev_s,cv,ci_low_s,ci_high_s,outliers,"
    "setup_s,compute_s,collect_s,user_s,sys_s,util,imbalance,pool_create_s,gflops,result,"
    "checksum,verified,binding,migrations,pu_plan,pu_map,seed,warnings,hosts,"
    "world_start_s,wait,wait_cpu_s,quota_cpus,schema,context," CB_NOISE_COLUMNS "\n";

static void fmt_checksum(const struct cb_result *r, char *buf, size_t len)
{
    cb_u128 v = ((cb_u128)r->checksum_hi << 64) | r->checksum_lo;
    cb_u128_format(v, buf, len);
}

/* The columns every row shares, up to and including `warmup`. */
static void csv_config(struct ctx *x, const char *row, const struct cb_job *job, int p,
                       uint64_t chunk)
{
    const struct cb_options *o = x->o;
    char chunkbuf[32] = "";
    if (x->model->flags & CB_MODEL_SCHEDULE && o->schedule != CB_SCHED_STATIC)
        snprintf(chunkbuf, sizeof chunkbuf, "%llu", (unsigned long long)chunk);
    fprintf(x->csv, "%s,%s,%s,%llu,%d,%s,%s,%s,%s,%s,%d,%d,", row, x->model->name,
            job->kernel->name, (unsigned long long)job->size, p,
            cb_bind_name(o->bind),
            x->model->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(o->schedule) : "static",
            chunkbuf, cb_start_name(o->start),
            cb_channel_name(o->channel), o->reps, o->warmup);
}

/* The pool_create_s column: empty for models without a persistent pool. */
static void csv_pool(struct ctx *x)
{
    if (x->model->open)
        fprintf(x->csv, "%.9f,", x->pool_create_s);
    else
        fputc(',', x->csv);
}

/* The last columns and the end of the row: hosts and world_start_s (empty for a model
 * that reports neither), then wait and wait_cpu_s (the pools only: their wait policy, and
 * the CPU seconds they spent polling, of this repetition or the median per repetition),
 * the run's environment, and what else happened (noise.h: this repetition's, or the
 * configuration's medians, share and causes). */
static void csv_world(struct ctx *x, const struct cfg_run *c, double wait_cpu,
                      const struct cb_noise *nz, double foreign_pu, const char *causes)
{
    fprintf(x->csv, "%s,", c->hosts ? c->hosts : "");
    if (c->world_start_s > 0)
        fprintf(x->csv, "%.9f", c->world_start_s);
    if (x->model->flags & CB_MODEL_WAIT)
        fprintf(x->csv, ",%s,%.9f", cb_wait_name(x->o->wait), wait_cpu);
    else
        fputs(",,", x->csv);
    cb_run_env_csv(x->csv, x->env);
    cb_noise_csv(x->csv, nz, foreign_pu, causes);
    fputc('\n', x->csv);
}

/* For an inexact model: the output against the reference output, element by element.
 * Returns 1 if within the kernel's tolerance, with the largest difference in *maxdiff. */
static int close_to_reference(const struct cb_job *job, const double *ref_out, double *maxdiff)
{
    const double *out = job->out;
    size_t n = job->out_bytes / sizeof(double);
    double tol = job->kernel->tolerance(job->size), worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(out[i] - ref_out[i]);
        if (!(d <= worst)) /* NaN too */
            worst = d;
    }
    *maxdiff = worst;
    return worst <= tol;
}

/* The chunk a configuration runs with: --chunk, or the schedule's default raised to the
 * kernel's smallest useful slice. Every model gets it explicitly, so all of them split the
 * space alike and the CSV says what ran. */
static uint64_t chunk_for(const struct cb_options *o, const struct cb_job *job, int p)
{
    if (o->chunk)
        return o->chunk;
    uint64_t c = cb_sched_default_chunk(o->schedule, job->space, p);
    if (o->schedule != CB_SCHED_STATIC && c < job->kernel->min_chunk)
        c = job->kernel->min_chunk;
    return c;
}

/* One repetition of configuration c. Returns 0, or the model's failure status. */
static int run_once(struct ctx *x, const struct cb_job *job, struct cfg_run *c,
                    const struct cb_result *ref, int record, int repno)
{
    const struct cb_options *o = x->o;
    struct cb_config cfg = {
        .workers = c->p, .schedule = o->schedule, .chunk = chunk_for(o, job, c->p),
        .timeout = o->timeout,
        .start = o->start, .channel = o->channel,
        .pool = x->pool, .plan = c->plan, .order = x->order, .npus = x->topo->pus,
        .wait = o->wait,
    };
    int *where0 = c->cpu0 + (size_t)c->n * (size_t)c->p;
    int *where1 = c->cpu1 + (size_t)c->n * (size_t)c->p;
    for (int w = 0; w < c->p; w++)
        where0[w] = where1[w] = -1;
    struct cb_rep rep = { .worker_compute = c->worker, .cpu_start = where0, .cpu_end = where1 };
    char err[512] = "";
    memset(c->worker, 0, (size_t)c->p * sizeof(double));
    if (job->kernel->reset)
        job->kernel->reset((struct cb_job *)job);

    /* names the repetition in crash reports; arms the watchdog of a threads model */
    if (cb_fault_rep_begin(job->kernel->name, job->size, c->p,
                           x->model->flags & CB_MODEL_WATCHDOG ? o->timeout : 0) < 0) {
        fprintf(stderr, "%s: cannot start the --timeout watchdog thread\n", prog);
        return CB_EXIT_ERROR;
    }
    struct cb_noise_mark mark0, mark1;
    cb_noise_mark(&mark0);
    double t0 = cb_now();
    int rc = x->model->run(job, &cfg, &rep, err, sizeof err);
    double t3 = cb_now();
    cb_noise_mark(&mark1);
    cb_fault_rep_end();
    if (rc != 0) {
        fprintf(stderr, "%s: %s (kernel %s, size %llu, %d workers)\n", prog,
                err[0] ? err : "the model failed", job->kernel->name,
                (unsigned long long)job->size, c->p);
        return rc;
    }

    struct cb_result res;
    job->kernel->finish(job, &rep.total, &res);
    int ok = res.checksum_hi == ref->checksum_hi && res.checksum_lo == ref->checksum_lo;
    if (x->ref_out) {
        double diff;
        ok = close_to_reference(job, x->ref_out, &diff);
        if (!ok)
            fprintf(stderr, "%s: verification failed: %s %s size %llu, %d workers: an element "
                    "differs from the reference by %.3g, more than the tolerance %.3g\n", prog,
                    x->model->name, job->kernel->name, (unsigned long long)job->size, c->p,
                    diff, job->kernel->tolerance(job->size));
    }
    if (!ok && !x->ref_out) {
        char got[48], want[48];
        fmt_checksum(&res, got, sizeof got);
        fmt_checksum(ref, want, sizeof want);
        fprintf(stderr, "%s: verification failed: %s %s size %llu, %d workers, %s %d: "
                "checksum %s, the sequential reference %s\n", prog, x->model->name,
                job->kernel->name, (unsigned long long)job->size, c->p,
                record ? "repetition" : "warm-up", repno + 1, got, want);
    }
    if (!ok) {
        c->bad++;
        x->status = CB_EXIT_VERIFY;
    }
    if (!record)
        return 0;

    int i = c->n++;
    double wall = t3 - t0;
    c->wall[i] = wall;
    c->setup[i] = rep.t_gate - t0;
    c->compute[i] = rep.t_done - rep.t_gate;
    c->collect[i] = t3 - rep.t_done;
    c->user[i] = mark1.own.user - mark0.own.user + rep.other.user;
    c->sys[i] = mark1.own.sys - mark0.own.sys + rep.other.sys;
    cb_noise_between(&mark0, &mark1, &rep.other, where1, c->p, &c->noise[i]);
    if (rep.world_start_s > 0)
        c->world_start_s = rep.world_start_s;
    if (rep.hosts && (!c->hosts || strcmp(c->hosts, rep.hosts) != 0)) {
        free(c->hosts);
        c->hosts = strdup(rep.hosts); /* NULL if memory is short: the column stays empty */
    }
    c->waitcpu[i] = rep.wait_cpu;
    c->util[i] = wall > 0 ? (c->user[i] + c->sys[i]) / (wall * c->p) : 0.0;
    double mx = 0.0, sum = 0.0;
    for (int w = 0; w < c->p; w++) {
        sum += c->worker[w];
        if (c->worker[w] > mx)
            mx = c->worker[w];
    }
    c->imb[i] = sum > 0 ? mx / (sum / c->p) : 1.0;

    /* where the workers ran, against the plan */
    int unknown = 0, off = 0;
    for (int w = 0; w < c->p; w++) {
        if (where0[w] < 0 || where1[w] < 0) {
            unknown = 1;
            continue;
        }
        c->migrations += where0[w] != where1[w];
        c->moved[i] += where0[w] != where1[w];
        off |= c->plan[w] >= 0 && (where0[w] != c->plan[w] || where1[w] != c->plan[w]);
    }
    c->unknown += unknown;
    c->off_plan += off;
    return 0;
}

/* Write the summary (and raw) rows of a configuration and print its line. */
static void report(struct ctx *x, const struct cb_job *job, struct cfg_run *c,
                   const struct cb_result *ref, int ref_ok)
{
    const struct cb_options *o = x->o;
    struct cb_summary s;
    cb_summarize(c->wall, (size_t)c->n, &s);
    uint64_t chunk = chunk_for(o, job, c->p);
    int verified = ref_ok && c->bad == 0;
    double gflops = job->kernel->flops && s.median > 0 ? job->kernel->flops(job->size) / s.median / 1e9
                                                       : NAN;
    /* held: every worker started and ended on its planned PU in every repetition */
    const char *binding = c->unknown ? "unknown"
                          : o->bind == CB_BIND_NONE ? "unbound"
                          : c->off_plan ? "moved" : "held";
    struct cb_noise_summary nz;
    cb_noise_summarize(c->noise, c->wall, c->moved, (size_t)c->n, s.cv > CB_NOISY_CV, &nz);
    char warn[256] = "";
    if (x->global_warn[0])
        cb_warn_add(warn, sizeof warn, x->global_warn);
    if (c->p > x->topo->pus)
        cb_warn_add(warn, sizeof warn, "oversubscribed");
    if (cb_quota_exceeded(x->env, c->p))
        cb_warn_add(warn, sizeof warn, "quota");
    if (nz.loaded)
        cb_warn_add(warn, sizeof warn, "loaded");
    cb_warn_samples(warn, sizeof warn, s.cv, s.outliers, s.median, s.ci_valid);
    if (!verified)
        cb_warn_add(warn, sizeof warn, "unverified");
    if (c->off_plan)
        cb_warn_add(warn, sizeof warn, "binding-moved");

    char sum[48];
    fmt_checksum(ref, sum, sizeof sum);
    csv_config(x, "summary", job, c->p, chunk);
    fprintf(x->csv, ",,%.9f,%.9f,%.9f,%.9f,%.9f,%.6f,", s.median, s.min, s.max, s.mean,
            s.stddev, s.cv);
    if (s.ci_valid)
        fprintf(x->csv, "%.9f,%.9f,", s.ci_low, s.ci_high);
    else
        fprintf(x->csv, ",,");
    fprintf(x->csv, "%zu,%.9f,%.9f,%.9f,%.6f,%.6f,%.4f,%.4f,", s.outliers,
            cb_median(c->setup, (size_t)c->n), cb_median(c->compute, (size_t)c->n),
            cb_median(c->collect, (size_t)c->n), cb_median(c->user, (size_t)c->n),
            cb_median(c->sys, (size_t)c->n), cb_median(c->util, (size_t)c->n),
            cb_median(c->imb, (size_t)c->n));
    csv_pool(x);
    if (isnan(gflops))
        fprintf(x->csv, ",");
    else
        fprintf(x->csv, "%.3f,", gflops);
    fprintf(x->csv, "%.17g,%s,%s,%s,%d,", ref->value, sum, verified ? "yes" : "no",
            binding, c->migrations);
    for (int w = 0; w < c->p; w++)
        fprintf(x->csv, "%s%d", w ? ";" : "", c->plan[w]);
    fprintf(x->csv, ",,%llu,%s,", (unsigned long long)o->seed, warn);
    csv_world(x, c, cb_median(c->waitcpu, (size_t)c->n), &nz.median, nz.foreign_pu, nz.causes);

    if (o->raw)
        for (int i = 0; i < c->n; i++) {
            csv_config(x, "raw", job, c->p, chunk);
            fprintf(x->csv, "%d,%.9f,,,,,,,,,,%.9f,%.9f,%.9f,%.6f,%.6f,%.4f,%.4f,", i + 1,
                    c->wall[i], c->setup[i], c->compute[i], c->collect[i], c->user[i],
                    c->sys[i], c->util[i], c->imb[i]);
            csv_pool(x);
            fprintf(x->csv, ",%.17g,%s,%s,,,,", ref->value, sum, verified ? "yes" : "no");
            /* the CPU of each worker; a>b where it started on a and ended on b */
            const int *a = c->cpu0 + (size_t)i * (size_t)c->p, *b = c->cpu1 + (size_t)i * (size_t)c->p;
            for (int w = 0; w < c->p; w++) {
                fprintf(x->csv, "%s%d", w ? ";" : "", a[w]);
                if (b[w] != a[w])
                    fprintf(x->csv, ">%d", b[w]);
            }
            fprintf(x->csv, ",%llu,,", (unsigned long long)o->seed);
            const struct cb_noise *r = &c->noise[i];
            csv_world(x, c, c->waitcpu[i], r, c->wall[i] > 0 ? r->foreign_s / c->wall[i] : NAN,
                      "");
        }

    if (!o->quiet) {
        fprintf(stderr, "%-8s %-7s size %-10llu p=%-3d median %.4f s", x->model->name,
                job->kernel->name, (unsigned long long)job->size, c->p, s.median);
        if (s.ci_valid)
            fprintf(stderr, " [%.4f, %.4f]", s.ci_low, s.ci_high);
        fprintf(stderr, " cv %.1f%% imbalance %.2f", 100 * s.cv,
                cb_median(c->imb, (size_t)c->n));
        if (!isnan(gflops))
            fprintf(stderr, " %.2f GFLOP/s", gflops);
        fprintf(stderr, " bind %s: %s, %s%s%s\n", cb_bind_name(o->bind), binding,
                verified ? "verified" : "NOT VERIFIED", warn[0] ? " warn: " : "", warn);
    }
}

/* Shuffle configuration indices for a round, from the seed (Fisher-Yates). */
static void shuffle(int *idx, int n, uint64_t key, uint64_t round)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(cb_rng_u64(key, round * 4096 + (uint64_t)i) % (uint64_t)(i + 1));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

static int run_kernel(struct ctx *x, size_t ki)
{
    const struct cb_options *o = x->o;
    const struct cb_kernel *k = o->kernels[ki];
    struct cb_job job;
    int rc = cb_job_prepare(&job, k, o->sizes[ki], o->seed);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot prepare %s of size %llu: %s\n", prog, k->name,
                (unsigned long long)o->sizes[ki], strerror(-rc));
        return CB_EXIT_ERROR;
    }

    /* the sequential reference, checked by an independent method */
    struct cb_result ref;
    cb_job_compute_all(&job, &ref);
    char msg[256] = "";
    int ref_ok = k->check(&job, &ref, msg, sizeof msg) == 0;
    if (!ref_ok) {
        fprintf(stderr, "%s: verification failed: the sequential %s result does not pass the "
                "independent check: %s\n", prog, k->name, msg);
        x->status = CB_EXIT_VERIFY;
    }

    if (x->model->flags & CB_MODEL_INEXACT) {
        if (!k->tolerance || !job.out) {
            fprintf(stderr, "%s: model %s cannot run kernel %s (no tolerance defined)\n", prog,
                    x->model->name, k->name);
            cb_job_cleanup(&job);
            return CB_EXIT_USAGE;
        }
        x->ref_out = malloc(job.out_bytes);
        if (!x->ref_out) {
            cb_job_cleanup(&job);
            return CB_EXIT_ERROR;
        }
        memcpy(x->ref_out, job.out, job.out_bytes);
    }
    int n = (int)o->nworkers;
    x->pool = NULL;
    if (x->model->open) {
        int maxp = 1;
        for (int i = 0; i < n; i++)
            if (o->workers[i] > maxp)
                maxp = o->workers[i];
        struct cb_config pc = {
            .workers = maxp, .schedule = o->schedule, .chunk = o->chunk,
            .timeout = o->timeout, .start = o->start,
            .channel = o->channel, .order = x->order, .npus = x->topo->pus,
            .wait = o->wait,
        };
        char perr[512] = "";
        double t0 = cb_now();
        rc = x->model->open(&job, &pc, maxp, &x->pool, perr, sizeof perr);
        x->pool_create_s = cb_now() - t0;
        if (rc != 0) {
            fprintf(stderr, "%s: %s\n", prog, perr[0] ? perr : "cannot create the pool");
            free(x->ref_out);
            x->ref_out = NULL;
            cb_job_cleanup(&job);
            return rc;
        }
        if (!o->quiet)
            fprintf(stderr, "%-8s %-7s pool of %d workers created in %.6f s (reported apart, "
                    "not in the repetitions)\n", x->model->name, k->name, maxp,
                    x->pool_create_s);
    }
    struct cfg_run *cfgs = calloc((size_t)n, sizeof *cfgs);
    int *order = calloc((size_t)n, sizeof *order);
    rc = cfgs && order ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = cfg_alloc(&cfgs[i], o->workers[i], o->reps);
        if (rc == 0)
            rc = cb_bind_plan(x->topo, o->bind, o->workers[i], cfgs[i].plan);
    }
    if (rc < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        rc = CB_EXIT_ERROR;
        goto out;
    }

    uint64_t key = cb_rng_key(o->seed, 1000 + ki);
    int total = o->reps * n, done = 0;
    double started = cb_now();
    for (int w = 0; w < o->warmup && rc == 0; w++)
        for (int i = 0; i < n && rc == 0; i++)
            rc = run_once(x, &job, &cfgs[i], &ref, 0, w);
    for (int r = 0; r < o->reps && rc == 0; r++) {
        for (int i = 0; i < n; i++)
            order[i] = i;
        if (o->interleave)
            shuffle(order, n, key, (uint64_t)r);
        for (int i = 0; i < n && rc == 0; i++, done++)
            rc = run_once(x, &job, &cfgs[order[i]], &ref, 1, r);
        if (!o->quiet && isatty(STDERR_FILENO)) {
            double el = cb_now() - started;
            fprintf(stderr, "\r%s %s: round %d of %d, %.0f s elapsed, about %.0f s left   ",
                    x->model->name, k->name, r + 1, o->reps, el,
                    el / done * (total - done));
            if (r + 1 == o->reps)
                fprintf(stderr, "\r%*s\r", 70, "");
        }
    }
    if (rc == 0)
        for (int i = 0; i < n; i++)
            report(x, &job, &cfgs[i], &ref, ref_ok);
out:
    if (x->pool)
        x->model->close(x->pool);
    x->pool = NULL;
    free(x->ref_out);
    x->ref_out = NULL;
    for (int i = 0; cfgs && i < n; i++)
        cfg_free(&cfgs[i]);
    free(cfgs);
    free(order);
    cb_job_cleanup(&job);
    return rc;
}

/* The command line parsed, then the run prepared: 0, -1 (done: help, plan) or a status. */
static int parse_and_prepare(int argc, char **argv, const struct cb_model *model,
                             struct cb_options *o, struct cb_topo *topo)
{
    struct cmdline cl;
    int rc = parse_options(argc, argv, model, o, &cl);
    return rc ? rc : prepare_run(argv, model, o, &cl, topo);
}

static void set_prog(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        prog = slash ? slash + 1 : argv[0];
    }
}

int cb_parse_command_line(int argc, char **argv, const struct cb_model *model,
                          struct cb_options *o, struct cb_topo *topo)
{
    set_prog(argc, argv);
    cb_close_stdout_at_exit();
    return parse_and_prepare(argc, argv, model, o, topo);
}

int cb_main(int argc, char **argv, const struct cb_model *model)
{
    set_prog(argc, argv);
    if (model->abi != CB_MODEL_ABI || !model->run || !model->name ||
        !model->open != !model->close) {
        fprintf(stderr, "%s: model descriptor is malformed (abi %d, expected %d)\n", prog,
                model->abi, CB_MODEL_ABI);
        return CB_EXIT_ERROR;
    }
    /* a spawned worker: the model's own entry point, nothing of the harness */
    if (argc >= 2 && strcmp(argv[1], "--cb-worker") == 0 && model->worker_main)
        return model->worker_main(argc - 2, argv + 2);
    cb_close_stdout_at_exit();
    cb_output_signals();
    cb_fault_install(prog);

    struct cb_topo topo = { 0 };
    struct cb_options o;
    int rc = parse_and_prepare(argc, argv, model, &o, &topo);
    if (rc != 0) {
        cb_output_discard();
        cb_topo_destroy(&topo);
        return rc < 0 ? CB_EXIT_OK : rc;
    }

    char global[128] = "";
    if (CB_DEBUG_BUILD) {
        cb_warn_add(global, sizeof global, "debug-build");
        if (!o.quiet)
            fprintf(stderr, "%s: warning: this is a debug or unoptimised build; times are not "
                    "representative\n", prog);
    }
    if (cb_noise_watch_topology(&topo) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        cb_topo_destroy(&topo);
        return CB_EXIT_ERROR;
    }
    for (size_t i = 0; i < o.nworkers; i++)
        if (o.workers[i] > topo.pus) {
            if (!o.quiet)
                fprintf(stderr, "%s: warning: %d workers on %d PUs: oversubscribed\n", prog,
                        o.workers[i], topo.pus);
            break;
        }
    struct cb_run_env env;
    cb_run_env_init(&env, &topo);
    if (!o.quiet)
        cb_quota_warning(&env, prog, o.workers, o.nworkers);
    if (o.foreign_topology && !cb_topology_is_this_machine(&topo))
        cb_warn_add(global, sizeof global, "foreign-topology");

    char *buf = NULL;
    size_t len = 0;
    FILE *csv = open_memstream(&buf, &len);
    if (!csv) {
        fprintf(stderr, "%s: out of memory\n", prog);
        rc = CB_EXIT_ERROR;
        goto out;
    }
    fputs(csv_header, csv);
    cb_bind_use(&topo);
    int *order = NULL;
    if (o.bind != CB_BIND_NONE) {
        order = malloc(sizeof(int) * (size_t)topo.pus);
        if (!order || cb_bind_order(&topo, o.bind, order) < 0) {
            fprintf(stderr, "%s: cannot compute the %s placement\n", prog,
                    cb_bind_name(o.bind));
            free(order);
            fclose(csv);
            free(buf);
            rc = CB_EXIT_ERROR;
            goto out;
        }
    }
    struct ctx x = { .model = model, .o = &o, .topo = &topo, .order = order, .csv = csv,
                     .global_warn = global, .env = &env };
    for (size_t k = 0; k < o.nkernels && rc == 0; k++)
        rc = run_kernel(&x, k);
    free(order);
    /* a record the memory stream could not hold: never commit a partial file */
    if ((ferror(csv) | fclose(csv)) && rc == 0) {
        fprintf(stderr, "%s: out of memory while recording the results\n", prog);
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0) {
        if (cb_output_commit(o.output, buf, len) < 0) {
            if (o.output) /* (stdout's failure: its line at exit, cb_close_stdout_at_exit) */
                fprintf(stderr, "%s: cannot write %s: %s\n", prog, o.output, strerror(errno));
            rc = CB_EXIT_ERROR;
        } else {
            rc = x.status;
        }
    }
    free(buf);
out:
    cb_output_discard();
    cb_topo_destroy(&topo);
    return rc;
}
