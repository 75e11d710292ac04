/*
 * stats.c - see stats.h.
 */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        size_t lo, hi;
        cb_median_ci_ranks(n, &lo, &hi);
        out->ci_low = s[lo - 1];
        out->ci_high = s[hi - 1];
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
