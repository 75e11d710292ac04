/*
 * slot.h - one worker's result as every model keeps it, and the step that turns the
 * workers' slots into the repetition's record.
 *
 * Each worker writes only its own slot, padded to a cache line so that two workers never
 * write the same line (false sharing would be timed as compute). The model reads the slots
 * once they are all final (joined, past a barrier, the pass over, the workers reaped), and
 * every model collects them the same way: one function, so that the record's columns mean
 * the same whatever model filled them.
 */
#ifndef CB_MODELS_SLOT_H
#define CB_MODELS_SLOT_H

#include "bind.h"
#include "harness.h"
#include "timer.h"

#include <stdalign.h>
#include <stddef.h>

struct cb_slot {
    alignas(64) struct cb_partial part;
    double compute_s;
    double t_end;    /* cb_now() when this worker finished */
    int cpu0, cpu1;  /* where it started and finished computing */
    int done;        /* the worker finished its part: read by the models that can lose a
                      * worker midway (threads, procpool) */
};

/* Worker w's part of a repetition, run into its slot: where it starts and ends, and how
 * long it computes. The partial is summed locally and stored once. */
static inline void cb_slot_run(struct cb_slot *s, const struct cb_job *job,
                               struct cb_sched *sched, int w)
{
    struct cb_partial acc = { 0 };
    s->cpu0 = cb_current_cpu();
    s->compute_s = cb_worker_body(job, sched, w, &acc);
    s->cpu1 = cb_current_cpu();
    s->t_end = cb_now();
    s->part = acc;
}

/* The record of a repetition from the final slots of workers 0..p-1: the partials summed
 * in worker order, each worker's compute time and CPUs, and the end of compute as the
 * slowest worker's t_end (never before rep->t_gate; what follows it is collect). A model
 * whose slot record holds more than a cb_slot gives its first one and the bytes from one
 * record to the next (sizeof *slots for a plain array). */
static inline void cb_slots_collect(const struct cb_slot *slots, size_t stride, int p,
                                    struct cb_rep *rep)
{
    rep->t_done = rep->t_gate;
    for (int w = 0; w < p; w++) {
        const struct cb_slot *s =
            (const struct cb_slot *)(const void *)((const char *)slots + (size_t)w * stride);
        cb_partial_add(&rep->total, &s->part);
        rep->worker_compute[w] = s->compute_s;
        rep->cpu_start[w] = s->cpu0;
        rep->cpu_end[w] = s->cpu1;
        if (s->t_end > rep->t_done)
            rep->t_done = s->t_end;
    }
}

#endif
