/*
 * rows.c - a configuration's samples and the CSV rows written from them (see rows.h).
 */
#include "rows.h"

#include "bind.h"
#include "options.h"
#include "stats.h"
#include "warnings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cb_samples_free(struct cb_samples *samples)
{
    free(samples->wall);
    free(samples->setup);
    free(samples->compute);
    free(samples->collect);
    free(samples->user);
    free(samples->sys);
    free(samples->util);
    free(samples->imb);
    free(samples->waitcpu);
    free(samples->noise);
    free(samples->moved);
    free(samples->worker);
    free(samples->plan);
    free(samples->cpu0);
    free(samples->cpu1);
    free(samples->hosts);
}

int cb_samples_alloc(struct cb_samples *samples, int p, int reps)
{
    memset(samples, 0, sizeof *samples);
    samples->p = p;
    size_t r = (size_t)reps;
    samples->wall = calloc(r, sizeof(double));
    samples->setup = calloc(r, sizeof(double));
    samples->compute = calloc(r, sizeof(double));
    samples->collect = calloc(r, sizeof(double));
    samples->user = calloc(r, sizeof(double));
    samples->sys = calloc(r, sizeof(double));
    samples->util = calloc(r, sizeof(double));
    samples->imb = calloc(r, sizeof(double));
    samples->waitcpu = calloc(r, sizeof(double));
    samples->noise = calloc(r, sizeof *samples->noise);
    samples->moved = calloc(r, sizeof(double));
    samples->worker = calloc((size_t)p, sizeof(double));
    samples->plan = calloc((size_t)p, sizeof(int));
    samples->cpu0 = calloc(r * (size_t)p, sizeof(int));
    samples->cpu1 = calloc(r * (size_t)p, sizeof(int));
    if (!samples->wall || !samples->setup || !samples->compute || !samples->collect ||
        !samples->user || !samples->sys || !samples->util || !samples->imb ||
        !samples->waitcpu || !samples->noise || !samples->moved || !samples->worker ||
        !samples->plan || !samples->cpu0 || !samples->cpu1) {
        cb_samples_free(samples);
        return -1;
    }
    return 0;
}

const char *const cb_rows_header =
    "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,reps,warmup,rep,"
    "wall_s,median_s,min_s,max_s,mean_s,stddev_s,cv,ci_low_s,ci_high_s,outliers,"
    "setup_s,compute_s,collect_s,user_s,sys_s,util,imbalance,pool_create_s,gflops,result,"
    "checksum,verified,binding,migrations,pu_plan,pu_map,seed,warnings,hosts,"
    "world_start_s,wait,wait_cpu_s,quota_cpus,schema,context," CB_NOISE_COLUMNS "\n";

void cb_checksum_format(const struct cb_result *r, char *buf, size_t len)
{
    cb_u128 v = ((cb_u128)r->checksum_hi << 64) | r->checksum_lo;
    cb_u128_format(v, buf, len);
}

/* The columns every row shares, up to and including `warmup`. */
static void csv_config(struct cb_run *run, const char *row, const struct cb_job *job, int p,
                       uint64_t chunk)
{
    const struct cb_options *opts = run->opts;
    char chunkbuf[32] = "";
    if (run->model->flags & CB_MODEL_SCHEDULE && opts->schedule != CB_SCHED_STATIC)
        snprintf(chunkbuf, sizeof chunkbuf, "%llu", (unsigned long long)chunk);
    fprintf(run->csv, "%s,%s,%s,%llu,%d,%s,%s,%s,%s,%s,%d,%d,", row, run->model->name,
            job->kernel->name, (unsigned long long)job->size, p,
            cb_bind_name(opts->bind),
            run->model->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(opts->schedule) : "static",
            chunkbuf, cb_start_name(opts->start),
            cb_channel_name(opts->channel), opts->reps, opts->warmup);
}

/* The pool_create_s column: empty for models without a persistent pool. */
static void csv_pool(struct cb_run *run)
{
    if (run->model->open)
        fprintf(run->csv, "%.9f,", run->pool_create_s);
    else
        fputc(',', run->csv);
}

/* The last columns and the end of the row: hosts and world_start_s (empty for a model
 * that reports neither), then wait and wait_cpu_s (the pools only: their wait policy, and
 * the CPU seconds they spent polling, of this repetition or the median per repetition),
 * the run's environment, and what else happened (noise.h: this repetition's, or the
 * configuration's medians, share and causes). */
static void csv_world(struct cb_run *run, const struct cb_samples *samples, double wait_cpu,
                      const struct cb_noise *nz, double foreign_pu, const char *causes)
{
    fprintf(run->csv, "%s,", samples->hosts ? samples->hosts : "");
    if (samples->world_start_s > 0)
        fprintf(run->csv, "%.9f", samples->world_start_s);
    if (run->model->flags & CB_MODEL_WAIT)
        fprintf(run->csv, ",%s,%.9f", cb_wait_name(run->opts->wait), wait_cpu);
    else
        fputs(",,", run->csv);
    cb_run_env_csv(run->csv, run->env);
    cb_noise_csv(run->csv, nz, foreign_pu, causes);
    fputc('\n', run->csv);
}

/* The chunk a configuration runs with: --chunk, or the schedule's default raised to the
 * kernel's smallest useful slice. Every model gets it explicitly, so all of them split the
 * space alike and the CSV says what ran. */
uint64_t cb_chunk_for(const struct cb_options *opts, const struct cb_job *job, int p)
{
    if (opts->chunk)
        return opts->chunk;
    uint64_t samples = cb_sched_default_chunk(opts->schedule, job->space, p);
    if (opts->schedule != CB_SCHED_STATIC && samples < job->kernel->min_chunk)
        samples = job->kernel->min_chunk;
    return samples;
}


/* What a configuration's rows and line say, computed once from its samples. */
struct config_summary {
    struct cb_summary wall;     /* the wall times' statistics */
    struct cb_noise_summary nz; /* what else happened (noise.h) */
    uint64_t chunk;
    int verified;               /* the reference passed its check and every repetition
                                 * matched it */
    double gflops;              /* NAN for a kernel without a flop count */
    const char *binding;        /* held, moved, unbound or unknown */
    char checksum[48];          /* the reference's */
    char warn[256];             /* the row's warnings, ';'-separated */
};

/* The row's warnings: the run's, then this configuration's (warnings.h). */
static void row_warnings(const struct cb_run *run, const struct cb_samples *samples,
                         struct config_summary *v)
{
    char *warn = v->warn;
    size_t len = sizeof v->warn;
    if (run->global_warn[0])
        cb_warn_add(warn, len, run->global_warn);
    if (samples->p > run->topo->pus)
        cb_warn_add(warn, len, "oversubscribed");
    if (cb_quota_exceeded(run->env, samples->p))
        cb_warn_add(warn, len, "quota");
    if (v->nz.loaded)
        cb_warn_add(warn, len, "loaded");
    cb_warn_samples(warn, len, v->wall.cv, v->wall.outliers, v->wall.median, v->wall.ci_valid);
    if (!v->verified)
        cb_warn_add(warn, len, "unverified");
    if (samples->off_plan)
        cb_warn_add(warn, len, "binding-moved");
}

static void summarize_samples(const struct cb_run *run, const struct cb_job *job,
                              const struct cb_samples *samples, const struct cb_result *ref,
                              int ref_ok, struct config_summary *v)
{
    const struct cb_options *opts = run->opts;
    memset(v, 0, sizeof *v);
    cb_summarize(samples->wall, (size_t)samples->n, &v->wall);
    v->chunk = cb_chunk_for(opts, job, samples->p);
    v->verified = ref_ok && samples->bad == 0;
    v->gflops = job->kernel->flops && v->wall.median > 0
                    ? job->kernel->flops(job->size) / v->wall.median / 1e9
                    : NAN;
    /* held: every worker started and ended on its planned PU in every repetition */
    v->binding = samples->unknown ? "unknown"
                 : opts->bind == CB_BIND_NONE ? "unbound"
                 : samples->off_plan ? "moved" : "held";
    cb_noise_summarize(samples->noise, samples->wall, samples->moved, (size_t)samples->n,
                       v->wall.cv > CB_NOISY_CV, &v->nz);
    row_warnings(run, samples, v);
    cb_checksum_format(ref, v->checksum, sizeof v->checksum);
}

/* The configuration's summary row: statistics of the wall times, medians of the phases. */
static void write_summary_row(struct cb_run *run, const struct cb_job *job,
                              const struct cb_samples *samples, const struct cb_result *ref,
                              const struct config_summary *v)
{
    const struct cb_summary *s = &v->wall;
    size_t n = (size_t)samples->n;
    csv_config(run, "summary", job, samples->p, v->chunk);
    fprintf(run->csv, ",,%.9f,%.9f,%.9f,%.9f,%.9f,%.6f,", s->median, s->min, s->max, s->mean,
            s->stddev, s->cv);
    if (s->ci_valid)
        fprintf(run->csv, "%.9f,%.9f,", s->ci_low, s->ci_high);
    else
        fprintf(run->csv, ",,");
    fprintf(run->csv, "%zu,%.9f,%.9f,%.9f,%.6f,%.6f,%.4f,%.4f,", s->outliers,
            cb_median(samples->setup, n), cb_median(samples->compute, n),
            cb_median(samples->collect, n), cb_median(samples->user, n),
            cb_median(samples->sys, n), cb_median(samples->util, n),
            cb_median(samples->imb, n));
    csv_pool(run);
    if (isnan(v->gflops))
        fprintf(run->csv, ",");
    else
        fprintf(run->csv, "%.3f,", v->gflops);
    fprintf(run->csv, "%.17g,%s,%s,%s,%d,", ref->value, v->checksum,
            v->verified ? "yes" : "no", v->binding, samples->migrations);
    for (int w = 0; w < samples->p; w++)
        fprintf(run->csv, "%s%d", w ? ";" : "", samples->plan[w]);
    fprintf(run->csv, ",,%llu,%s,", (unsigned long long)run->opts->seed, v->warn);
    csv_world(run, samples, cb_median(samples->waitcpu, n), &v->nz.median, v->nz.foreign_pu,
              v->nz.causes);
}

/* --raw: one row per measured repetition. */
static void write_raw_rows(struct cb_run *run, const struct cb_job *job,
                           const struct cb_samples *samples, const struct cb_result *ref,
                           const struct config_summary *v)
{
    for (int i = 0; i < samples->n; i++) {
        csv_config(run, "raw", job, samples->p, v->chunk);
        fprintf(run->csv, "%d,%.9f,,,,,,,,,,%.9f,%.9f,%.9f,%.6f,%.6f,%.4f,%.4f,", i + 1,
                samples->wall[i], samples->setup[i], samples->compute[i], samples->collect[i],
                samples->user[i], samples->sys[i], samples->util[i], samples->imb[i]);
        csv_pool(run);
        fprintf(run->csv, ",%.17g,%s,%s,,,,", ref->value, v->checksum,
                v->verified ? "yes" : "no");
        /* the CPU of each worker; a>b where it started on a and ended on b */
        const int *a = samples->cpu0 + (size_t)i * (size_t)samples->p;
        const int *b = samples->cpu1 + (size_t)i * (size_t)samples->p;
        for (int w = 0; w < samples->p; w++) {
            fprintf(run->csv, "%s%d", w ? ";" : "", a[w]);
            if (b[w] != a[w])
                fprintf(run->csv, ">%d", b[w]);
        }
        fprintf(run->csv, ",%llu,,", (unsigned long long)run->opts->seed);
        const struct cb_noise *r = &samples->noise[i];
        csv_world(run, samples, samples->waitcpu[i], r,
                  samples->wall[i] > 0 ? r->foreign_s / samples->wall[i] : NAN, "");
    }
}

/* The configuration's line on stderr. */
static void print_line(const struct cb_run *run, const struct cb_job *job,
                       const struct cb_samples *samples, const struct config_summary *v)
{
    const struct cb_summary *s = &v->wall;
    fprintf(stderr, "%-8s %-7s size %-10llu p=%-3d median %.4f s", run->model->name,
            job->kernel->name, (unsigned long long)job->size, samples->p, s->median);
    if (s->ci_valid)
        fprintf(stderr, " [%.4f, %.4f]", s->ci_low, s->ci_high);
    fprintf(stderr, " cv %.1f%% imbalance %.2f", 100 * s->cv,
            cb_median(samples->imb, (size_t)samples->n));
    if (!isnan(v->gflops))
        fprintf(stderr, " %.2f GFLOP/s", v->gflops);
    fprintf(stderr, " bind %s: %s, %s%s%s\n", cb_bind_name(run->opts->bind), v->binding,
            v->verified ? "verified" : "NOT VERIFIED", v->warn[0] ? " warn: " : "", v->warn);
}

/* Write the summary (and raw) rows of a configuration and print its line. */
void cb_rows_write(struct cb_run *run, const struct cb_job *job, struct cb_samples *samples,
                   const struct cb_result *ref, int ref_ok)
{
    struct config_summary v;
    summarize_samples(run, job, samples, ref, ref_ok, &v);
    write_summary_row(run, job, samples, ref, &v);
    if (run->opts->raw)
        write_raw_rows(run, job, samples, ref, &v);
    if (!run->opts->quiet)
        print_line(run, job, samples, &v);
}
