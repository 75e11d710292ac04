/*
 * summary.h - the statistics of a whole sweep: every (model, kernel, size, worker count)
 * point pooled over the CSV files (rounds) that measured it, with speedups and their
 * bootstrap intervals.
 *
 * Inputs are the raw rows (row=raw, one per repetition) that the benchmark binaries write
 * with --raw; their summary rows contribute only the verdict (verified) and the warnings
 * that hold for a whole run (oversubscribed, loaded, debug-build). Everything that depends
 * on the samples is recomputed from the pooled samples with the harness's own statistics
 * (stats.h), so the summary and the binaries never disagree on what a median or a CI is.
 *
 * For each point:
 *   absolute speedup  S = median(T_seq) / median(T_p), T_seq from bench-seq in the same run
 *   relative speedup  R = median(T_1) / median(T_p), the same model at p = 1
 *   efficiency        E = S / p
 *   Karp-Flatt        e = (1/S - 1/p) / (1 - 1/p), p > 1
 * each with a 95% percentile bootstrap interval: both sides' raw wall times are resampled
 * independently, the ratio of the resampled medians taken, `resamples` times, with a fixed
 * seed. E and e are monotone in S, so their bounds are S's bounds transformed.
 */
#ifndef CB_SUMMARY_H
#define CB_SUMMARY_H

#include "stats.h" /* cb_boot_ratio, the bootstrap every ratio below uses */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CB_SUM_RESAMPLES 2000
#define CB_SUM_SEED 42

/* The order of the points in summary.csv (and in bench-stats' tables): by kernel, as in the
 * kernel table (other names after, by name), then size, the baseline (model seq) first,
 * then series by name. Negative, 0 or positive as for qsort. */
int cb_point_order(const char *kernel_a, uint64_t size_a, const char *model_a,
                   const char *series_a, const char *kernel_b, uint64_t size_b,
                   const char *model_b, const char *series_b);

/* The Karp-Flatt serial fraction for speedup s on p workers; NaN when p <= 1. */
double cb_karp_flatt(double s, int p);

struct cb_sumset; /* the pooled points of a results folder: opaque */

/* Counts reported after writing. */
struct cb_sum_counts {
    size_t files, points, unverified, no_seq;
};

/* An empty set. Returns 0 or -ENOMEM. */
int cb_sumset_create(struct cb_sumset **set);

/* Add the rows of one CSV file. Returns 0; -EINVAL when the file is empty, not the suite's
 * CSV or corrupt, or has no raw rows, or does not belong with the files added before (other
 * columns than the first file's, or schema 2 rows of another schema or context id); -errno when it cannot be read (-ENOMEM too). On error,
 * err holds one line naming the file (and line) and the problem; the set may hold part of
 * the file and should be freed. */
int cb_sumset_add_file(struct cb_sumset *set, const char *path, char *err, size_t errlen);

/* Add every *.csv file (not hidden ones: temporary files of an interrupted run start with a
 * dot) of a folder, in name order. Returns 0; -ENOENT when the folder is missing or holds
 * no CSV file; the errors of cb_sumset_add_file otherwise. err as above. */
int cb_sumset_add_dir(struct cb_sumset *set, const char *dir, char *err, size_t errlen);

/* Compute every point and write summary.csv's header and rows to f. Returns 0, -ENOMEM,
 * -EINVAL (resamples < 1) or -EIO when writing fails. counts may be NULL. */
int cb_sumset_write(struct cb_sumset *set, FILE *f, int resamples, uint64_t seed,
                    struct cb_sum_counts *counts);

/* The pooled points themselves, for the tools that judge them (verdict.h) or hold two sets
 * against each other (bench-stats machines): a point as a row of summary.csv shows it. The
 * pointers are views into the set, valid until it is freed; wall holds the pooled raw wall
 * times, n of them, in the order they were read. */
struct cb_sum_point {
    const char *model, *kernel, *series, *bind;
    uint64_t size;
    int workers;
    const double *wall;
    size_t n;
    const char *warnings; /* the binaries' run-wide warnings carried over (oversubscribed,
                           * debug-build, ...), ';'-separated; not the recomputed ones */
    int unverified;       /* some repetition in some file failed */
    const double *seq_wall; /* its baseline's (bench-seq, same kernel and size, as */
    size_t seq_n;           /* summary.csv's speedup): NULL and 0 when none */
    int is_seq;             /* the point is its own baseline */
};

/* Name the series and put the points in summary.csv's order (cb_point_order, then
 * workers), their count in *n. Call it once every file is added; cb_sumset_write does the
 * same. Returns 0 or -ENOMEM. */
int cb_sumset_points(struct cb_sumset *set, size_t *n);

/* Point i (i < n) of that order, in *pt. */
void cb_sumset_point(const struct cb_sumset *set, size_t i, struct cb_sum_point *pt);

/* The index of point i's sequential baseline, as summary.csv takes it (bench-seq on the
 * same kernel and size, the same binding preferred), in *j. Returns 0, or -ENOENT when the
 * folder has none. */
int cb_sumset_seq_of(const struct cb_sumset *set, size_t i, size_t *j);

/* The generator key of point i's absolute speedup in summary.csv for this seed: with it,
 * cb_boot_ratio(seq, point) gives summary.csv's speedup interval exactly. */
uint64_t cb_sumset_speedup_key(const struct cb_sumset *set, size_t i, uint64_t seed);

void cb_sumset_free(struct cb_sumset *set);

#endif
