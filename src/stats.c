/*
 * stats.c - see stats.h.
 */
#include "stats.h"

#include "rng.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cb_put_fixed(FILE *f, int decimals, double v)
{
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, "%.*f", decimals, v);
}

uint64_t cb_stream_key(uint64_t seed, const char *const *parts, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        for (const char *s = parts[i]; *s; s++)
            h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
        h = (h ^ 0xff) * UINT64_C(0x100000001b3);
    }
    return cb_rng_key(seed, h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void cb_sort_doubles(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
}

double cb_quantile_sorted(const double *s, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return s[n - 1];
    return s[i] + (h - (double)i) * (s[i + 1] - s[i]);
}

void cb_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
    double r = 1.96 * sqrt((double)n);
    double l = floor(((double)n - r) / 2.0);
    double h = ceil(1.0 + ((double)n + r) / 2.0);
    if (l < 1)
        l = 1;
    if (h > (double)n)
        h = (double)n;
    *lo = (size_t)l;
    *hi = (size_t)h;
}

double cb_median(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, x, n * sizeof *s);
    cb_sort_doubles(s, n);
    double m = cb_quantile_sorted(s, n, 0.5);
    free(s);
    return m;
}

int cb_summarize(const double *x, size_t n, struct cb_summary *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return -EINVAL;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return -ENOMEM;
    memcpy(s, x, n * sizeof *s);
    cb_sort_doubles(s, n);

    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = cb_quantile_sorted(s, n, 0.5);

    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += s[i];
    out->mean = sum / (double)n;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (s[i] - out->mean) * (s[i] - out->mean);
    out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    out->cv = out->mean != 0.0 ? out->stddev / out->mean : 0.0;

    if (n > 5) {
        cb_median_ci_sorted(s, n, &out->ci_low, &out->ci_high);
        out->ci_valid = 1;
    } else {
        out->ci_low = out->ci_high = NAN;
        out->ci_valid = 0;
    }

    double q1 = cb_quantile_sorted(s, n, 0.25), q3 = cb_quantile_sorted(s, n, 0.75);
    double iqr = q3 - q1;
    for (size_t i = 0; i < n; i++)
        if (s[i] < q1 - 1.5 * iqr || s[i] > q3 + 1.5 * iqr)
            out->outliers++;
    free(s);
    return 0;
}

void cb_median_ci_sorted(const double *sorted, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    size_t l, h;
    cb_median_ci_ranks(n, &l, &h);
    *lo = sorted[l - 1];
    *hi = sorted[h - 1];
}

int cb_intervals_overlap(double alo, double ahi, double blo, double bhi)
{
    return alo <= bhi && blo <= ahi;
}

/* The 95% percentile interval of the r[0..n) bootstrap values (sorted here). */
static void percentile_95(double *r, size_t n, double *lo, double *hi)
{
    cb_sort_doubles(r, n);
    *lo = cb_quantile_sorted(r, n, 0.025);
    *hi = cb_quantile_sorted(r, n, 0.975);
}

int cb_boot_median(const double *x, size_t n, int resamples, uint64_t key, double *median,
                   double *lo, double *hi)
{
    if (n == 0 || resamples < 1)
        return -EINVAL;
    double m = cb_median(x, n);
    double *scratch = malloc(n * sizeof *scratch);
    double *r = malloc((size_t)resamples * sizeof *r);
    if (!scratch || !r || isnan(m)) {
        free(scratch);
        free(r);
        return -ENOMEM;
    }
    *median = m;
    for (int b = 0; b < resamples; b++)
        r[b] = cb_resample_median(x, n, key, (uint64_t)b * n, scratch);
    percentile_95(r, (size_t)resamples, lo, hi);
    free(scratch);
    free(r);
    return 0;
}

double cb_resample_median(const double *x, size_t n, uint64_t key, uint64_t base,
                          double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = x[cb_rng_u64(key, base + i) % n];
    cb_sort_doubles(scratch, n);
    return cb_quantile_sorted(scratch, n, 0.5);
}

int cb_boot_ratio_level(const double *num, size_t nn, const double *den, size_t nd,
                        int resamples, uint64_t key, double alpha, double *ratio, double *lo,
                        double *hi)
{
    if (nn == 0 || nd == 0 || resamples < 1 || !(alpha > 0 && alpha < 1))
        return -EINVAL;
    double mn = cb_median(num, nn), md = cb_median(den, nd);
    size_t big = nn > nd ? nn : nd;
    double *scratch = malloc(big * sizeof *scratch);
    double *r = malloc((size_t)resamples * sizeof *r);
    if (!scratch || !r || isnan(mn) || isnan(md)) {
        free(scratch);
        free(r);
        return -ENOMEM;
    }
    *ratio = mn / md;
    /* the draws of cb_boot_ratio: resample b takes positions b (nn + nd) .. of the stream,
     * the numerator's first */
    uint64_t stride = (uint64_t)nn + nd;
    for (int b = 0; b < resamples; b++) {
        uint64_t base = (uint64_t)b * stride;
        double a = cb_resample_median(num, nn, key, base, scratch);
        double c = cb_resample_median(den, nd, key, base + nn, scratch);
        r[b] = a / c;
    }
    cb_sort_doubles(r, (size_t)resamples);
    *lo = cb_quantile_sorted(r, (size_t)resamples, alpha / 2);
    *hi = cb_quantile_sorted(r, (size_t)resamples, 1 - alpha / 2);
    free(scratch);
    free(r);
    return 0;
}

int cb_boot_ratio(const double *num, size_t nn, const double *den, size_t nd, int resamples,
                  uint64_t key, double *ratio, double *lo, double *hi)
{
    return cb_boot_ratio_level(num, nn, den, nd, resamples, key, 0.05, ratio, lo, hi);
}
