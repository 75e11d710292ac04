/*
 * prepare.c - a model binary's command line and the preparation of its run (see
 * prepare.h): --help and --model-info, the models' own options, the sizes, the limits,
 * OpenMP's places and the steps that come before the first repetition.
 */
#define _GNU_SOURCE
#include "prepare.h"

#include "bind.h"
#include "cli.h"
#include "environ.h"
#include "options.h"
#include "output.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEFAULT_REPS 10
#define DEFAULT_WARMUP 1
#define DEFAULT_SEED 42

const char *cb_harness_prog = "bench";

void cb_harness_set_prog(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        cb_harness_prog = slash ? slash + 1 : argv[0];
    }
}

/* (one line, "PROG: MESSAGE (see --help)": cli.c) */
#define usage_error cb_cli_usage

static void print_help(const struct cb_model *model)
{
    printf("Usage: %s [OPTION]...\n", cb_harness_prog);
    printf("Model '%s': %s.\n\n", model->name, model->description);
    printf("Runs CPU-bound kernels under this model, times repeated runs, verifies every\n"
           "result against the sequential one, and writes a CSV (stdout by default).\n\n");
    printf("Options:\n"
           "  -k, --kernel NAME     kernel to run; repeat or comma-separate for several\n"
           "                        (default: primes,randsum,matmul)\n"
           "  -n, --size N          problem size for every kernel, or KERNEL=N for one;\n"
           "                        N takes k/M/G suffixes or an exponent (1e7)\n");
    if (!(model->flags & CB_MODEL_SERIAL))
        printf("  -w, --workers LIST    worker counts: 1,2,4  1-8  1-16:2  1-64:x2  all  2xall\n"
               "                        (`all` = the PUs this process may use; default all)\n");
    if (model->flags & CB_MODEL_SCHEDULE)
        printf("  -s, --schedule NAME   static (one block per worker), cyclic, dynamic or\n"
               "                        guided; default %s\n", cb_schedule_name(model->schedule));
    if (model->flags & CB_MODEL_SCHEDULE)
        printf(
               "  -c, --chunk N         chunk size for cyclic, dynamic, guided (minimum)\n");
    if (model->flags & CB_MODEL_START)
        printf("      --start HOW       fork (copy this process) or spawn (start a fresh program\n"
               "                        with posix_spawn); default %s\n",
               cb_start_name(model->start));
    if (model->flags & CB_MODEL_CHANNEL)
        printf("      --channel HOW     how results come back: pipe (one per worker), queue (one\n"
               "                        POSIX message queue), socket (Unix socket per worker),\n"
               "                        shm (shared memory, in place); default %s\n",
               cb_channel_name(model->channel));
    if (model->flags & CB_MODEL_TIMEOUT)
        printf("      --timeout SECONDS a repetition that takes longer is stopped: its workers\n"
               "                        are killed and reaped, and the run fails (exit 4)\n");
    if (model->flags & CB_MODEL_WAIT)
        printf("      --wait POLICY     how the pool's threads wait for work and for the end of\n"
               "                        a pass: spin (never sleep), passive (sleep at once) or\n"
               "                        auto (poll %.3g ms, then sleep; no polling when the\n"
               "                        workers exceed the PUs); default auto\n",
               CB_WAIT_SPIN_S * 1e3);
    if (model->flags & CB_MODEL_WATCHDOG)
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
static int add_kernels(struct cb_options *opts, const char *arg)
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
        for (size_t i = 0; i < opts->nkernels; i++)
            dup |= opts->kernels[i] == k;
        if (dup)
            continue;
        if (opts->nkernels >= CB_MAX_KERNELS)
            return usage_error("--kernel: too many kernels");
        opts->kernels[opts->nkernels++] = k;
    }
    return 0;
}

struct size_arg {
    const char *text;
};

/* Apply the --size arguments once the kernels are known. */
static int apply_sizes(struct cb_options *opts, const struct size_arg *sizes, size_t nsizes)
{
    for (size_t i = 0; i < opts->nkernels; i++)
        opts->sizes[i] = opts->kernels[i]->default_size;
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
        for (size_t i = 0; i < opts->nkernels; i++) {
            if (only && opts->kernels[i] != only)
                continue;
            hit = 1;
            opts->sizes[i] = v;
        }
        if (only && !hit)
            return usage_error("--size '%s': kernel %s is not selected", text, only->name);
    }
    for (size_t i = 0; i < opts->nkernels; i++) {
        const struct cb_kernel *k = opts->kernels[i];
        uint64_t v = opts->sizes[i];
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
static int check_limits(const struct cb_options *opts, const struct cb_model *model,
                        const struct cb_topo *topo)
{
    int pmax = 1;
    double records = 0, csv = 0;
    for (size_t i = 0; i < opts->nworkers; i++) {
        double p = opts->workers[i];
        pmax = opts->workers[i] > pmax ? opts->workers[i] : pmax;
        records += (double)opts->reps * (8 * sizeof(double) + 2 * p * sizeof(int)) + 12 * p;
        csv += (1.0 + (opts->raw ? opts->reps : 0)) * (400 + 12 * p);
    }
    csv *= (double)opts->nkernels;
    struct rlimit rl;
    if (!(model->flags & CB_MODEL_SERIAL) && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
        rl.rlim_cur != RLIM_INFINITY && (rlim_t)pmax >= rl.rlim_cur)
        return usage_error("--workers %d: more than this user may run at once (RLIMIT_NPROC, "
                           "ulimit -u, is %llu processes and threads, this one included)",
                           pmax, (unsigned long long)rl.rlim_cur);
    if (!topo->thissystem || !topo->memory)
        return 0;
    double limit = (double)topo->memory * 0.8;
    struct cb_config cfg = { .workers = pmax, .start = opts->start,
                             .channel = opts->channel };
    for (size_t i = 0; i < opts->nkernels; i++) {
        const struct cb_kernel *k = opts->kernels[i];
        double job = k->memory ? (double)k->memory(opts->sizes[i]) : 0;
        double out = k->output_memory ? (double)k->output_memory(opts->sizes[i]) : 0;
        double model_bytes = (model->flags & CB_MODEL_INEXACT ? out : 0) +
                       (model->memory ? model->memory(job, out, &cfg) : 0);
        double need = job + model_bytes + records + csv;
        if (need <= limit)
            continue;
        if (records + csv > job + model_bytes)
            return usage_error("--reps %d with %zu worker counts up to %d%s: the run's own "
                               "records need %.1f GiB, more than 80%% of this machine's %.1f "
                               "GiB", opts->reps, opts->nworkers, pmax,
                               opts->raw ? " and --raw" : "", GIB(need), GIB(topo->memory));
        char parts[128] = "";
        if (model_bytes >= 0.05 * (1u << 30))
            snprintf(parts, sizeof parts, ", %s with %d workers %.1f GiB more", model->name, pmax,
                     GIB(model_bytes));
        return usage_error("--size %llu: %s needs %.1f GiB (inputs and output %.1f GiB%s), "
                           "more than 80%% of this machine's %.1f GiB",
                           (unsigned long long)opts->sizes[i], k->name, GIB(need), GIB(job), parts,
                           GIB(topo->memory));
    }
    return 0;
}

/* OpenMP reads OMP_PLACES when the runtime loads, before main: so the plan for the largest
 * worker count (every smaller plan is its prefix) goes into OMP_PLACES, one place per
 * worker, with OMP_PROC_BIND=close (thread i on place i), and the program executes itself
 * again once, before any file is created. CB_OMP_BIND marks the second start. If the
 * re-execution fails, the run goes on unbound and its placement check says so. */
static void omp_places(const struct cb_options *opts, const struct cb_topo *topo, char **argv)
{
    if (opts->bind == CB_BIND_NONE || cb_omp_reexecuted())
        return;
    int pmax = 1;
    for (size_t i = 0; i < opts->nworkers; i++)
        if (opts->workers[i] > pmax)
            pmax = opts->workers[i];
    int *plan = malloc(sizeof(int) * (size_t)pmax);
    size_t len = (size_t)pmax * 12 + 1;
    char *places = malloc(len);
    if (!plan || !places || cb_bind_plan(topo, opts->bind, pmax, plan) < 0) {
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
    snprintf(mark, sizeof mark, "%ld:%s", (long)getpid(), cb_bind_name(opts->bind));
    setenv("CB_OMP_BIND", mark, 1);
    setenv("CB_ALLOWED_CPUSET", allowed, 1);
    free(plan);
    free(places);
    fflush(stdout);
    fflush(stderr);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "%s: warning: cannot re-execute with OMP_PLACES set (%s): OpenMP threads "
            "run unbound\n", cb_harness_prog, strerror(errno));
}

/* What the command line asked beyond struct cb_options, kept for preparing the run. */
struct cmdline {
    struct size_arg sizes[16];
    size_t nsizes;
    const char *workers, *synthetic, *xml;
    int plan_only, json;
};

/* --model-info: one line for scripts: what this model is and which options it takes. */
static void print_model_info(const struct cb_model *model)
{
    printf("model=%s serial=%d schedule=%s start=%s channel=%s timeout=%d pool=%d "
           "inexact=%d kernels=", model->name, !!(model->flags & CB_MODEL_SERIAL),
           model->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(model->schedule) : "",
           model->flags & CB_MODEL_START ? cb_start_name(model->start) : "",
           model->flags & CB_MODEL_CHANNEL ? cb_channel_name(model->channel) : "",
           !!(model->flags & (CB_MODEL_TIMEOUT | CB_MODEL_WATCHDOG)), model->open != NULL,
           !!(model->flags & CB_MODEL_INEXACT));
    for (size_t i = 0, first = 1; cb_kernels[i]; i++)
        if (!(model->flags & CB_MODEL_INEXACT) || cb_kernels[i]->tolerance) {
            printf("%s%s", first ? "" : ",", cb_kernels[i]->name);
            first = 0;
        }
    printf("\n");
}

/* Where model_option puts what it parses, for the model whose options they are. */
struct option_target {
    const struct cb_model *model;
    struct cb_options *opts;
    struct cmdline *cl;
};

/* One option of a model's own (the shared ones are cli.c's): 0, -1 (done: help, version,
 * model info printed) or an exit status. */
static int model_option(int code, const char *arg, void *vctx)
{
    const struct option_target *target = vctx;
    const struct cb_model *model = target->model;
    struct cb_options *opts = target->opts;
    struct cmdline *cl = target->cl;
    uint64_t v;
    switch (code) {
    case CB_OPT_KERNEL:
        return add_kernels(opts, arg);
    case CB_OPT_SIZE:
        if (cl->nsizes >= sizeof cl->sizes / sizeof cl->sizes[0])
            return usage_error("--size: given too often");
        cl->sizes[cl->nsizes++].text = arg;
        return 0;
    case CB_OPT_WORKERS:
        if (model->flags & CB_MODEL_SERIAL && strcmp(arg, "1") != 0)
            return usage_error("--workers '%s': model %s runs one worker only", arg, model->name);
        cl->workers = arg;
        opts->workers_given = 1;
        return 0;
    case CB_OPT_SCHEDULE:
        if (!(model->flags & CB_MODEL_SCHEDULE))
            return usage_error("--schedule: model %s has no choice of schedule", model->name);
        if (cb_schedule_parse(arg, &opts->schedule) < 0)
            return usage_error("--schedule '%s': unknown schedule (static, cyclic, dynamic, "
                               "guided)", arg);
        opts->schedule_given = 1;
        return 0;
    case CB_OPT_CHUNK:
        if (!(model->flags & CB_MODEL_SCHEDULE))
            return usage_error("--chunk: model %s has no choice of schedule", model->name);
        if (cb_parse_u64(arg, &v) < 0 || v == 0)
            return usage_error("--chunk '%s': not a positive count", arg);
        opts->chunk = v;
        opts->chunk_given = 1;
        return 0;
    case CB_OPT_SEQUENTIAL_ORDER:
        opts->interleave = 0;
        return 0;
    case CB_OPT_START:
        if (!(model->flags & CB_MODEL_START))
            return usage_error("--start: model %s has no choice of start method", model->name);
        if (strcmp(arg, "fork") == 0)
            opts->start = CB_START_FORK;
        else if (strcmp(arg, "spawn") == 0)
            opts->start = CB_START_SPAWN;
        else
            return usage_error("--start '%s': unknown start method (fork, spawn)", arg);
        return 0;
    case CB_OPT_CHANNEL:
        if (!(model->flags & CB_MODEL_CHANNEL))
            return usage_error("--channel: model %s has no choice of channel", model->name);
        for (int ch = CB_CHANNEL_PIPE; ch <= CB_CHANNEL_SHM; ch++)
            if (strcmp(arg, cb_channel_name((enum cb_channel)ch)) == 0) {
                opts->channel = (enum cb_channel)ch;
                return 0;
            }
        return usage_error("--channel '%s': unknown channel (pipe, queue, socket, shm)", arg);
    case CB_OPT_WAIT: {
        if (!(model->flags & CB_MODEL_WAIT))
            return usage_error("--wait: model %s has no pool whose threads wait", model->name);
        enum cb_wait wp;
        if (cb_wait_parse(arg, &wp) < 0)
            return usage_error("--wait '%s': unknown policy (spin, passive, auto)", arg);
        opts->wait = wp;
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
        *(code == CB_OPT_PLAN ? &cl->plan_only : code == CB_OPT_JSON ? &cl->json
                                                                : &opts->foreign_topology) = 1;
        return 0;
    case CB_OPT_HELP:
        print_help(model);
        return -1;
    case CB_OPT_MODEL_INFO:
        print_model_info(model);
        return -1;
    default:
        return usage_error("unknown option '%s'", "?"); /* not reached: the table's codes */
    }
}

/* Parse the command line into *opts and *cl (nothing is loaded or checked against the
 * machine here): 0, -1 (help, version or model info printed) or an exit status. */
static int parse_options(int argc, char **argv, const struct cb_model *model,
                         struct cb_options *opts, struct cmdline *cl)
{
    memset(opts, 0, sizeof *opts);
    memset(cl, 0, sizeof *cl);
    opts->interleave = 1;
    opts->schedule = model->schedule;
    opts->start = model->start;
    opts->channel = model->channel;
    opts->wait = CB_WAIT_AUTO;
    opts->reps = DEFAULT_REPS;
    opts->warmup = DEFAULT_WARMUP;
    opts->seed = DEFAULT_SEED;
    opts->bind = CB_BIND_CORES;
    struct cb_cli_common cc = { &opts->reps, &opts->warmup, &opts->seed, &opts->timeout,
                                &opts->output, &opts->raw, &opts->quiet, &opts->bind };
    struct option_target target = { model, opts, cl };
    int rc = cb_cli_parse(argc, argv, cb_harness_prog, CB_CLI_MODELS, &cc, model_option, &target);
    if (rc != 0)
        return rc;
    if (opts->timeout > 0 && !(model->flags & (CB_MODEL_TIMEOUT | CB_MODEL_WATCHDOG)))
        return usage_error("--timeout: model %s cannot stop a hung worker", model->name);
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
static int prepare_parsed(char **argv, const struct cb_model *model, struct cb_options *opts,
                       const struct cmdline *cl, struct cb_topo *topo)
{
    char err[512];
    int rc;
    const char *synthetic = cl->synthetic, *xml = cl->xml;
    if (cb_topo_load(topo, synthetic, xml, err, sizeof err) < 0) {
        if (synthetic || xml)
            return usage_error("%s", err);
        fprintf(stderr, "%s: %s\n", cb_harness_prog, err);
        return CB_EXIT_ERROR;
    }
    if (opts->nkernels == 0)
        for (size_t i = 0; i < 3; i++)
            if (!(model->flags & CB_MODEL_INEXACT) || cb_kernels[i]->tolerance)
                opts->kernels[opts->nkernels++] = cb_kernels[i];
    for (size_t i = 0; i < opts->nkernels; i++)
        if (model->flags & CB_MODEL_INEXACT && !opts->kernels[i]->tolerance)
            return usage_error("--kernel %s: model %s runs only kernels with floating-point "
                               "output (matmul)", opts->kernels[i]->name, model->name);
    if ((rc = apply_sizes(opts, cl->sizes, cl->nsizes)) != 0)
        return rc;
    if (opts->chunk_given && opts->schedule == CB_SCHED_STATIC)
        return usage_error("--chunk: the static schedule has no chunks (use cyclic, dynamic or "
                           "guided)");
    if (model->flags & CB_MODEL_SERIAL) {
        opts->workers[0] = 1;
        opts->nworkers = 1;
    } else if (cb_parse_workers(cl->workers ? cl->workers : "all", topo->pus, opts->workers,
                                CB_MAX_WORKERS, &opts->nworkers, err, sizeof err) < 0) {
        return usage_error("%s", err);
    }
    if (model->configure && (rc = model->configure(opts, topo, err, sizeof err)) != 0)
        return rc == CB_EXIT_USAGE ? usage_error("%s", err) : rc;
    /* the limits hold for this machine: --plan checks them too (the sweep asks --plan
     * before its first run), except for another machine's topology */
    if (!synthetic && !xml && (rc = check_limits(opts, model, topo)) != 0)
        return rc;
    if (cl->plan_only) {
        if (cl->json)
            return (rc = cb_plan_print_json(model, opts, topo, synthetic, xml)) != 0 ? rc : -1;
        cb_plan_print(opts, topo, synthetic, xml);
        return -1;
    }
    /* planning for another machine is legitimate, measuring it is not (environ.h) */
    if ((rc = cb_foreign_topology_check(topo, opts->foreign_topology, err, sizeof err)) != 0) {
        fprintf(stderr, "%s: %s\n", cb_harness_prog, err);
        return rc;
    }
    if (model->flags & CB_MODEL_OMP_PLACES)
        omp_places(opts, topo, argv);
    if (opts->output && cb_output_reserve(opts->output, err, sizeof err) < 0)
        return usage_error("%s", err);
    return 0;
}

int cb_prepare_run(int argc, char **argv, const struct cb_model *model,
                   struct cb_options *opts, struct cb_topo *topo)
{
    struct cmdline cl;
    int rc = parse_options(argc, argv, model, opts, &cl);
    return rc ? rc : prepare_parsed(argv, model, opts, &cl, topo);
}

int cb_parse_command_line(int argc, char **argv, const struct cb_model *model,
                          struct cb_options *opts, struct cb_topo *topo)
{
    cb_harness_set_prog(argc, argv);
    cb_close_stdout_at_exit();
    return cb_prepare_run(argc, argv, model, opts, topo);
}
