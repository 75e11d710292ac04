/*
 * schedule.c - see schedule.h.
 */
#include "schedule.h"
#include "base.h"
#include "kernel.h"

#include <errno.h>

static const char *const names[] = { "static", "cyclic", "dynamic", "guided" };

#define NNAMES (unsigned)(sizeof names / sizeof names[0])

const char *cb_schedule_name(enum cb_schedule s)
{
    return cb_name_of(names, NNAMES, (unsigned)s, "?");
}

int cb_schedule_parse(const char *name, enum cb_schedule *out)
{
    int i = cb_name_index(names, NNAMES, name);
    if (i >= 0)
        *out = (enum cb_schedule)i;
    return i < 0 ? -EINVAL : 0;
}

uint64_t cb_sched_default_chunk(enum cb_schedule kind, uint64_t space, int workers)
{
    if (kind == CB_SCHED_GUIDED || kind == CB_SCHED_STATIC)
        return 1;
    uint64_t parts = (uint64_t)(workers > 0 ? workers : 1) * 64;
    uint64_t c = (space + parts - 1) / parts;
    return c ? c : 1;
}

void cb_sched_init(struct cb_sched *s, enum cb_schedule kind, uint64_t space, uint64_t chunk,
                   int workers)
{
    s->kind = kind;
    s->workers = workers > 0 ? workers : 1;
    s->space = space;
    s->chunk = chunk ? chunk : cb_sched_default_chunk(kind, space, s->workers);
    atomic_init(&s->next, 0);
}

int cb_sched_next(struct cb_sched *s, int w, struct cb_claim *c, uint64_t *lo, uint64_t *hi)
{
    const uint64_t space = s->space, p = (uint64_t)s->workers;
    switch (s->kind) {
    case CB_SCHED_STATIC: {
        if (c->round++ > 0)
            return 0;
        /* 128-bit products: space * w cannot overflow */
        uint64_t a = (uint64_t)((cb_u128)space * (uint64_t)w / p);
        uint64_t b = (uint64_t)((cb_u128)space * (uint64_t)(w + 1) / p);
        if (a >= b)
            return 0;
        *lo = a;
        *hi = b;
        return 1;
    }
    case CB_SCHED_CYCLIC: {
        cb_u128 start = ((cb_u128)c->round * p + (uint64_t)w) * s->chunk;
        if (start >= space)
            return 0;
        c->round++;
        *lo = (uint64_t)start;
        *hi = space - *lo > s->chunk ? *lo + s->chunk : space;
        return 1;
    }
    case CB_SCHED_DYNAMIC: {
        uint64_t start = atomic_fetch_add_explicit(&s->next, s->chunk, memory_order_relaxed);
        if (start >= space)
            return 0;
        *lo = start;
        *hi = space - start > s->chunk ? start + s->chunk : space;
        return 1;
    }
    case CB_SCHED_GUIDED: {
        uint64_t cur = atomic_load_explicit(&s->next, memory_order_relaxed);
        for (;;) {
            if (cur >= space)
                return 0;
            uint64_t rem = space - cur;
            uint64_t take = (rem + p - 1) / p;
            if (take < s->chunk)
                take = s->chunk;
            if (take > rem)
                take = rem;
            if (atomic_compare_exchange_weak_explicit(&s->next, &cur, cur + take,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *lo = cur;
                *hi = cur + take;
                return 1;
            }
        }
    }
    }
    return 0;
}
