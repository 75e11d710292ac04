/*
 * harness.h - what a concurrency model plugs into, and the shared benchmark main.
 *
 * A model is one descriptor: its name, what it accepts, and run(), which performs one
 * repetition end to end (create workers, let them compute the whole index space, collect
 * and combine their partials, join them) and reports when the start gate opened and when
 * the last worker finished. The harness does everything else the same way for every model:
 * options, the sequential reference, warm-up, interleaved rounds, timing, CPU time,
 * verification, statistics and the CSV.
 */
#ifndef CB_HARNESS_H
#define CB_HARNESS_H

#include "kernel.h"
#include "schedule.h"

#include <stddef.h>

/* Exit statuses of every binary (documented in the README). */
enum {
    CB_EXIT_OK = 0,
    CB_EXIT_ERROR = 1,   /* a system error: out of memory, cannot create a thread, ... */
    CB_EXIT_USAGE = 2,   /* bad command line: one line on stderr, nothing written */
    CB_EXIT_VERIFY = 3,  /* a result failed verification */
    CB_EXIT_WORKER = 4,  /* a worker crashed, exited abnormally or timed out */
};

#define CB_MODEL_ABI 1

enum {
    CB_MODEL_SERIAL = 1u << 0,   /* runs one worker only (the sequential baseline) */
    CB_MODEL_SCHEDULE = 1u << 1, /* accepts --schedule and --chunk */
};

/* One configuration of a model. */
struct cb_config {
    int workers;
    enum cb_schedule schedule;
    uint64_t chunk;   /* 0: the schedule's default */
    double timeout;   /* seconds, 0: none */
};

/* What one repetition reports. The harness times the whole call to run(); the model sets
 * the two instants that split it into phases: setup (until every worker waits at the start
 * gate), compute (gate open until the last worker finished) and collect (the rest). */
struct cb_rep {
    double t_gate;            /* cb_now() when the start gate opened */
    double t_done;            /* cb_now() when the last worker finished computing */
    struct cb_partial total;  /* the combined result */
    double *worker_compute;   /* [workers]: each worker's own compute seconds */
};

struct cb_model {
    int abi;                  /* CB_MODEL_ABI: checked at start */
    const char *name;         /* "seq", "threads", ... : the CSV's model column */
    const char *description;
    unsigned flags;
    /* One repetition. Returns 0, or a CB_EXIT_* status (> 0) with one line in err. */
    int (*run)(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
               char *err, size_t errlen);
};

/* The shared main: parse options, run, write results. Returns the exit status. */
int cb_main(int argc, char **argv, const struct cb_model *model);

/* The body every worker runs, whatever carries it (thread or process): claim slices of the
 * job's space from the schedule and compute each into *acc, writing array output at out.
 * Returns the worker's compute time in seconds. */
double cb_worker_body(const struct cb_job *job, struct cb_sched *s, int w,
                      struct cb_partial *acc, void *out);

#endif
