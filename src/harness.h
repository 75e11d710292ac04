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

#include "base.h"
#include "kernel.h"
#include "noise.h"
#include "options.h"
#include "pwait.h"
#include "schedule.h"

#include <stddef.h>

struct cb_options;
struct cb_topo;

#define CB_MODEL_ABI 1

enum {
    CB_MODEL_SERIAL = 1u << 0,   /* runs one worker only (the sequential baseline) */
    CB_MODEL_SCHEDULE = 1u << 1, /* accepts --schedule and --chunk */
    CB_MODEL_START = 1u << 2,    /* accepts --start fork|spawn */
    CB_MODEL_CHANNEL = 1u << 3,  /* accepts --channel pipe|queue|socket|shm */
    CB_MODEL_TIMEOUT = 1u << 4,  /* honours --timeout (can kill a hung worker) */
    CB_MODEL_WATCHDOG = 1u << 7, /* its workers are threads: --timeout is honoured by a
                                  * watchdog that names the unfinished workers and ends the
                                  * process, since a thread cannot be stopped alone (fault.h) */
    CB_MODEL_OMP_PLACES = 1u << 6, /* an OpenMP runtime that reads OMP_PLACES once, at load:
                                    * the harness exports the plan and re-executes itself */
    CB_MODEL_INEXACT = 1u << 5,  /* sums in its own order (a library): its output is
                                  * compared element by element with the reference within
                                  * the kernel's tolerance, not bit for bit */
    CB_MODEL_WAIT = 1u << 8,     /* a pool that accepts --wait spin|passive|auto (pwait.h)
                                  * and reports its polling time (cb_rep.wait_cpu) */
};


/* One configuration of a model. */
struct cb_config {
    int workers;
    enum cb_schedule schedule;
    uint64_t chunk;   /* 0: the schedule's default */
    double timeout;   /* seconds, 0: none */
    enum cb_start start;
    enum cb_channel channel;
    void *pool;       /* the model's persistent pool from open(), or NULL */
    const int *plan;  /* [workers]: the PU (os index) of each worker, -1: unbound. A plan
                       * for p workers is a prefix of the plan for more (bind.h), so a
                       * pool bound for its largest size is bound right for every p. */
    const int *order; /* the policy's order of all PUs: worker w of a pool goes to
                       * order[w % npus]; NULL when unbound */
    int npus;
    enum cb_wait wait; /* for models with CB_MODEL_WAIT (pwait.h) */
};

/* What one repetition reports. The harness times the whole call to run(); the model sets
 * the two instants that split it into phases: setup (until every worker waits at the start
 * gate), compute (gate open until the last worker finished) and collect (the rest). */
struct cb_rep {
    double t_gate;            /* cb_now() when the start gate opened */
    double t_done;            /* cb_now() when the last worker finished computing */
    struct cb_partial total;  /* the combined result */
    double *worker_compute;   /* [workers]: each worker's own compute seconds */
    int *cpu_start, *cpu_end; /* [workers]: the CPU each worker ran on when it started and
                               * finished computing (cb_current_cpu); left at -1 by a model
                               * that cannot know (a library's own threads) */
    /* Models whose workers are processes that are not this one's descendants (MPI ranks
     * started by mpirun): their CPU time, context switches and page faults in this
     * repetition, which the harness adds to its own (noise.h: this process, its reaped
     * children and its live descendants, such as a pool's workers). */
    struct cb_usage other;
    /* Models whose workers may run on other machines (MPI): the host of each worker,
     * ';'-separated in worker order, for the CSV's hosts column; NULL: this machine. The
     * string must stay valid until the next call to run(). */
    const char *hosts;
    /* Models whose workers are started once per run outside the repetitions (MPI: mpirun
     * and MPI_Init): how long that start took, in seconds, for the CSV's world_start_s
     * column; 0: none (the column stays empty). */
    double world_start_s;
    /* Models with CB_MODEL_WAIT: CPU seconds their threads or processes spent polling
     * (spin-waiting, not sleeping) in the waits that ended in this repetition. */
    double wait_cpu;
};

struct cb_model {
    int abi;                  /* CB_MODEL_ABI: checked at start */
    const char *name;         /* "seq", "threads", ... : the CSV's model column */
    const char *description;
    unsigned flags;
    enum cb_start start;      /* default (or fixed) start method; NONE for threads */
    enum cb_channel channel;  /* default (or fixed) result channel; NONE for threads */
    enum cb_schedule schedule; /* default schedule (static unless set) */
    /* One repetition. Returns 0, or a CB_EXIT_* status (> 0) with one line in err. */
    int (*run)(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
               char *err, size_t errlen);
    /* Optional, for pools: create a pool that can run up to max_workers workers on this
     * job, once per kernel after the job is prepared. The harness times it and reports it
     * apart (pool_create_s), never inside a repetition. 0 or a CB_EXIT_* status. */
    int (*open)(const struct cb_job *job, const struct cb_config *cfg, int max_workers,
                void **pool, char *err, size_t errlen);
    /* Optional: destroy what open() created: every worker joined or reaped. */
    void (*close)(void *pool);
    /* Optional: the entry point of a spawned worker process, given the arguments after
     * `--cb-worker`. Returns the process's exit status. */
    int (*worker_main)(int argc, char **argv);
    /* Optional: the bytes this model needs beyond the parent's job (job_bytes, of which
     * out_bytes are its output) to run cfg->workers workers with cfg's start method and
     * channel, so that a run that would not fit is refused before anything is allocated. */
    double (*memory)(double job_bytes, double out_bytes, const struct cb_config *cfg);
    /* Optional: check (and complete) the parsed command line against what the model can
     * run, before any work: e.g. a fixed worker count. Returns 0, or CB_EXIT_USAGE with
     * one line naming the problem in err (the harness prints it as a usage error). */
    int (*configure)(struct cb_options *o, const struct cb_topo *topo, char *err,
                     size_t errlen);
};

/* The shared main: parse options, run, write results. Returns the exit status. */
int cb_main(int argc, char **argv, const struct cb_model *model);

/* The command line as cb_main parses it, for a main that runs the configurations another
 * way (bench-mpi starting mpirun): fills *o, loads this machine's topology into *topo and
 * reserves --output. Returns 0; -1 when it has already done what was asked (--help,
 * --version, --model-info, --plan); or CB_EXIT_USAGE / CB_EXIT_ERROR after printing one
 * line. The caller destroys topo and, on failure, calls cb_output_discard(). */
int cb_parse_command_line(int argc, char **argv, const struct cb_model *model,
                          struct cb_options *o, struct cb_topo *topo);

/* The body every worker runs, whatever carries it (thread or process): claim slices of the
 * job's space from the schedule and compute each into *acc, writing array output in place
 * in the job's shared output. Returns the worker's compute time in seconds. */
double cb_worker_body(const struct cb_job *job, struct cb_sched *s, int w,
                      struct cb_partial *acc);

/* A spawned worker's command line, after `--cb-worker`: KERNEL SIZE SEED P W CHANNEL PARENT,
 * numbers in plain decimal, as the parent writes them. Anyone can type it, so it is checked
 * like any command line: a known kernel, a size in its range whose memory fits in this
 * machine, 1 <= P <= CB_MAX_WORKERS, 0 <= W < P, a result channel, a process id. */
struct cb_worker_args {
    const struct cb_kernel *kernel;
    uint64_t size, seed;
    int p, w;
    enum cb_channel channel;
    int parent;
};

/* Parse argv[0..argc) into *a. Returns 0, or -EINVAL with one line naming the argument in
 * err. */
int cb_worker_args_parse(int argc, char *const *argv, struct cb_worker_args *a, char *err,
                         size_t errlen);

/* Do `bytes` fit in 80% of this machine's memory (the harness's limit for a size)? 1 when
 * the machine cannot say. */
int cb_memory_fits(uint64_t bytes);

#endif
