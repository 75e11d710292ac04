/*
 * schedule.h - the one scheduling vocabulary every model with a choice shares.
 *
 *   static   one contiguous block per worker (the course's Thread/Process examples)
 *   cyclic   chunks of --chunk indices dealt round-robin: chunk c goes to worker c mod p
 *   dynamic  the next chunk to whichever worker asks first
 *   guided   like dynamic, but each claim takes max(chunk, remaining / p): chunks shrink
 *
 * A struct cb_sched may live in memory shared between processes: its only mutable field is
 * a lock-free atomic counter, so dynamic and guided claiming needs no lock and works
 * across fork. Static and cyclic claims are computed, not claimed, and touch no shared
 * state. Every index of [0, space) is handed out exactly once per pass.
 */
#ifndef CB_SCHEDULE_H
#define CB_SCHEDULE_H

#include <stdatomic.h>
#include <stdint.h>

enum cb_schedule {
    CB_SCHED_STATIC,
    CB_SCHED_CYCLIC,
    CB_SCHED_DYNAMIC,
    CB_SCHED_GUIDED,
};

struct cb_sched {
    enum cb_schedule kind;
    int workers;
    uint64_t space;
    uint64_t chunk;
    _Atomic uint64_t next; /* dynamic, guided: first unclaimed index */
};

/* Per-worker claiming state: start at zero. */
struct cb_claim {
    uint64_t round;
};

/* Name of a schedule ("static", ...); parse one: 0 or -EINVAL. */
const char *cb_schedule_name(enum cb_schedule s);
int cb_schedule_parse(const char *name, enum cb_schedule *out);

/* The chunk used when --chunk is not given (0): about 64 chunks per worker for cyclic and
 * dynamic, 1 (the minimum) for guided, unused by static. */
uint64_t cb_sched_default_chunk(enum cb_schedule kind, uint64_t space, int workers);

/* Initialise for a pass over [0, space) by `workers` workers; chunk 0 means the default. */
void cb_sched_init(struct cb_sched *s, enum cb_schedule kind, uint64_t space, uint64_t chunk,
                   int workers);

/* Claim worker w's next slice into [*lo, *hi). Returns 1 if one was claimed, 0 when the
 * worker has no more work. Never returns an empty slice. */
int cb_sched_next(struct cb_sched *s, int w, struct cb_claim *c, uint64_t *lo, uint64_t *hi);

#endif
