/*
 * openmp.c - the kernels under OpenMP, as the course's `#pragma omp parallel for`: one
 * parallel region per repetition, of p threads (omp_set_num_threads(p)), in which an
 * `omp for` with the suite's schedule hands out the slices. This file alone is compiled
 * with -fopenmp (meson.build); the harness and the other models never see it.
 *
 * The schedules, mapped to OpenMP's with the same chunk (cb_sched_default_chunk when
 * --chunk is not given, so both engines split the space the same way):
 *   static   schedule(static) over p blocks: block b is the same [lo, hi) as cb_sched's
 *   cyclic   schedule(static, 1) over chunks of `chunk` indices, i.e. schedule(static,
 *            chunk) over the indices: chunk c goes to thread c mod p
 *   dynamic  schedule(dynamic, 1) over chunks of `chunk` indices, i.e. schedule(dynamic,
 *            chunk) over the indices
 *   guided   schedule(dynamic, 1) over the sequence of guided chunks, each max(chunk,
 *            ceil(remaining / p)) indices, the rule of OpenMP's schedule(guided, chunk)
 *            (and of libgomp's implementation and of cb_sched), computed up front
 * The loop runs over chunks, not indices, because an `omp for` gives its body one
 * iteration at a time and never says where the chunk it claimed ends: a body per index
 * would cost more than the randsum kernel's own work (about 3 cycles a number) and would
 * lose matmul's 6-row register blocking. Over chunks each claim still computes one whole
 * slice, exactly as the threadpool model does. Guided chunks shrink as the work runs out,
 * so no fixed chunk unit can express them; handing out their (deterministic) sequence
 * first come, first served is what schedule(guided) does.
 *
 * Each thread adds into a private partial, then writes it, its compute time and the instant
 * it finished into its own cache-line-padded slot; the caller combines them after the
 * region's closing barrier. The start gate is the region's start.
 *
 * Binding: libgomp honours OMP_PLACES and OMP_PROC_BIND, read when it loads; the harness
 * puts the suite's --bind plan there and re-executes (CB_MODEL_OMP_PLACES), so thread i
 * runs on plan[i]. Each thread records where it ran, so the placement check covers
 * OpenMP too. OMP_DYNAMIC or OMP_THREAD_LIMIT could give fewer threads than
 * asked: that fails the repetition rather than mislabel it.
 *
 * Faults (fault.h): each of the runtime's threads maps its alternate signal stack once, so
 * a crash is reported with the thread's number as the worker; a hang is the --timeout
 * watchdog's. CB_FAULT's exit kind is refused: a thread that leaves a parallel region
 * with pthread_exit is undefined behaviour in OpenMP (the team's barrier would wait for it
 * forever, or worse), so there is nothing honest to inject.
 */
#include "bind.h"
#include "fault.h"
#include "harness.h"
#include "models/slot.h"
#include "timer.h"

#include <omp.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void compute(const struct cb_job *job, uint64_t lo, uint64_t hi,
                           struct cb_partial *acc)
{
    if (lo < hi)
        job->kernel->compute(job, lo, hi, acc, cb_job_row(job, lo));
}

/* Chunk c of `chunk` indices (the last one may be shorter): the cyclic and dynamic
 * schedules deal the same chunks, in another order. */
static inline void compute_chunk(const struct cb_job *job, uint64_t c, uint64_t chunk,
                                 struct cb_partial *acc)
{
    const uint64_t lo = c * chunk;
    compute(job, lo, job->space - lo > chunk ? lo + chunk : job->space, acc);
}

/* The guided chunks' boundaries: bounds[0] = 0 < bounds[1] < ... < bounds[n] = space, the
 * k-th chunk [bounds[k], bounds[k+1]). Returns n, or -1 if memory is short. */
static int64_t guided_bounds(uint64_t space, uint64_t chunk, int p, uint64_t **out)
{
    const uint64_t q = (uint64_t)p;
    int64_t n = 0;
    for (int fill = 0; fill < 2; fill++) {
        uint64_t cur = 0;
        n = 0;
        if (fill)
            (*out)[0] = 0;
        while (cur < space) {
            uint64_t rem = space - cur, take = rem / q + (rem % q != 0);
            if (take < chunk)
                take = chunk;
            if (take > rem)
                take = rem;
            cur += take;
            n++;
            if (fill)
                (*out)[n] = cur;
        }
        if (!fill && !(*out = malloc((size_t)(n + 1) * sizeof **out)))
            return -1;
    }
    return n;
}

static int openmp_run(const struct cb_job *job, const struct cb_config *cfg,
                      struct cb_rep *rep, char *err, size_t errlen)
{
    const int p = cfg->workers;
    const uint64_t space = job->space;
    const enum cb_schedule kind = cfg->schedule;
    const uint64_t chunk = cfg->chunk ? cfg->chunk : cb_sched_default_chunk(kind, space, p);
    const uint64_t nchunks = space / chunk + (space % chunk != 0);
    uint64_t *bounds = NULL;
    int64_t nguided = 0;
    struct cb_slot *slots = aligned_alloc(alignof(struct cb_slot), (size_t)p * sizeof *slots);
    if (slots && kind == CB_SCHED_GUIDED)
        nguided = guided_bounds(space, chunk, p, &bounds);
    if (!slots || nguided < 0) {
        free(slots);
        snprintf(err, errlen, "openmp: out of memory for %d threads", p);
        return CB_EXIT_ERROR;
    }
    memset(slots, 0, (size_t)p * sizeof *slots);

    int team = 0;
    omp_set_num_threads(p);
    rep->t_gate = cb_now();
#pragma omp parallel default(none) shared(job, slots, bounds, team) \
    firstprivate(p, space, kind, chunk, nchunks, nguided)
    {
        const int w = omp_get_thread_num();
        if (w == 0)
            team = omp_get_num_threads();
        cb_fault_stack_keep();
        cb_fault_worker_begin(w);
        cb_fault_thread_point(w);
        struct cb_partial acc = { 0 };
        const int cpu0 = cb_current_cpu();
        const double t0 = cb_now();
        switch (kind) {
        case CB_SCHED_STATIC:
#pragma omp for schedule(static) nowait
            for (int b = 0; b < p; b++)
                compute(job, (uint64_t)((cb_u128)space * (uint64_t)b / (uint64_t)p),
                        (uint64_t)((cb_u128)space * (uint64_t)(b + 1) / (uint64_t)p), &acc);
            break;
        case CB_SCHED_CYCLIC:
#pragma omp for schedule(static, 1) nowait
            for (uint64_t c = 0; c < nchunks; c++)
                compute_chunk(job, c, chunk, &acc);
            break;
        case CB_SCHED_DYNAMIC:
#pragma omp for schedule(dynamic, 1) nowait
            for (uint64_t c = 0; c < nchunks; c++)
                compute_chunk(job, c, chunk, &acc);
            break;
        case CB_SCHED_GUIDED:
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t k = 0; k < nguided; k++)
                compute(job, bounds[k], bounds[k + 1], &acc);
            break;
        }
        const double t1 = cb_now();
        const int cpu1 = cb_current_cpu();
        if (w < p) {
            slots[w].cpu0 = cpu0;
            slots[w].cpu1 = cpu1;
            slots[w].part = acc;
            slots[w].compute_s = t1 - t0;
            slots[w].t_end = t1;
        }
        cb_fault_worker_end(w);
    }
    /* past the region's closing barrier: every slot is final */
    int status = 0;
    if (team != p) {
        snprintf(err, errlen, "openmp: asked for %d threads, the runtime ran %d (OMP_DYNAMIC "
                 "or OMP_THREAD_LIMIT?)", p, team);
        status = CB_EXIT_ERROR;
    } else {
        cb_slots_collect(slots, sizeof *slots, p, rep);
    }
    free(bounds);
    free(slots);
    return status;
}

/* The runtime's thread team, started by one empty region of max_workers threads, so that
 * starting the threads is reported apart (pool_create_s) as for the threadpool model. The
 * threads belong to libgomp and live until the process ends: there is no handle to keep. */
static int openmp_open(const struct cb_job *job, const struct cb_config *cfg, int max_workers,
                       void **pool, char *err, size_t errlen)
{
    (void)job;
    (void)cfg;
    *pool = NULL;
    if (cb_fault_wanted("exit")) {
        snprintf(err, errlen, "openmp: CB_FAULT exit:W cannot be injected: a thread that leaves "
                 "a parallel region with pthread_exit is undefined in OpenMP (use crash, hang "
                 "or stack)");
        return CB_EXIT_USAGE;
    }
    int team = 0;
    omp_set_num_threads(max_workers);
#pragma omp parallel default(none) shared(team)
    {
        cb_fault_stack_keep(); /* the runtime's threads live on: their stacks are mapped now */
#pragma omp single
        team = omp_get_num_threads();
    }
    if (team != max_workers) {
        snprintf(err, errlen, "openmp: asked for %d threads, the runtime started %d "
                 "(OMP_DYNAMIC or OMP_THREAD_LIMIT?)", max_workers, team);
        return CB_EXIT_ERROR;
    }
    return 0;
}

static void openmp_close(void *pool)
{
    (void)pool;
}

const struct cb_model cb_model_openmp = {
    .abi = CB_MODEL_ABI,
    .name = "openmp",
    .description = "OpenMP: a parallel region per repetition with an omp for in the chosen "
                   "schedule (#pragma omp parallel for)",
    .flags = CB_MODEL_SCHEDULE | CB_MODEL_OMP_PLACES | CB_MODEL_WATCHDOG,
    .run = openmp_run,
    .open = openmp_open,
    .close = openmp_close,
};
