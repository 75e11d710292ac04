/*
 * rows.h - what a run records and the CSV rows written from it: the samples of every
 * configuration (a worker count of one kernel), filled repetition by repetition by
 * harness.c, then summarised into one summary row (and with --raw one row per repetition)
 * and one line on stderr. The columns are the suite's contract with its readers: their
 * names and order never change without the schema.
 */
#ifndef CB_ROWS_H
#define CB_ROWS_H

#include "environ.h"
#include "harness.h"
#include "topo.h"

#include <stdio.h>

/* The samples of one configuration (a worker count) of one kernel. */
struct cb_samples {
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

/* Room for `reps` repetitions of p workers, zeroed: 0, or -1 (out of memory, nothing
 * held). */
int cb_samples_alloc(struct cb_samples *samples, int p, int reps);
void cb_samples_free(struct cb_samples *samples);

/* One run of a model binary: what every kernel's repetitions and rows share. */
struct cb_run {
    const struct cb_model *model;
    const struct cb_options *opts;
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

/* The CSV's first line: the names of the columns. */
extern const char *const cb_rows_header;

/* A result's 128-bit checksum in decimal. */
void cb_checksum_format(const struct cb_result *r, char *buf, size_t len);

/* The chunk a configuration runs with: --chunk, or the schedule's default raised to the
 * kernel's smallest useful slice. */
uint64_t cb_chunk_for(const struct cb_options *opts, const struct cb_job *job, int p);

/* Write the summary (and raw) rows of a configuration and print its line; ref_ok: the
 * sequential reference passed its independent check. */
void cb_rows_write(struct cb_run *run, const struct cb_job *job, struct cb_samples *samples,
                   const struct cb_result *ref, int ref_ok);

#endif
