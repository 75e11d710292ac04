/*
 * mpi.c - MPI ranks as the workers (Open MPI): processes that share nothing and talk only
 * by messages, on this machine or on several. The course's last step.
 *
 * One world of p ranks measures p = its size (see mpi.h for how the launcher sweeps p).
 * Rank 0 is the harness and worker 0 at once: it parses the command line, computes the
 * sequential reference, runs the repetitions and writes the CSV; ranks 1..p-1 serve a loop
 * of commands from it and write nothing. Every rank runs the whole of this binary, so the
 * kernels are the same code everywhere.
 *
 * One repetition, timed by the harness on rank 0:
 *   setup (distribution)  the command (a broadcast); for matmul the rows of A scattered
 *                         (Scatterv, one block per rank) and B broadcast; then a barrier,
 *                         the start gate. A rank binds itself (--bind) before it.
 *   compute               every rank computes its block of the index space.
 *   collect (collection)  the partials combined with MPI_Reduce (an exact 128-bit sum: a
 *                         user-defined operation), matmul's rows of C gathered (Gatherv),
 *                         and each rank's own timings sent to rank 0 point to point.
 * The ranks outlive the repetitions, as a pool's workers do: the harness's open() hook has
 * them prepare each kernel (pool_create_s), and the world's own start-up (mpirun, MPI_Init)
 * happens before main: printed on stderr and recorded in every row of the world (the CSV's
 * world_start_s), never inside a repetition.
 *
 * Schedules: static only, one contiguous block per rank, the split every other model's
 * static schedule makes. The others are refused (exit 2): dynamic and guided hand out
 * chunks on demand, which would need a request-reply round trip per chunk, and cyclic would
 * scatter matmul's rows in strided pieces; neither is the "each rank its block" of MPI
 * programs this model stands for.
 *
 * Verification: non-root ranks poison their copies of A, B and C when they prepare a
 * kernel, so a row that never arrived, or never came back, fails the bit-exact check.
 *
 * Failures: MPI's default error handler (errors are fatal) stays, so an MPI call never
 * returns an error. A rank that dies ends the world: mpirun kills the other ranks and
 * fails, and the launcher names the rank (mpilaunch.c). With --timeout, rank 0 waits for
 * every collective with a deadline (nonblocking collectives polled with MPI_Testall); past
 * it, it names the ranks whose timings never came, and the world is aborted (exit 4).
 * CB_FAULT=KIND:RANK (proc.h) makes a rank fail after the start gate, for the tests.
 *
 * Placement: Open MPI's own binding must be off (mpirun --bind-to none, which the launcher
 * passes); each rank binds itself, the whole process, to its PU of the --bind plan. Ranks
 * on rank 0's host take entry `rank` of the plan rank 0's harness computed (the same
 * topology gives the same plan); a rank on another host takes entry `node-local rank` of
 * its own host's plan, and reports no CPU (-1), since the harness checks binding against
 * rank 0's machine. The CSV's hosts column lists each rank's host (MPI_Get_processor_name).
 */
#define _GNU_SOURCE
#include "models/mpi.h"

#include "bind.h"
#include "options.h"
#include "proc.h"
#include "timer.h"
#include "topo.h"

#include <mpi.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OP_PREPARE = 1, OP_RUN, OP_RELEASE, OP_QUIT };
enum { TAG_STATS = 7 };

/* What rank 0 broadcasts: one command per step. */
struct command {
    int32_t op;
    int32_t kernel; /* index in cb_kernels (PREPARE) */
    int32_t bind;   /* enum cb_bind (RUN) */
    int32_t pad;
    uint64_t size, seed;
};

/* What every rank sends rank 0 after computing. */
struct stats {
    double compute_s;   /* from the start gate to the end of its block */
    struct cb_usage use; /* CPU time, switches, faults from the command to the end of its block */
    int32_t cpu0, cpu1; /* where it started and ended its block */
};

/* This process's view of the world. */
static struct world {
    int rank, size;
    int local_rank;         /* among the ranks on this host */
    int on_root_host;       /* this rank shares rank 0's host */
    char *names;            /* [size * MPI_MAX_PROCESSOR_NAME]: each rank's host */
    char *hosts;            /* rank 0: the hosts column, "a;a;b;..." */
    int nhosts;             /* rank 0: distinct hosts */
    MPI_Datatype u128;      /* a struct cb_partial */
    MPI_Op sum;             /* the exact sum of partials */
    double start_s;         /* rank 0: how long the world took to start */
    int policy;             /* rank 0: --bind, sent with every repetition */
    int broken;             /* rank 0: a repetition failed; the world cannot go on */
    /* the prepared kernel */
    struct cb_job job;      /* non-root ranks: their own copy; rank 0 uses the harness's */
    int prepared;
    MPI_Datatype row;       /* matmul: one row of n doubles */
    int *counts, *displs;   /* matmul: rows of each rank's block, and where it starts */
    uint64_t lo, hi;        /* this rank's block */
    /* placement (non-root ranks) */
    struct cb_topo topo;
    int bind_policy, pu;    /* the plan last applied, and this rank's PU in it */
    int *all_rank;          /* rank 0: scratch for the collection */
    struct stats *stats;
} world = { .bind_policy = -1, .pu = -1 };

int cb_mpi_in_world(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

static void sum_partials(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    struct cb_partial a, b;
    for (int i = 0; i < *len; i++) {
        memcpy(&a, (char *)in + (size_t)i * sizeof a, sizeof a);
        memcpy(&b, (char *)inout + (size_t)i * sizeof b, sizeof b);
        cb_partial_add(&b, &a);
        memcpy((char *)inout + (size_t)i * sizeof b, &b, sizeof b);
    }
}

static int is_matmul(const struct cb_job *job)
{
    const double *a, *b;
    return cb_matmul_inputs(job, &a, &b) == 0;
}

/* Rank w's block of the static split, as every model's static schedule makes it. */
static void block_of(uint64_t space, int w, int p, uint64_t *lo, uint64_t *hi)
{
    struct cb_sched s;
    struct cb_claim c = { 0 };
    cb_sched_init(&s, CB_SCHED_STATIC, space, 0, p);
    if (!cb_sched_next(&s, w, &c, lo, hi))
        *lo = *hi = 0;
}

/* Wait for n requests; with a deadline (cb_now() seconds, 0: none), poll them until then.
 * Returns 0, or -1 if the deadline passed first (the requests are left pending). */
static int wait_until(MPI_Request *req, int n, double deadline)
{
    if (deadline <= 0) {
        MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
        return 0;
    }
    for (;;) {
        int done = 0;
        MPI_Testall(n, req, &done, MPI_STATUSES_IGNORE);
        if (done)
            return 0;
        if (cb_now() > deadline)
            return -1;
    }
}

static void command(struct command *c)
{
    MPI_Request r;
    MPI_Ibcast(c, (int)sizeof *c, MPI_BYTE, 0, MPI_COMM_WORLD, &r);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
}

/* --- the prepared kernel, on every rank ------------------------------------------------ */

static void release(void)
{
    if (!world.prepared)
        return;
    if (world.rank != 0)
        cb_job_cleanup(&world.job);
    if (world.row != MPI_DATATYPE_NULL)
        MPI_Type_free(&world.row);
    world.row = MPI_DATATYPE_NULL;
    free(world.counts);
    free(world.displs);
    world.counts = world.displs = NULL;
    world.prepared = 0;
}

/* The block of this rank and, for matmul, the row type and every rank's block in rows.
 * 0 or -1 (memory). */
static int layout(const struct cb_job *job)
{
    block_of(job->space, world.rank, world.size, &world.lo, &world.hi);
    world.row = MPI_DATATYPE_NULL;
    if (!is_matmul(job) || job->size == 0)
        return 0;
    MPI_Type_contiguous((int)job->size, MPI_DOUBLE, &world.row);
    MPI_Type_commit(&world.row);
    world.counts = malloc(sizeof(int) * (size_t)world.size);
    world.displs = malloc(sizeof(int) * (size_t)world.size);
    if (!world.counts || !world.displs)
        return -1;
    for (int w = 0; w < world.size; w++) {
        uint64_t lo, hi;
        block_of(job->space, w, world.size, &lo, &hi);
        world.counts[w] = (int)(hi - lo); /* rows: at most 2^20 */
        world.displs[w] = (int)lo;
    }
    return 0;
}

/* A non-root rank prepares its own copy of the job. matmul's inputs and output are
 * poisoned (all-ones bytes are NaNs): only rows that really travel can be right. */
static int prepare_here(const struct command *c)
{
    release();
    int idx = 0;
    while (cb_kernels[idx] && idx != c->kernel)
        idx++;
    if (!cb_kernels[idx] || cb_job_prepare(&world.job, cb_kernels[idx], c->size, c->seed) < 0)
        return -1;
    world.prepared = 1;
    if (layout(&world.job) < 0)
        return -1;
    const double *a, *b;
    if (cb_matmul_inputs(&world.job, &a, &b) == 0) {
        size_t bytes = (size_t)(c->size * c->size * sizeof(double));
        /* the job owns A and B (allocated by the kernel); cb_matmul_inputs only hands them
         * out read-only */
        memset((double *)a, 0xff, bytes);
        memset((double *)b, 0xff, bytes);
        memset(world.job.out, 0xff, world.job.out_bytes);
    }
    return 0;
}

/* --- placement ------------------------------------------------------------------------- */

/* This rank's PU under policy (see the file's header), or -1. */
static int my_pu(int policy)
{
    if (policy == world.bind_policy)
        return world.pu;
    int n = world.on_root_host ? world.size : world.local_rank + 1;
    int idx = world.on_root_host ? world.rank : world.local_rank;
    int *plan = malloc(sizeof(int) * (size_t)n);
    int pu = -1;
    if (plan && cb_bind_plan(&world.topo, (enum cb_bind)policy, n, plan) == 0)
        pu = plan[idx];
    free(plan);
    world.bind_policy = policy;
    world.pu = pu;
    return pu;
}

static void bind_to(int pu, int *bound)
{
    if (pu == *bound)
        return;
    if (cb_bind_process(getpid(), pu) == 0)
        *bound = pu;
}

/* --- a repetition ------------------------------------------------------------------------ */

/* Compute this rank's block of job into *acc (output rows in place) and fill *st. */
static void compute_block(const struct cb_job *job, struct cb_partial *acc, struct stats *st)
{
    double t0 = cb_now();
    st->cpu0 = cb_current_cpu();
    if (world.lo < world.hi)
        job->kernel->compute(job, world.lo, world.hi, acc, cb_job_row(job, world.lo));
    st->cpu1 = cb_current_cpu();
    st->compute_s = cb_now() - t0;
}

/* A non-root rank's side of one repetition. */
static void serve_run(const struct command *c, int *bound)
{
    struct cb_usage use0, use1;
    cb_usage_now(&use0);
    const struct cb_job *job = &world.job;
    bind_to(my_pu(c->bind), bound);
    MPI_Request r[3];
    int n = 0;
    const double *a = NULL, *b = NULL;
    if (world.row != MPI_DATATYPE_NULL && cb_matmul_inputs(job, &a, &b) == 0) {
        const uint64_t rows = world.hi - world.lo;
        /* the job owns A and B: see prepare_here */
        MPI_Iscatterv(NULL, NULL, NULL, world.row, (double *)a + world.lo * job->size,
                      (int)rows, world.row, 0, MPI_COMM_WORLD, &r[n++]);
        MPI_Ibcast((double *)b, (int)job->size, world.row, 0, MPI_COMM_WORLD, &r[n++]);
    }
    MPI_Waitall(n, r, MPI_STATUSES_IGNORE);
    MPI_Ibarrier(MPI_COMM_WORLD, &r[0]);
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);
    cb_fault_point(world.rank);

    struct cb_partial acc = { 0 };
    struct stats st;
    compute_block(job, &acc, &st);
    cb_usage_now(&use1);
    cb_usage_diff(&use0, &use1, &st.use);
    n = 0;
    MPI_Isend(&st, (int)sizeof st, MPI_BYTE, 0, TAG_STATS, MPI_COMM_WORLD, &r[n++]);
    MPI_Ireduce(&acc, NULL, 1, world.u128, world.sum, 0, MPI_COMM_WORLD, &r[n++]);
    if (world.row != MPI_DATATYPE_NULL)
        MPI_Igatherv(cb_job_row(job, world.lo), (int)(world.hi - world.lo), world.row, NULL,
                     NULL, NULL, world.row, 0, MPI_COMM_WORLD, &r[n++]);
    MPI_Waitall(n, r, MPI_STATUSES_IGNORE);
}

/* Ranks 1..p-1: follow rank 0's commands until it says quit. Returns the exit status. */
static int serve(void)
{
    int bound = -1;
    for (;;) {
        struct command c;
        command(&c);
        switch (c.op) {
        case OP_PREPARE: {
            int failed = prepare_here(&c) < 0 ? world.rank : 0, worst;
            MPI_Reduce(&failed, &worst, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
            break;
        }
        case OP_RUN:
            if (!world.prepared) {
                fprintf(stderr, "bench-mpi: rank %d: asked to run before preparing\n",
                        world.rank);
                MPI_Abort(MPI_COMM_WORLD, CB_EXIT_ERROR);
            }
            serve_run(&c, &bound);
            break;
        case OP_RELEASE:
            release();
            break;
        case OP_QUIT:
            release();
            return 0;
        default:
            fprintf(stderr, "bench-mpi: rank %d: unknown command %d\n", world.rank, c.op);
            MPI_Abort(MPI_COMM_WORLD, CB_EXIT_ERROR);
        }
    }
}

/* --- rank 0: the model the harness drives ------------------------------------------------ */

static int kernel_index(const struct cb_kernel *k)
{
    int i = 0;
    while (cb_kernels[i] && cb_kernels[i] != k)
        i++;
    return i;
}

static int mpi_open(const struct cb_job *job, const struct cb_config *cfg, int max_workers,
                    void **pool, char *err, size_t errlen)
{
    (void)cfg;
    (void)max_workers;
    release();
    world.prepared = 1;
    if (layout(job) < 0) {
        release();
        snprintf(err, errlen, "out of memory");
        return CB_EXIT_ERROR;
    }
    struct command c = { .op = OP_PREPARE, .kernel = kernel_index(job->kernel),
                         .size = job->size, .seed = job->seed };
    command(&c);
    int ok = 0, worst = 0;
    MPI_Reduce(&ok, &worst, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
    *pool = &world;
    if (worst) {
        snprintf(err, errlen, "rank %d of %d cannot prepare %s of size %llu (out of memory?)",
                 worst, world.size, job->kernel->name, (unsigned long long)job->size);
        return CB_EXIT_ERROR;
    }
    return 0;
}

static void mpi_close(void *pool)
{
    (void)pool;
    if (!world.broken) {
        struct command c = { .op = OP_RELEASE };
        command(&c);
    }
    release();
}

/* The ranks whose timings did not arrive, as "1, 3" (at most a few), into buf. */
static void missing_ranks(MPI_Request *st, char *buf, size_t len)
{
    size_t used = 0;
    int shown = 0, more = 0;
    buf[0] = '\0';
    for (int w = 1; w < world.size; w++) {
        int done = 0;
        if (st[w - 1] != MPI_REQUEST_NULL)
            MPI_Test(&st[w - 1], &done, MPI_STATUS_IGNORE);
        if (done)
            continue;
        if (shown == 8) {
            more++;
            continue;
        }
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%d",
                                 shown ? ", " : "", w);
        shown++;
    }
    if (more && used < len)
        snprintf(buf + used, len - used, " and %d more", more);
}

static int timed_out(const char *what, double timeout, char *err, size_t errlen)
{
    world.broken = 1;
    snprintf(err, errlen, "%s within --timeout %g s: the world is aborted", what, timeout);
    return CB_EXIT_WORKER;
}

static int mpi_run(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
                   char *err, size_t errlen)
{
    static int bound = -1;
    const int p = world.size;
    const double deadline = cfg->timeout > 0 ? cb_now() + cfg->timeout : 0;
    if (!world.prepared || cfg->workers != p) {
        snprintf(err, errlen, "%d workers asked of a world of %d ranks", cfg->workers, p);
        return CB_EXIT_ERROR;
    }

    /* setup: distribution, then the start gate */
    bind_to(cfg->plan[0], &bound);
    struct command c = { .op = OP_RUN, .bind = world.policy };
    MPI_Request r[3];
    int n = 0;
    MPI_Ibcast(&c, (int)sizeof c, MPI_BYTE, 0, MPI_COMM_WORLD, &r[n++]);
    const double *a, *b;
    if (world.row != MPI_DATATYPE_NULL && cb_matmul_inputs(job, &a, &b) == 0) {
        /* MPI takes the broadcast's buffer as writable; at the root it only reads it */
        MPI_Iscatterv(a, world.counts, world.displs, world.row, MPI_IN_PLACE, 0, world.row, 0,
                      MPI_COMM_WORLD, &r[n++]);
        MPI_Ibcast((double *)b, (int)job->size, world.row, 0, MPI_COMM_WORLD, &r[n++]);
    }
    if (wait_until(r, n, deadline) < 0)
        return timed_out("the inputs did not reach every rank", cfg->timeout, err, errlen);
    MPI_Ibarrier(MPI_COMM_WORLD, &r[0]);
    if (wait_until(r, 1, deadline) < 0)
        return timed_out("not every rank reached the start gate", cfg->timeout, err, errlen);
    rep->t_gate = cb_now();
    cb_fault_point(0);

    /* compute: rank 0's own block, in place in the job's output */
    struct cb_partial acc = { 0 }, total = { 0 };
    struct stats *st = world.stats;
    compute_block(job, &acc, &st[0]);

    /* collection: each rank's timings, the reduction, matmul's rows */
    MPI_Request *q = malloc(sizeof(MPI_Request) * (size_t)(p + 2));
    if (!q) {
        world.broken = 1;
        snprintf(err, errlen, "out of memory");
        return CB_EXIT_ERROR;
    }
    for (int w = 1; w < p; w++)
        MPI_Irecv(&st[w], (int)sizeof st[w], MPI_BYTE, w, TAG_STATS, MPI_COMM_WORLD, &q[w - 1]);
    n = p - 1;
    MPI_Ireduce(&acc, &total, 1, world.u128, world.sum, 0, MPI_COMM_WORLD, &q[n++]);
    if (world.row != MPI_DATATYPE_NULL)
        MPI_Igatherv(MPI_IN_PLACE, 0, world.row, job->out, world.counts, world.displs,
                     world.row, 0, MPI_COMM_WORLD, &q[n++]);
    if (wait_until(q, n, deadline) < 0) {
        char who[128];
        missing_ranks(q, who, sizeof who);
        free(q);
        world.broken = 1;
        if (who[0])
            snprintf(err, errlen, "rank %s of %d timed out: no result within --timeout %g s; "
                     "the world is aborted", who, p, cfg->timeout);
        else
            snprintf(err, errlen, "the collection timed out within --timeout %g s; the world "
                     "is aborted", cfg->timeout);
        return CB_EXIT_WORKER;
    }
    free(q);

    rep->total = total;
    double last = 0;
    for (int w = 0; w < p; w++) {
        rep->worker_compute[w] = st[w].compute_s;
        if (st[w].compute_s > last)
            last = st[w].compute_s;
        int here = w == 0 || strcmp(world.names + (size_t)w * MPI_MAX_PROCESSOR_NAME,
                                    world.names) == 0;
        rep->cpu_start[w] = here ? st[w].cpu0 : -1;
        rep->cpu_end[w] = here ? st[w].cpu1 : -1;
        if (w > 0) {
            cb_usage_add(&rep->other, &st[w].use);
        }
    }
    /* each rank timed its block from its own exit from the gate: clocks of different hosts
     * are not comparable, durations are */
    double now = cb_now();
    rep->t_done = rep->t_gate + last < now ? rep->t_gate + last : now;
    rep->hosts = world.hosts;
    rep->world_start_s = world.start_s;
    return 0;
}

/* Under mpirun: p is the world's size, the schedule static, Open MPI's binding off. In the
 * launcher (world.size 0): any worker list, static only. */
static int mpi_configure(struct cb_options *o, const struct cb_topo *topo, char *err,
                         size_t errlen)
{
    (void)topo;
    if (o->schedule != CB_SCHED_STATIC) {
        snprintf(err, errlen, "--schedule %s: model mpi splits the space statically, one "
                 "block per rank (static only)", cb_schedule_name(o->schedule));
        return CB_EXIT_USAGE;
    }
    if (world.size == 0)
        return 0;
    if (getenv("OMPI_MCA_orte_bound_at_launch")) {
        snprintf(err, errlen, "mpirun bound this rank (Open MPI's default): run mpirun with "
                 "--bind-to none, bench-mpi places its ranks itself (--bind)");
        return CB_EXIT_USAGE;
    }
    if (o->workers_given && (o->nworkers != 1 || o->workers[0] != world.size)) {
        snprintf(err, errlen, "--workers: under mpirun, bench-mpi measures p = the world's %d "
                 "ranks only (started without mpirun, it runs one world per count)",
                 world.size);
        return CB_EXIT_USAGE;
    }
    o->workers[0] = world.size;
    o->nworkers = 1;
    world.policy = o->bind;
    if (!o->quiet)
        fprintf(stderr, "bench-mpi: a world of %d ranks on %d host%s (rank 0 on %s), started "
                "in %.3f s (%s; not in any repetition)\n", world.size, world.nhosts,
                world.nhosts == 1 ? "" : "s", world.names, world.start_s,
                getenv(CB_MPI_T0_ENV) ? "mpirun and MPI_Init" : "MPI_Init");
    return 0;
}

/* Memory beyond rank 0's job: every other rank on this host prepares its own copy of the
 * job (prepare_here). Started plainly, bench-mpi runs all p ranks here; under mpirun, the
 * ranks that share rank 0's host count (a hostfile's other hosts check their own). */
static double mpi_memory(double job, double out, const struct cb_config *cfg)
{
    (void)out;
    int here = cfg->workers;
    if (world.size > 0) {
        here = 1;
        for (int w = 1; w < world.size; w++)
            here += strcmp(world.names + (size_t)w * MPI_MAX_PROCESSOR_NAME, world.names) == 0;
    }
    return (here - 1) * job;
}

const struct cb_model cb_model_mpi = {
    .abi = CB_MODEL_ABI,
    .name = "mpi",
    .description = "MPI ranks (Open MPI), each computes its block; partials combined with "
                   "MPI_Reduce, matmul's rows scattered and gathered. Started plainly, it runs "
                   "`mpirun -np p` itself for each p; under mpirun, p is the world's size",
    .flags = CB_MODEL_SCHEDULE | CB_MODEL_TIMEOUT,
    .schedule = CB_SCHED_STATIC,
    .run = mpi_run,
    .open = mpi_open,
    .close = mpi_close,
    .configure = mpi_configure,
    .memory = mpi_memory,
};

/* --- the world --------------------------------------------------------------------------- */

/* Everything every rank learns once: hosts, local rank, types, topology. 0 or -1. */
static int world_init(void)
{
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    const size_t len = MPI_MAX_PROCESSOR_NAME;
    char name[MPI_MAX_PROCESSOR_NAME] = "";
    int nlen = 0;
    MPI_Get_processor_name(name, &nlen);
    for (int i = 0; name[i]; i++)
        if (name[i] == ',' || name[i] == ';' || name[i] == '"')
            name[i] = '_'; /* the name goes into a CSV field */
    world.names = calloc((size_t)world.size, len);
    world.stats = calloc((size_t)world.size, sizeof *world.stats);
    if (!world.names || !world.stats)
        return -1;
    MPI_Allgather(name, (int)len, MPI_CHAR, world.names, (int)len, MPI_CHAR, MPI_COMM_WORLD);
    world.on_root_host = strcmp(name, world.names) == 0;
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &world.local_rank);
    MPI_Comm_free(&node);

    MPI_Type_contiguous((int)sizeof(struct cb_partial), MPI_BYTE, &world.u128);
    MPI_Type_commit(&world.u128);
    MPI_Op_create(sum_partials, 1, &world.sum);
    world.row = MPI_DATATYPE_NULL;

    if (world.rank == 0) {
        world.hosts = malloc((size_t)world.size * (len + 1));
        if (!world.hosts)
            return -1;
        size_t used = 0;
        for (int w = 0; w < world.size; w++) {
            const char *h = world.names + (size_t)w * len;
            used += (size_t)sprintf(world.hosts + used, "%s%s", w ? ";" : "", h);
            int seen = 0;
            for (int v = 0; v < w && !seen; v++)
                seen = strcmp(world.names + (size_t)v * len, h) == 0;
            world.nhosts += !seen;
        }
        return 0;
    }
    char err[256];
    if (cb_topo_load(&world.topo, NULL, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "bench-mpi: rank %d: %s\n", world.rank, err);
        return -1;
    }
    cb_bind_use(&world.topo);
    return 0;
}

static void world_destroy(void)
{
    release();
    MPI_Op_free(&world.sum);
    MPI_Type_free(&world.u128);
    if (world.rank != 0)
        cb_topo_destroy(&world.topo);
    free(world.names);
    free(world.hosts);
    free(world.stats);
}

static int world_main(int argc, char **argv)
{
    double t_main = cb_now();
    MPI_Init(&argc, &argv);
    if (world_init() < 0) {
        fprintf(stderr, "bench-mpi: rank %d: out of memory or no topology\n", world.rank);
        MPI_Abort(MPI_COMM_WORLD, CB_EXIT_ERROR);
    }
    MPI_Barrier(MPI_COMM_WORLD); /* every rank is up */
    if (world.rank != 0) {
        int rc = serve();
        world_destroy();
        MPI_Finalize();
        return rc;
    }
    const char *t0 = getenv(CB_MPI_T0_ENV);
    world.start_s = cb_now() - (t0 ? strtod(t0, NULL) : t_main);

    int rc = cb_main(argc, argv, &cb_model_mpi);
    if (world.broken) {
        /* a rank hangs or the world is in an unknown state: Open MPI kills every rank */
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc ? rc : CB_EXIT_WORKER);
    }
    struct command c = { .op = OP_QUIT };
    command(&c);
    world_destroy();
    MPI_Finalize();
    return rc;
}

int cb_mpi_main(int argc, char **argv)
{
    if (!cb_mpi_in_world())
        return cb_mpi_launch(argc, argv, &cb_model_mpi);
    return world_main(argc, argv);
}
