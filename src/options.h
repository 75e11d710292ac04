/*
 * options.h - the command line every benchmark binary shares, and its parsers.
 *
 * Parsers return 0 or -EINVAL and, on error, write one line (no newline) naming the
 * problem into err. Nothing is printed here: only main decides to print and exit.
 */
#ifndef CB_OPTIONS_H
#define CB_OPTIONS_H

#include "base.h"
#include "bind.h"
#include "kernel.h"
#include "pwait.h"
#include "schedule.h"

#include <stddef.h>
#include <stdint.h>


/* How worker processes start, and how their results travel home. */
enum cb_start { CB_START_NONE, CB_START_FORK, CB_START_SPAWN };
enum cb_channel {
    CB_CHANNEL_NONE,
    CB_CHANNEL_PIPE,   /* one pipe per worker */
    CB_CHANNEL_QUEUE,  /* one POSIX message queue shared by all workers */
    CB_CHANNEL_SOCKET, /* a Unix-domain socket connection per worker */
    CB_CHANNEL_SHM,    /* shared-memory slots and output written in place */
};
const char *cb_start_name(enum cb_start s);       /* "" for NONE */
const char *cb_channel_name(enum cb_channel c);   /* "" for NONE */

struct cb_options {
    const struct cb_kernel *kernels[CB_MAX_KERNELS];
    uint64_t sizes[CB_MAX_KERNELS];
    size_t nkernels;
    int workers[CB_MAX_WORKERS];
    size_t nworkers;
    int workers_given;
    int reps, warmup;
    uint64_t seed;
    const char *output;
    int raw, quiet;
    int interleave;               /* shuffle configurations across rounds (default) */
    enum cb_schedule schedule;
    uint64_t chunk;               /* 0: the schedule's default */
    int schedule_given, chunk_given;
    double timeout;               /* seconds per repetition, 0: none */
    enum cb_start start;          /* --start: how worker processes start */
    enum cb_channel channel;      /* --channel: how their results travel home */
    enum cb_bind bind;            /* --bind: where workers run (bind.h) */
    enum cb_wait wait;            /* --wait: how a pool's threads wait (pwait.h) */
    int foreign_topology;         /* --foreign-topology: measure although hwloc describes
                                   * another machine (HWLOC_XMLFILE, ...); rows are marked */
};

/* Parse a worker list: items separated by commas, each N, A-B, A-B:S (every S-th), or
 * A-B:xF (geometric, times F). A number may be written `all` (the `pus` usable PUs) or
 * `Kxall`. Counts are 1..CB_MAX_WORKERS; duplicates are dropped, order is kept. */
int cb_parse_workers(const char *s, int pus, int *out, size_t max, size_t *n, char *err,
                     size_t errlen);

/* Parse an unsigned count: digits, optionally with a decimal suffix k, M, G, T (10^3 ...)
 * or an exponent (1e7). Overflow and trailing junk are errors. */
int cb_parse_u64(const char *s, uint64_t *out);

/* Parse a plain decimal number from 0 to max: digits only, no sign, blank or suffix (what a
 * parent writes on a child's command line with PRIu64). */
int cb_parse_dec(const char *s, uint64_t max, uint64_t *out);

/* Parse a positive duration in seconds (a decimal number). */
int cb_parse_seconds(const char *s, double *out);

/* Parse a finite number as the suite's files write it: an optional sign, decimal digits
 * with an optional point and exponent (0.000013751, 1.5e-05); no blank, no hexadecimal,
 * no inf or nan, nothing out of a double's range. */
int cb_parse_number(const char *s, double *out);

/* Whether a comma-separated list has an empty item ("a,,b", ",a", "a,"). strtok skips
 * empty items silently, so the list parsers ask this first and refuse such a list. */
int cb_list_has_empty(const char *s);

#endif
