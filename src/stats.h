/*
 * stats.h - descriptive statistics of repeated measurements, as README.md's method states:
 * median with a 95% confidence interval from order statistics, min, max, mean, standard
 * deviation, coefficient of variation, and outliers counted by Tukey's fences; and the
 * percentile bootstrap of a median and of a ratio of medians, drawn from the project's
 * counter-based generator (rng.h) so that the same key always gives the same interval.
 */
#ifndef CB_STATS_H
#define CB_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cb_summary {
    size_t n;
    double median, min, max, mean, stddev, cv;
    double ci_low, ci_high; /* 95% CI of the median; NaN when n <= 5 (not valid) */
    int ci_valid;
    size_t outliers;        /* samples outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR] */
};

/* Summarise n samples (not modified). Returns 0, or -EINVAL if n == 0, -ENOMEM. */
int cb_summarize(const double *x, size_t n, struct cb_summary *s);

/* Ranks (1-based) of the 95% CI of the median for n samples: lo = floor((n - 1.96 sqrt n)/2),
 * hi = ceil(1 + (n + 1.96 sqrt n)/2), clamped to [1, n]. Valid for n > 5. */
void cb_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Quantile q in [0,1] of sorted data by linear interpolation (type 7). */
double cb_quantile_sorted(const double *sorted, size_t n, double q);

/* Median of n samples (not modified); NaN if n == 0. */
double cb_median(const double *x, size_t n);

/* Sort doubles ascending in place. */
void cb_sort_doubles(double *x, size_t n);

/* The 95% CI of the median of sorted[0..n) by order statistics: the values at the ranks of
 * cb_median_ci_ranks, in *lo and *hi, for any n >= 1 (the ranks are clamped to [1, n], so
 * for n <= 5 the interval is [min, max]: report it as such or not at all, as cb_summarize
 * does). NaN when n == 0. */
void cb_median_ci_sorted(const double *sorted, size_t n, double *lo, double *hi);

/* Do the closed intervals [alo, ahi] and [blo, bhi] share a point? */
int cb_intervals_overlap(double alo, double ahi, double blo, double bhi);

/* Median of n values drawn with replacement from x, using scratch[n]. Draw i of the
 * resample is number base + i of the generator stream `key` (rng.h), so resamples that use
 * disjoint ranges of positions never share draws. */
double cb_resample_median(const double *x, size_t n, uint64_t key, uint64_t base,
                          double *scratch);

/* The median of x[0..n) in *median, with the 95% percentile interval [*lo, *hi] of
 * `resamples` bootstrap medians drawn with the generator key `key`. Returns 0, -EINVAL
 * (n == 0, resamples < 1) or -ENOMEM. */
int cb_boot_median(const double *x, size_t n, int resamples, uint64_t key, double *median,
                   double *lo, double *hi);

/* Ratio of medians median(num) / median(den) in *ratio, with the percentile interval
 * [*lo, *hi] of `resamples` bootstrap ratios drawn with the generator key `key` (the same
 * key gives the same interval): both sides resampled independently, the ratio of the
 * resampled medians taken. Returns 0, -EINVAL (an empty side, resamples < 1) or -ENOMEM. */
int cb_boot_ratio(const double *num, size_t nn, const double *den, size_t nd, int resamples,
                  uint64_t key, double *ratio, double *lo, double *hi);

/* The ratio of medians median(num) / median(den) in *ratio, with the two-sided percentile
 * interval of level 1 - alpha of `resamples` bootstrap ratios (cb_boot_ratio is this one at
 * alpha = 0.05). Returns 0, -EINVAL or -ENOMEM. */
int cb_boot_ratio_level(const double *num, size_t nn, const double *den, size_t nd,
                        int resamples, uint64_t key, double alpha, double *ratio, double *lo,
                        double *hi);


/* A CSV field of a figure: a comma and v with `decimals` decimals, the comma alone for a
 * missing one (NaN, or an infinity: a ratio with nothing to divide by). */
void cb_put_fixed(FILE *f, int decimals, double v);

/* The key of a bootstrap stream named by n strings: FNV-1a over each string and a 0xff
 * separator after each, then cb_rng_key(seed, hash), so that an interval depends only on
 * its own data and names, never on what else the files hold. */
uint64_t cb_stream_key(uint64_t seed, const char *const *parts, size_t n);

#endif
