/*
 * stats.h - descriptive statistics of repeated measurements, as METHOD.md prescribes:
 * median with a 95% confidence interval from order statistics, min, max, mean, standard
 * deviation, coefficient of variation, and outliers counted by Tukey's fences.
 */
#ifndef CB_STATS_H
#define CB_STATS_H

#include <stddef.h>

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

#endif
