/*
 * stats-machines.c - bench-stats machines A_DIR B_DIR: how much faster one machine is than
 * another, and whether the two scale alike, with intervals (issue 18, "Machines compared in
 * numbers").
 *
 * Each folder's raw rows (the CSV files in DIR/raw/) are read and pooled by the summary module, exactly
 * as bench-summary pools them, so a point here is a point of summary.csv. For each point
 * (kernel, size, series, workers) present in both folders:
 *
 *   time ratio     median(T_B) / median(T_A): below 1, B is faster
 *   speedup ratio  S_B / S_A, S = median(T_seq) / median(T_p) of the same folder: above 1,
 *                  B gains more from its workers (a point that is its own baseline, bench-seq,
 *                  has S = 1 exactly on both sides, so the ratio 1 exactly)
 *
 * each with a 95% percentile bootstrap interval: every sample set (two for the time ratio,
 * four for the speedup ratio) resampled with replacement apart from the others, the ratio
 * recomputed, `resamples` times. The generator stream of a figure depends only on the seed
 * and the point (kernel, size, series, workers), so the same folders and seed give the same
 * bytes whatever else the folders hold. The verdict of a point is b-faster when the time
 * ratio's interval lies below 1, a-faster above 1, same when it holds 1.
 *
 * Per kernel and size: the geometric mean of the time ratios of the series at p = 1 (every
 * model on one worker, bench-seq included), with the interval of the same bootstrap (the
 * geometric mean of resample b is taken over the points' resample b), and whether the
 * speedups scale the same: every speedup-ratio interval at p > 1 holds 1 (scales-same), or
 * which machine scales better at which points.
 */
#define _GNU_SOURCE
#include "stats-machines.h"

#include "base.h"
#include "options.h"
#include "stats.h"
#include "summary.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIST_LEN 4096 /* the points named in a kernel's scaling columns */

struct side {
    struct cb_sumset *set;
    size_t n;
};

/* One point in both folders, and its figures. */
struct row {
    struct cb_sum_point a, b;
    double ta, tb;                /* medians */
    double t, tlo, thi;           /* time ratio B/A and its interval (NAN: none) */
    double *trep;                 /* the time ratio's bootstrap replicates (NULL: none) */
    double sa, sb, s, slo, shi;   /* speedups, their ratio and its interval */
};

/* The generator key of one figure of a point: its tag, kernel, size, series and workers. */
static uint64_t point_key(uint64_t seed, const char *tag, const struct cb_sum_point *p)
{
    char num[64];
    snprintf(num, sizeof num, "%llu/%d", (unsigned long long)p->size, p->workers);
    const char *parts[] = { tag, p->kernel, p->series, num };
    return cb_stream_key(seed, parts, sizeof parts / sizeof *parts);
}

/* The 95% percentile interval of r[0..n) (sorted here), as stats.c takes it. */
static void interval(double *r, size_t n, double *lo, double *hi)
{
    cb_sort_doubles(r, n);
    *lo = cb_quantile_sorted(r, n, 0.025);
    *hi = cb_quantile_sorted(r, n, 0.975);
}

/* The time ratio's replicates: median(B*) / median(A*), the resample b of B drawn at
 * positions b (nb + na) .. and of A right after (cb_boot_ratio's scheme). */
static int time_replicates(const struct row *r, int resamples, uint64_t key, double *rep)
{
    size_t na = r->a.n, nb = r->b.n;
    double *scratch = malloc((na > nb ? na : nb) * sizeof *scratch);
    if (!scratch)
        return -ENOMEM;
    uint64_t stride = (uint64_t)na + nb;
    for (int b = 0; b < resamples; b++) {
        uint64_t base = (uint64_t)b * stride;
        double num = cb_resample_median(r->b.wall, nb, key, base, scratch);
        double den = cb_resample_median(r->a.wall, na, key, base + nb, scratch);
        rep[b] = num / den;
    }
    free(scratch);
    return 0;
}

/* The speedup ratio's interval: (med(Bseq*) / med(Bp*)) / (med(Aseq*) / med(Ap*)). */
static int speedup_interval(struct row *r, int resamples, uint64_t key)
{
    const double *x[4] = { r->a.seq_wall, r->a.wall, r->b.seq_wall, r->b.wall };
    size_t n[4] = { r->a.seq_n, r->a.n, r->b.seq_n, r->b.n }, big = 0;
    uint64_t stride = 0;
    for (int i = 0; i < 4; i++) {
        big = n[i] > big ? n[i] : big;
        stride += n[i];
    }
    double *scratch = malloc(big * sizeof *scratch);
    double *rep = malloc((size_t)resamples * sizeof *rep);
    if (!scratch || !rep) {
        free(scratch);
        free(rep);
        return -ENOMEM;
    }
    for (int b = 0; b < resamples; b++) {
        uint64_t pos = (uint64_t)b * stride;
        double m[4];
        for (int i = 0; i < 4; i++) {
            m[i] = cb_resample_median(x[i], n[i], key, pos, scratch);
            pos += n[i];
        }
        rep[b] = (m[2] / m[3]) / (m[0] / m[1]);
    }
    interval(rep, (size_t)resamples, &r->slo, &r->shi);
    free(scratch);
    free(rep);
    return 0;
}

static const char *verdict(double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        return "few-samples";
    return hi < 1 ? "b-faster" : lo > 1 ? "a-faster" : "same";
}

static int compute_row(struct row *r, int resamples, uint64_t seed)
{
    r->ta = cb_median(r->a.wall, r->a.n);
    r->tb = cb_median(r->b.wall, r->b.n);
    r->t = r->tb / r->ta;
    r->tlo = r->thi = NAN;
    if (r->a.n >= 2 && r->b.n >= 2) {
        if (!(r->trep = malloc((size_t)resamples * sizeof *r->trep)))
            return -ENOMEM;
        int rc = time_replicates(r, resamples, point_key(seed, "machines-time", &r->a),
                                 r->trep);
        if (rc < 0)
            return rc;
        double *sorted = malloc((size_t)resamples * sizeof *sorted);
        if (!sorted)
            return -ENOMEM;
        memcpy(sorted, r->trep, (size_t)resamples * sizeof *sorted);
        interval(sorted, (size_t)resamples, &r->tlo, &r->thi);
        free(sorted);
    }
    r->sa = r->sb = r->s = r->slo = r->shi = NAN;
    if (r->a.is_seq && r->b.is_seq) {
        r->sa = r->sb = r->s = r->slo = r->shi = 1.0;
    } else if (r->a.seq_wall && r->b.seq_wall && !r->a.is_seq && !r->b.is_seq) {
        r->sa = cb_median(r->a.seq_wall, r->a.seq_n) / r->ta;
        r->sb = cb_median(r->b.seq_wall, r->b.seq_n) / r->tb;
        r->s = r->sb / r->sa;
        if (r->a.n >= 2 && r->b.n >= 2 && r->a.seq_n >= 2 && r->b.seq_n >= 2)
            return speedup_interval(r, resamples, point_key(seed, "machines-speedup", &r->a));
    }
    return 0;
}

/* "series p=N" added to a ';'-separated list (left out whole when it does not fit). */
static void list_add(char *list, const struct row *r)
{
    char item[160];
    snprintf(item, sizeof item, "%s p=%d", r->a.series, r->a.workers);
    size_t used = strlen(list);
    if (used + 1 + strlen(item) < LIST_LEN)
        snprintf(list + used, LIST_LEN - used, "%s%s", used ? ";" : "", item);
}

/* The summary row of rows[0..n), one kernel and size. */
static int kernel_row(FILE *f, struct row *rows, size_t n, int resamples)
{
    size_t np1 = 0, with_rep = 0;
    double logsum = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].a.workers == 1) {
            np1++;
            logsum += log(rows[i].t);
            with_rep += rows[i].trep != NULL;
        }
    double g = np1 ? exp(logsum / (double)np1) : NAN, glo = NAN, ghi = NAN;
    if (np1 && with_rep == np1) {
        double *rep = malloc((size_t)resamples * sizeof *rep);
        if (!rep)
            return -ENOMEM;
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                if (rows[i].a.workers == 1)
                    s += log(rows[i].trep[b]);
            rep[b] = exp(s / (double)np1);
        }
        interval(rep, (size_t)resamples, &glo, &ghi);
        free(rep);
    }
    static char better_b[LIST_LEN], better_a[LIST_LEN];
    better_b[0] = better_a[0] = '\0';
    size_t scaled = 0;
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        if (r->a.workers <= 1 || isnan(r->slo) || isnan(r->shi))
            continue;
        scaled++;
        if (r->slo > 1)
            list_add(better_b, r);
        else if (r->shi < 1)
            list_add(better_a, r);
    }
    const char *scaling = !scaled ? "not-compared"
                        : better_a[0] && better_b[0] ? "mixed"
                        : better_b[0] ? "b-scales-better"
                        : better_a[0] ? "a-scales-better" : "scales-same";
    fprintf(f, "%s,%llu,%zu", rows[0].a.kernel, (unsigned long long)rows[0].a.size, np1);
    cb_put_fixed(f, 6, g);
    cb_put_fixed(f, 6, glo);
    cb_put_fixed(f, 6, ghi);
    fprintf(f, ",%s,%s,%s,%s\n", np1 ? verdict(glo, ghi) : "no-p1", scaling, better_b,
            better_a);
    return 0;
}

static int load(struct side *s, const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        cb_format_line(err, errlen, "%s: no such results folder", dir);
        return -EINVAL;
    }
    if (!S_ISDIR(st.st_mode)) {
        cb_format_line(err, errlen, "%s: a file, not a results folder", dir);
        return -EINVAL;
    }
    char raw[PATH_MAX];
    if (snprintf(raw, sizeof raw, "%s/raw", dir) >= (int)sizeof raw) {
        cb_format_line(err, errlen, "%s: path too long", dir);
        return -EINVAL;
    }
    if (stat(raw, &st) < 0 || !S_ISDIR(st.st_mode)) {
        cb_format_line(err, errlen, "%s: no raw/ folder (the raw rows the sweep keeps): not a "
                       "results folder", dir);
        return -EINVAL;
    }
    int rc = cb_sumset_create(&s->set);
    if (rc < 0) {
        cb_format_line(err, errlen, "out of memory");
        return rc;
    }
    rc = cb_sumset_add_dir(s->set, raw, err, errlen);
    if (rc == -ENOMEM)
        return rc;
    if (rc < 0)
        return -EINVAL;
    rc = cb_sumset_points(s->set, &s->n);
    if (rc < 0)
        cb_format_line(err, errlen, "out of memory");
    return rc;
}

static int same_point(const struct cb_sum_point *x, const struct cb_sum_point *y)
{
    return x->size == y->size && x->workers == y->workers &&
           strcmp(x->kernel, y->kernel) == 0 && strcmp(x->series, y->series) == 0;
}

int cb_stats_machines(int argc, char **argv, uint64_t seed, int resamples, FILE *out,
                      char *err, size_t errlen)
{
    if (argc != 2) {
        cb_format_line(err, errlen, "machines: expected two results folders, A and B (see --help)");
        return -EINVAL;
    }
    struct side a = { 0 }, b = { 0 };
    struct row *rows = NULL;
    size_t nrows = 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    int rc = load(&a, argv[0], err, errlen);
    if (rc == 0)
        rc = load(&b, argv[1], err, errlen);
    if (rc < 0)
        goto out;
    rc = -ENOMEM;
    if (!(rows = calloc(a.n ? a.n : 1, sizeof *rows)))
        goto nomem;
    for (size_t i = 0; i < a.n; i++) {
        struct row *r = &rows[nrows];
        cb_sumset_point(a.set, i, &r->a);
        for (size_t j = 0; j < b.n; j++) {
            cb_sumset_point(b.set, j, &r->b);
            if (same_point(&r->a, &r->b)) {
                nrows++;
                break;
            }
        }
    }
    if (nrows == 0) {
        cb_format_line(err, errlen, "%s and %s have no point (kernel, size, series, workers) in "
                       "common: nothing to compare", argv[0], argv[1]);
        rc = -EINVAL;
        goto out;
    }
    for (size_t i = 0; i < nrows; i++)
        if ((rc = compute_row(&rows[i], resamples, seed)) < 0)
            goto nomem;
    if (!(f = open_memstream(&buf, &len)))
        goto nomem;
    fputs("kernel,size,series,model,workers,a_median_s,b_median_s,time_ratio,time_ratio_lo,"
          "time_ratio_hi,a_speedup,b_speedup,speedup_ratio,speedup_ratio_lo,speedup_ratio_hi,"
          "verdict\n", f);
    for (size_t i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        fprintf(f, "%s,%llu,%s,%s,%d", r->a.kernel, (unsigned long long)r->a.size,
                r->a.series, r->a.model, r->a.workers);
        /* the medians with 9 decimals, the ratios and speedups with 6 */
        const double fig[] = { r->ta, r->tb, r->t, r->tlo, r->thi,
                               r->sa, r->sb, r->s, r->slo, r->shi };
        for (size_t j = 0; j < sizeof fig / sizeof *fig; j++)
            cb_put_fixed(f, j < 2 ? 9 : 6, fig[j]);
        fprintf(f, ",%s\n", verdict(r->tlo, r->thi));
    }
    fputs("\nkernel,size,models_p1,geomean_time_ratio_p1,geomean_lo,geomean_hi,time_verdict,"
          "scaling,b_scales_better,a_scales_better\n", f);
    for (size_t i0 = 0, i1; i0 < nrows; i0 = i1) {
        for (i1 = i0 + 1; i1 < nrows && rows[i1].a.size == rows[i0].a.size &&
                          strcmp(rows[i1].a.kernel, rows[i0].a.kernel) == 0; i1++)
            ;
        if ((rc = kernel_row(f, rows + i0, i1 - i0, resamples)) < 0)
            goto nomem;
    }
    if (fclose(f) != 0) {
        f = NULL;
        goto nomem;
    }
    f = NULL;
    rc = 0;
    /* (a failure of stdout is reported at exit: cb_close_stdout_at_exit) */
    (void)!fwrite(buf, 1, len, out);
    goto out;
nomem:
    rc = -ENOMEM;
    cb_format_line(err, errlen, "out of memory");
out:
    if (f)
        fclose(f);
    free(buf);
    for (size_t i = 0; rows && i < nrows; i++)
        free(rows[i].trep);
    free(rows);
    cb_sumset_free(a.set);
    cb_sumset_free(b.set);
    return rc;
}
