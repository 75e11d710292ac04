/*
 * verdict.h - verdicts on a sweep's pooled points (summary.h), for `bench-stats verdicts`:
 * which series is fastest at each kernel, size and worker count and which are slower
 * beyond doubt, and up to how many workers a series keeps its parallel efficiency.
 *
 * Rank rows. At each (kernel, size, workers), every series measured there (bench-seq at
 * p = 1 only, since it has no other) is ranked by its median wall time, rank 1 the fastest.
 * Each other series is compared with the fastest: ratio = its median / the fastest's, with
 * a percentile bootstrap interval over both sides' raw samples (each side resampled
 * independently, the ratio of the resampled medians). The comparisons are many, so the
 * level is Bonferroni-corrected: with m comparisons in the file (the rank rows that are
 * not the fastest), each interval is the (1 - 0.05/m) two-sided percentile interval, and
 * the chance that any of the m says "slower" where the medians are in truth equal stays
 * below 0.05. A series is `slower` when ratio_lo > 1 (the difference is significant) and
 * ratio >= 1 + tie (it is large enough to matter: 2% by default, the tolerance within
 * which two reruns agree, issue 17); otherwise `tie`. A side with fewer than
 * CB_VERDICT_MIN_N samples gets no interval (`no-ci`) and a tie.
 *
 * Scaling rows. For a parallel series at p > 1: the efficiency E = T_seq / (p T_p) against
 * bench-seq of the same folder, with summary.csv's 95% bootstrap interval (not corrected:
 * each row is read on its own, as the charts' bars are). `holds` when E_lo >= 0.9, `drops`
 * when E_hi < 0.9, `unclear` otherwise. Then one scaling-summary row per series: the largest
 * p up to which every measured p holds.
 */
#ifndef CB_VERDICT_H
#define CB_VERDICT_H

#include "summary.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CB_VERDICT_TIE 0.02      /* default: a difference below 2% is a tie */
#define CB_VERDICT_ALPHA 0.05    /* the family-wise error rate of the rank comparisons */
#define CB_VERDICT_MIN_N 6       /* fewer samples on a side: no interval, no verdict */
#define CB_VERDICT_EFFICIENCY 0.9 /* the efficiency a series must keep to "hold" */

struct cb_verdict_opts {
    int resamples;
    uint64_t seed;
    double tie; /* in [0, 1) */
};

struct cb_verdict_counts {
    size_t rank_rows, comparisons, slower, ties, no_ci;
    size_t scaling_rows, holds, drops, unclear, series;
    /* kernel sizes with parallel points but no bench-seq: no scaling rows for them */
    size_t no_seq;
    char no_seq_names[256]; /* "KERNEL SIZE" of the first ones, ' '-separated pairs */
};

/* The header line of verdicts.csv, newline included. */
extern const char cb_verdict_header[];

/* Write verdicts.csv's header and rows for the points of set (cb_sumset_points is called
 * here). Returns 0, -EINVAL (resamples < 1, tie out of range), -ENOMEM, or -EIO when
 * writing to f fails. counts may be NULL. */
int cb_verdicts_write(struct cb_sumset *set, FILE *f, const struct cb_verdict_opts *o,
                      struct cb_verdict_counts *counts);

#endif
