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
 *
 * The parts around this loop have their own files: the command line and the preparation
 * of a run (prepare.c), --plan (plan.c), the samples and the CSV rows (rows.c).
 */
#define _GNU_SOURCE
#include "harness.h"

#include "bind.h"
#include "build_info.h"
#include "environ.h"
#include "fault.h"
#include "options.h"
#include "output.h"
#include "prepare.h"
#include "rng.h"
#include "rows.h"
#include "timer.h"
#include "topo.h"
#include "warnings.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Whether repetition `repno` (a warm-up unless `record`) computed the reference result:
 * bit for bit, or for an inexact model element by element within the kernel's tolerance.
 * A failure is named on stderr, counted in the samples and makes the run's status
 * CB_EXIT_VERIFY. */
static int verify_rep(struct cb_run *run, const struct cb_job *job, struct cb_samples *samples,
                      const struct cb_rep *rep, const struct cb_result *ref, int record,
                      int repno)
{
    struct cb_result res;
    job->kernel->finish(job, &rep->total, &res);
    int ok = res.checksum_hi == ref->checksum_hi && res.checksum_lo == ref->checksum_lo;
    if (run->ref_out) {
        double diff;
        ok = close_to_reference(job, run->ref_out, &diff);
        if (!ok)
            fprintf(stderr, "%s: verification failed: %s %s size %llu, %d workers: an element "
                    "differs from the reference by %.3g, more than the tolerance %.3g\n",
                    cb_harness_prog, run->model->name, job->kernel->name,
                    (unsigned long long)job->size, samples->p, diff,
                    job->kernel->tolerance(job->size));
    }
    if (!ok && !run->ref_out) {
        char got[48], want[48];
        cb_checksum_format(&res, got, sizeof got);
        cb_checksum_format(ref, want, sizeof want);
        fprintf(stderr, "%s: verification failed: %s %s size %llu, %d workers, %s %d: "
                "checksum %s, the sequential reference %s\n", cb_harness_prog,
                run->model->name, job->kernel->name, (unsigned long long)job->size,
                samples->p, record ? "repetition" : "warm-up", repno + 1, got, want);
    }
    if (!ok) {
        samples->bad++;
        run->status = CB_EXIT_VERIFY;
    }
    return ok;
}

/* Where the workers of repetition i ran (where0: when they started, where1: when they
 * finished), against the plan. */
static void record_placement(struct cb_samples *samples, int i, const int *where0,
                             const int *where1)
{
    int unknown = 0, off = 0;
    for (int w = 0; w < samples->p; w++) {
        if (where0[w] < 0 || where1[w] < 0) {
            unknown = 1;
            continue;
        }
        samples->migrations += where0[w] != where1[w];
        samples->moved[i] += where0[w] != where1[w];
        off |= samples->plan[w] >= 0 &&
               (where0[w] != samples->plan[w] || where1[w] != samples->plan[w]);
    }
    samples->unknown += unknown;
    samples->off_plan += off;
}

/* The span of one repetition as the harness saw it: the call to run() from t0 to t3, and
 * this process's usage and the world's at both ends (noise.h). */
struct rep_span {
    double t0, t3;
    struct cb_noise_mark mark0, mark1;
};

/* Record a measured repetition: its phases, CPU time, what else happened, the model's
 * reports, the workers' balance and where they ran. */
static void record_rep(struct cb_samples *samples, const struct cb_rep *rep,
                       const struct rep_span *span, const int *where0, const int *where1)
{
    int i = samples->n++;
    double wall = span->t3 - span->t0;
    samples->wall[i] = wall;
    samples->setup[i] = rep->t_gate - span->t0;
    samples->compute[i] = rep->t_done - rep->t_gate;
    samples->collect[i] = span->t3 - rep->t_done;
    samples->user[i] = span->mark1.own.user - span->mark0.own.user + rep->other.user;
    samples->sys[i] = span->mark1.own.sys - span->mark0.own.sys + rep->other.sys;
    cb_noise_between(&span->mark0, &span->mark1, &rep->other, where1, samples->p,
                     &samples->noise[i]);
    if (rep->world_start_s > 0)
        samples->world_start_s = rep->world_start_s;
    if (rep->hosts && (!samples->hosts || strcmp(samples->hosts, rep->hosts) != 0)) {
        free(samples->hosts);
        samples->hosts = strdup(rep->hosts); /* NULL if memory is short: the column stays empty */
    }
    samples->waitcpu[i] = rep->wait_cpu;
    samples->util[i] = wall > 0 ? (samples->user[i] + samples->sys[i]) / (wall * samples->p)
                                : 0.0;
    double mx = 0.0, sum = 0.0;
    for (int w = 0; w < samples->p; w++) {
        sum += samples->worker[w];
        if (samples->worker[w] > mx)
            mx = samples->worker[w];
    }
    samples->imb[i] = sum > 0 ? mx / (sum / samples->p) : 1.0;
    record_placement(samples, i, where0, where1);
}

/* One repetition of a configuration (a warm-up unless `record`). Returns 0, or the model's
 * failure status. */
static int run_once(struct cb_run *run, const struct cb_job *job, struct cb_samples *samples,
                    const struct cb_result *ref, int record, int repno)
{
    const struct cb_options *opts = run->opts;
    struct cb_config cfg = {
        .workers = samples->p, .schedule = opts->schedule,
        .chunk = cb_chunk_for(opts, job, samples->p), .timeout = opts->timeout,
        .start = opts->start, .channel = opts->channel,
        .pool = run->pool, .plan = samples->plan, .order = run->order, .npus = run->topo->pus,
        .wait = opts->wait,
    };
    int *where0 = samples->cpu0 + (size_t)samples->n * (size_t)samples->p;
    int *where1 = samples->cpu1 + (size_t)samples->n * (size_t)samples->p;
    for (int w = 0; w < samples->p; w++)
        where0[w] = where1[w] = -1;
    struct cb_rep rep = { .worker_compute = samples->worker, .cpu_start = where0,
                          .cpu_end = where1 };
    char err[512] = "";
    memset(samples->worker, 0, (size_t)samples->p * sizeof(double));
    if (job->kernel->reset)
        job->kernel->reset((struct cb_job *)job);

    /* names the repetition in crash reports; arms the watchdog of a threads model */
    if (cb_fault_rep_begin(job->kernel->name, job->size, samples->p,
                           run->model->flags & CB_MODEL_WATCHDOG ? opts->timeout : 0) < 0) {
        fprintf(stderr, "%s: cannot start the --timeout watchdog thread\n", cb_harness_prog);
        return CB_EXIT_ERROR;
    }
    struct rep_span span;
    cb_noise_mark(&span.mark0);
    span.t0 = cb_now();
    int rc = run->model->run(job, &cfg, &rep, err, sizeof err);
    span.t3 = cb_now();
    cb_noise_mark(&span.mark1);
    cb_fault_rep_end();
    if (rc != 0) {
        fprintf(stderr, "%s: %s (kernel %s, size %llu, %d workers)\n", cb_harness_prog,
                err[0] ? err : "the model failed", job->kernel->name,
                (unsigned long long)job->size, samples->p);
        return rc;
    }
    verify_rep(run, job, samples, &rep, ref, record, repno);
    if (record)
        record_rep(samples, &rep, &span, where0, where1);
    return 0;
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

/* An inexact model's yardstick: a copy of the reference output, which the model's own
 * output is compared with element by element. 0, or an exit status (the line printed). */
static int copy_reference_output(struct cb_run *run, const struct cb_job *job)
{
    const struct cb_kernel *k = job->kernel;
    if (!k->tolerance || !job->out) {
        fprintf(stderr, "%s: model %s cannot run kernel %s (no tolerance defined)\n",
                cb_harness_prog, run->model->name, k->name);
        return CB_EXIT_USAGE;
    }
    run->ref_out = malloc(job->out_bytes);
    if (!run->ref_out)
        return CB_EXIT_ERROR;
    memcpy(run->ref_out, job->out, job->out_bytes);
    return 0;
}

/* A pool model's pool, for the largest worker count, created once per kernel and timed
 * apart from the repetitions. 0, or the model's status (the line printed). */
static int open_pool(struct cb_run *run, const struct cb_job *job)
{
    const struct cb_options *opts = run->opts;
    int maxp = 1;
    for (size_t i = 0; i < opts->nworkers; i++)
        if (opts->workers[i] > maxp)
            maxp = opts->workers[i];
    struct cb_config pc = {
        .workers = maxp, .schedule = opts->schedule, .chunk = opts->chunk,
        .timeout = opts->timeout, .start = opts->start,
        .channel = opts->channel, .order = run->order, .npus = run->topo->pus,
        .wait = opts->wait,
    };
    char perr[512] = "";
    double t0 = cb_now();
    int rc = run->model->open(job, &pc, maxp, &run->pool, perr, sizeof perr);
    run->pool_create_s = cb_now() - t0;
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", cb_harness_prog, perr[0] ? perr : "cannot create the pool");
        return rc;
    }
    if (!opts->quiet)
        fprintf(stderr, "%-8s %-7s pool of %d workers created in %.6f s (reported apart, "
                "not in the repetitions)\n", run->model->name, job->kernel->name, maxp,
                run->pool_create_s);
    return 0;
}

/* The warm-ups, then `reps` rounds in each of which every configuration runs once, in an
 * order shuffled per round from the seed and kernel ki's key. 0, or the first failure's
 * status. */
static int run_rounds(struct cb_run *run, const struct cb_job *job, struct cb_samples *cfgs,
                      const struct cb_result *ref, size_t ki)
{
    const struct cb_options *opts = run->opts;
    int n = (int)opts->nworkers;
    int *order = calloc((size_t)n, sizeof *order);
    if (!order) {
        fprintf(stderr, "%s: out of memory\n", cb_harness_prog);
        return CB_EXIT_ERROR;
    }
    uint64_t key = cb_rng_key(opts->seed, 1000 + ki);
    int total = opts->reps * n, done = 0, rc = 0;
    double started = cb_now();
    for (int w = 0; w < opts->warmup && rc == 0; w++)
        for (int i = 0; i < n && rc == 0; i++)
            rc = run_once(run, job, &cfgs[i], ref, 0, w);
    for (int r = 0; r < opts->reps && rc == 0; r++) {
        for (int i = 0; i < n; i++)
            order[i] = i;
        if (opts->interleave)
            shuffle(order, n, key, (uint64_t)r);
        for (int i = 0; i < n && rc == 0; i++, done++)
            rc = run_once(run, job, &cfgs[order[i]], ref, 1, r);
        if (!opts->quiet && isatty(STDERR_FILENO)) {
            double el = cb_now() - started;
            fprintf(stderr, "\r%s %s: round %d of %d, %.0f s elapsed, about %.0f s left   ",
                    run->model->name, job->kernel->name, r + 1, opts->reps, el,
                    el / done * (total - done));
            if (r + 1 == opts->reps)
                fprintf(stderr, "\r%*s\r", 70, "");
        }
    }
    free(order);
    return rc;
}

/* Every configuration of kernel ki: the job prepared, the sequential reference computed
 * and checked, the pool opened, the rounds run and the rows written. 0 or an exit
 * status. */
static int run_kernel(struct cb_run *run, size_t ki)
{
    const struct cb_options *opts = run->opts;
    const struct cb_kernel *k = opts->kernels[ki];
    struct cb_job job;
    int rc = cb_job_prepare(&job, k, opts->sizes[ki], opts->seed);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot prepare %s of size %llu: %s\n", cb_harness_prog, k->name,
                (unsigned long long)opts->sizes[ki], strerror(-rc));
        return CB_EXIT_ERROR;
    }

    /* the sequential reference, checked by an independent method */
    struct cb_result ref;
    cb_job_compute_all(&job, &ref);
    char msg[256] = "";
    int ref_ok = k->check(&job, &ref, msg, sizeof msg) == 0;
    if (!ref_ok) {
        fprintf(stderr, "%s: verification failed: the sequential %s result does not pass the "
                "independent check: %s\n", cb_harness_prog, k->name, msg);
        run->status = CB_EXIT_VERIFY;
    }

    if (run->model->flags & CB_MODEL_INEXACT &&
        (rc = copy_reference_output(run, &job)) != 0) {
        cb_job_cleanup(&job);
        return rc;
    }
    int n = (int)opts->nworkers;
    run->pool = NULL;
    if (run->model->open && (rc = open_pool(run, &job)) != 0) {
        free(run->ref_out);
        run->ref_out = NULL;
        cb_job_cleanup(&job);
        return rc;
    }
    struct cb_samples *cfgs = calloc((size_t)n, sizeof *cfgs);
    rc = cfgs ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = cb_samples_alloc(&cfgs[i], opts->workers[i], opts->reps);
        if (rc == 0)
            rc = cb_bind_plan(run->topo, opts->bind, opts->workers[i], cfgs[i].plan);
    }
    if (rc < 0) {
        fprintf(stderr, "%s: out of memory\n", cb_harness_prog);
        rc = CB_EXIT_ERROR;
    } else if (rc == 0) {
        rc = run_rounds(run, &job, cfgs, &ref, ki);
    }
    if (rc == 0)
        for (int i = 0; i < n; i++)
            cb_rows_write(run, &job, &cfgs[i], &ref, ref_ok);
    if (run->pool)
        run->model->close(run->pool);
    run->pool = NULL;
    free(run->ref_out);
    run->ref_out = NULL;
    for (int i = 0; cfgs && i < n; i++)
        cb_samples_free(&cfgs[i]);
    free(cfgs);
    cb_job_cleanup(&job);
    return rc;
}

/* The warnings that hold for the whole run: printed once on stderr (unless --quiet) and, for
 * those that mark every row, added to `global`; the run's environment read into *env.
 * 0, or -1 when memory is short. */
static int run_warnings(const struct cb_options *opts, struct cb_topo *topo,
                        struct cb_run_env *env, char *global, size_t len)
{
    if (CB_DEBUG_BUILD) {
        cb_warn_add(global, len, "debug-build");
        if (!opts->quiet)
            fprintf(stderr, "%s: warning: this is a debug or unoptimised build; times are not "
                    "representative\n", cb_harness_prog);
    }
    if (cb_noise_watch_topology(topo) < 0)
        return -1;
    for (size_t i = 0; i < opts->nworkers; i++)
        if (opts->workers[i] > topo->pus) {
            if (!opts->quiet)
                fprintf(stderr, "%s: warning: %d workers on %d PUs: oversubscribed\n",
                        cb_harness_prog, opts->workers[i], topo->pus);
            break;
        }
    cb_run_env_init(env, topo);
    if (!opts->quiet)
        cb_quota_warning(env, cb_harness_prog, opts->workers, opts->nworkers);
    if (opts->foreign_topology && !cb_topology_is_this_machine(topo))
        cb_warn_add(global, len, "foreign-topology");
    return 0;
}

/* Run every kernel into a CSV held in memory, then commit it to --output or stdout, whole
 * or not at all. Returns the exit status. */
static int run_and_commit(const struct cb_model *model, const struct cb_options *opts,
                          struct cb_topo *topo, const char *global, const struct cb_run_env *env)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *csv = open_memstream(&buf, &len);
    if (!csv) {
        fprintf(stderr, "%s: out of memory\n", cb_harness_prog);
        return CB_EXIT_ERROR;
    }
    fputs(cb_rows_header, csv);
    cb_bind_use(topo);
    int *order = NULL;
    if (opts->bind != CB_BIND_NONE) {
        order = malloc(sizeof(int) * (size_t)topo->pus);
        if (!order || cb_bind_order(topo, opts->bind, order) < 0) {
            fprintf(stderr, "%s: cannot compute the %s placement\n", cb_harness_prog,
                    cb_bind_name(opts->bind));
            free(order);
            fclose(csv);
            free(buf);
            return CB_EXIT_ERROR;
        }
    }
    struct cb_run run = { .model = model, .opts = opts, .topo = topo, .order = order,
                          .csv = csv, .global_warn = global, .env = env };
    int rc = 0;
    for (size_t k = 0; k < opts->nkernels && rc == 0; k++)
        rc = run_kernel(&run, k);
    free(order);
    /* a record the memory stream could not hold: never commit a partial file */
    if ((ferror(csv) | fclose(csv)) && rc == 0) {
        fprintf(stderr, "%s: out of memory while recording the results\n", cb_harness_prog);
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0) {
        if (cb_output_commit(opts->output, buf, len) < 0) {
            if (opts->output) /* (stdout's failure: its line at exit, cb_close_stdout_at_exit) */
                fprintf(stderr, "%s: cannot write %s: %s\n", cb_harness_prog, opts->output,
                        strerror(errno));
            rc = CB_EXIT_ERROR;
        } else {
            rc = run.status;
        }
    }
    free(buf);
    return rc;
}

int cb_main(int argc, char **argv, const struct cb_model *model)
{
    cb_harness_set_prog(argc, argv);
    if (model->abi != CB_MODEL_ABI || !model->run || !model->name ||
        !model->open != !model->close) {
        fprintf(stderr, "%s: model descriptor is malformed (abi %d, expected %d)\n",
                cb_harness_prog, model->abi, CB_MODEL_ABI);
        return CB_EXIT_ERROR;
    }
    /* a spawned worker: the model's own entry point, nothing of the harness */
    if (argc >= 2 && strcmp(argv[1], "--cb-worker") == 0 && model->worker_main)
        return model->worker_main(argc - 2, argv + 2);
    cb_close_stdout_at_exit();
    cb_output_signals();
    cb_fault_install(cb_harness_prog);

    struct cb_topo topo = { 0 };
    struct cb_options opts;
    int rc = cb_prepare_run(argc, argv, model, &opts, &topo);
    if (rc != 0) {
        cb_output_discard();
        cb_topo_destroy(&topo);
        return rc < 0 ? CB_EXIT_OK : rc;
    }
    char global[128] = "";
    struct cb_run_env env;
    if (run_warnings(&opts, &topo, &env, global, sizeof global) < 0) {
        fprintf(stderr, "%s: out of memory\n", cb_harness_prog);
        cb_topo_destroy(&topo);
        return CB_EXIT_ERROR;
    }
    rc = run_and_commit(model, &opts, &topo, global, &env);
    cb_output_discard();
    cb_topo_destroy(&topo);
    return rc;
}
