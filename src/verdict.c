/*
 * verdict.c - see verdict.h.
 *
 * The points come from the summary module (summary.h): the same reading, pooling, series
 * names and order as summary.csv, so a verdict always speaks of a row summary.csv has.
 * Every interval is drawn from its own generator stream, keyed by what it compares (the
 * rank comparisons) or by summary.csv's own key (the efficiency), so a row never moves
 * when another model is added to the folder, except through m, the number of comparisons.
 */
#define _GNU_SOURCE
#include "verdict.h"

#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char cb_verdict_header[] = "kind,kernel,size,workers,series,model,rank,median_s,ci_low_s,"
                                 "ci_high_s,ratio,ratio_lo,ratio_hi,verdict,detail\n";

/* A point with what the verdicts need of it. */
struct vp {
    struct cb_sum_point p;
    size_t i;        /* its index in summary.csv's order */
    double median, ci_lo, ci_hi; /* the order-statistics CI: NaN for n <= 5 */
};

/* The rank order: kernel and size as summary.csv, then workers, then median wall time;
 * equal medians by series name, so the order never depends on the reading order. */
static int cmp_rank(const void *pa, const void *pb)
{
    const struct vp *a = pa, *b = pb;
    int c = cb_point_order(a->p.kernel, a->p.size, "", "", b->p.kernel, b->p.size, "", "");
    if (!c)
        c = (a->p.workers > b->p.workers) - (a->p.workers < b->p.workers);
    if (!c)
        c = (a->median > b->median) - (a->median < b->median);
    if (!c)
        c = strcmp(a->p.series, b->p.series);
    return c;
}

static int same_rank_set(const struct vp *a, const struct vp *b)
{
    return a->p.size == b->p.size && a->p.workers == b->p.workers &&
           strcmp(a->p.kernel, b->p.kernel) == 0;
}

/* The generator key of one comparison: FNV-1a over a tag and the names that make it (the
 * same construction as bench-stats' other streams). */
static uint64_t comparison_key(uint64_t seed, const struct vp *x, const struct vp *fastest)
{
    char num[64];
    snprintf(num, sizeof num, "%llu/%d", (unsigned long long)x->p.size, x->p.workers);
    const char *parts[] = { "verdict-rank", x->p.kernel, num, x->p.series, fastest->p.series };
    return cb_stream_key(seed, parts, sizeof parts / sizeof *parts);
}

/* ",value" with %.6g, or "," alone for a missing one. */
static void put_g(FILE *f, double v)
{
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, "%.6g", v);
}

/* The columns kind .. rank. rank 0: empty. */
static void put_key(FILE *f, const char *kind, const struct vp *x, int workers, size_t rank)
{
    fprintf(f, "%s,%s,%llu,%d,%s,%s,", kind, x->p.kernel, (unsigned long long)x->p.size,
            workers, x->p.series, x->p.model);
    if (rank)
        fprintf(f, "%zu", rank);
}

static int has_warning(const char *list, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ';');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == wl && strncmp(p, w, wl) == 0)
            return 1;
        p += l + (end ? 1 : 0);
    }
    return 0;
}

static int write_ranks(FILE *f, const struct vp *pts, size_t n, const struct cb_verdict_opts *o,
                       struct cb_verdict_counts *cnt)
{
    struct vp *by = malloc((n ? n : 1) * sizeof *by);
    if (!by)
        return -ENOMEM;
    memcpy(by, pts, n * sizeof *by);
    qsort(by, n, sizeof *by, cmp_rank);
    size_t m = 0;
    for (size_t i = 1; i < n; i++)
        m += same_rank_set(&by[i - 1], &by[i]);
    double alpha = CB_VERDICT_ALPHA / (double)(m ? m : 1);
    char level[64];
    snprintf(level, sizeof level, "m=%zu;level=%.6g", m, 1 - alpha);
    cnt->comparisons = m;

    int rc = 0;
    size_t rank = 0, fastest = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct vp *x = &by[i];
        if (i == 0 || !same_rank_set(&by[i - 1], x)) {
            rank = 0;
            fastest = i;
        }
        rank++;
        const struct vp *fa = &by[fastest];
        put_key(f, "rank", x, x->p.workers, rank);
        put_g(f, x->median);
        put_g(f, x->ci_lo);
        put_g(f, x->ci_hi);
        cnt->rank_rows++;
        if (rank == 1) {
            fprintf(f, ",1,1,1,fastest,%s\n", level);
            continue;
        }
        double ratio = x->median / fa->median, lo = NAN, hi = NAN;
        int no_ci = x->p.n < CB_VERDICT_MIN_N || fa->p.n < CB_VERDICT_MIN_N;
        if (!no_ci)
            rc = cb_boot_ratio_level(x->p.wall, x->p.n, fa->p.wall, fa->p.n, o->resamples,
                                     comparison_key(o->seed, x, fa), alpha, &ratio, &lo, &hi);
        int slower = !no_ci && lo > 1 && ratio >= 1 + o->tie;
        put_g(f, ratio);
        put_g(f, lo);
        put_g(f, hi);
        fprintf(f, ",%s,%s%s\n", slower ? "slower" : "tie", no_ci ? "no-ci;" : "", level);
        cnt->slower += slower;
        cnt->ties += !slower;
        cnt->no_ci += no_ci;
    }
    free(by);
    return rc;
}

/* One series' scaling rows have been written: its scaling-summary row. v[k] is the verdict
 * of its k-th worker count p[k] (ascending), 0 holds, 1 drops, 2 unclear. */
static void write_scaling_summary(FILE *f, const struct vp *x, const int *p, const int *v,
                                  const int *over, size_t k)
{
    size_t first_bad = 0;
    while (first_bad < k && v[first_bad] == 0)
        first_bad++;
    int upto = first_bad ? p[first_bad - 1] : 0;
    char phrase[160];
    if (first_bad == k)
        snprintf(phrase, sizeof phrase, "efficiency stays >= %g up to %d workers",
                 CB_VERDICT_EFFICIENCY, upto);
    else if (upto)
        snprintf(phrase, sizeof phrase, "efficiency stays >= %g up to %d workers and %s at %d%s",
                 CB_VERDICT_EFFICIENCY, upto,
                 v[first_bad] == 1 ? "drops below it" : "is unclear", p[first_bad],
                 over[first_bad] ? " (oversubscribed)" : "");
    else if (v[first_bad] == 1)
        snprintf(phrase, sizeof phrase, "efficiency drops below %g beyond 1 worker (at %d%s)",
                 CB_VERDICT_EFFICIENCY, p[first_bad],
                 over[first_bad] ? " oversubscribed" : "");
    else
        snprintf(phrase, sizeof phrase, "efficiency is not shown to stay >= %g beyond 1 worker "
                 "(unclear at %d%s)", CB_VERDICT_EFFICIENCY, p[first_bad],
                 over[first_bad] ? " oversubscribed" : "");
    put_key(f, "scaling-summary", x, upto, 0);
    fprintf(f, ",,,,,,,%s,%s\n", first_bad == k ? "holds-to-p" : "drops-beyond-p", phrase);
}

static int write_scaling(FILE *f, struct cb_sumset *set, const struct vp *pts, size_t n,
                         const struct cb_verdict_opts *o, struct cb_verdict_counts *cnt)
{
    int *p = malloc((n ? n : 1) * sizeof *p), *v = malloc((n ? n : 1) * sizeof *v);
    int *over = malloc((n ? n : 1) * sizeof *over);
    if (!p || !v || !over) {
        free(p);
        free(v);
        free(over);
        return -ENOMEM;
    }
    int rc = 0;
    size_t k = 0;               /* rows of the current series */
    const struct vp *cur = NULL; /* its last point */
    const struct vp *noseq = NULL; /* the last point without a baseline */
    for (size_t i = 0; i <= n && rc == 0; i++) {
        const struct vp *x = i < n ? &pts[i] : NULL;
        /* summary.csv's order keeps a series' points together, by workers */
        if (cur && k && (!x || x->p.size != cur->p.size || strcmp(x->p.kernel, cur->p.kernel) ||
                         strcmp(x->p.series, cur->p.series))) {
            write_scaling_summary(f, cur, p, v, over, k);
            cnt->series++;
            k = 0;
        }
        if (!x)
            break;
        if (strcmp(x->p.model, "seq") == 0 || x->p.workers <= 1)
            continue;
        size_t j;
        if (cb_sumset_seq_of(set, x->i, &j) < 0) {
            /* each kernel size once (points come by kernel and size) */
            if (!noseq || noseq->p.size != x->p.size || strcmp(noseq->p.kernel, x->p.kernel)) {
                char name[96];
                snprintf(name, sizeof name, "%s%s %llu", cnt->no_seq ? " " : "", x->p.kernel,
                         (unsigned long long)x->p.size);
                size_t used = strlen(cnt->no_seq_names);
                if (used + strlen(name) < sizeof cnt->no_seq_names)
                    memcpy(cnt->no_seq_names + used, name, strlen(name) + 1);
                cnt->no_seq++;
            }
            noseq = x;
            continue;
        }
        const struct vp *sq = &pts[j];
        int pw = x->p.workers;
        double S = sq->median / x->median, Slo = NAN, Shi = NAN;
        int no_ci = x->p.n < CB_VERDICT_MIN_N || sq->p.n < CB_VERDICT_MIN_N;
        if (!no_ci)
            rc = cb_boot_ratio(sq->p.wall, sq->p.n, x->p.wall, x->p.n, o->resamples,
                               cb_sumset_speedup_key(set, x->i, o->seed), &S, &Slo, &Shi);
        double E = S / pw, Elo = Slo / pw, Ehi = Shi / pw;
        int verdict = no_ci ? 2 : Elo >= CB_VERDICT_EFFICIENCY ? 0
                    : Ehi < CB_VERDICT_EFFICIENCY ? 1 : 2;
        int oversub = has_warning(x->p.warnings, "oversubscribed");
        static const char *const names[] = { "holds", "drops", "unclear" };
        put_key(f, "scaling", x, pw, 0);
        put_g(f, x->median);
        put_g(f, x->ci_lo);
        put_g(f, x->ci_hi);
        put_g(f, E);
        put_g(f, Elo);
        put_g(f, Ehi);
        fprintf(f, ",%s,%s%s%s\n", names[verdict], no_ci ? "no-ci" : "",
                no_ci && oversub ? ";" : "", oversub ? "oversubscribed" : "");
        cnt->scaling_rows++;
        cnt->holds += verdict == 0;
        cnt->drops += verdict == 1;
        cnt->unclear += verdict == 2;
        p[k] = pw;
        v[k] = verdict;
        over[k] = oversub;
        k++;
        cur = x;
    }
    free(p);
    free(v);
    free(over);
    return rc;
}

int cb_verdicts_write(struct cb_sumset *set, FILE *f, const struct cb_verdict_opts *o,
                      struct cb_verdict_counts *counts)
{
    if (o->resamples < 1 || !(o->tie >= 0 && o->tie < 1))
        return -EINVAL;
    size_t n;
    int rc = cb_sumset_points(set, &n);
    if (rc < 0)
        return rc;
    struct vp *pts = calloc(n ? n : 1, sizeof *pts);
    double *sorted = NULL;
    if (!pts)
        return -ENOMEM;
    struct cb_verdict_counts cnt;
    memset(&cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct vp *x = &pts[i];
        cb_sumset_point(set, i, &x->p);
        x->i = i;
        double *s = realloc(sorted, (x->p.n ? x->p.n : 1) * sizeof *s);
        if (!s) {
            rc = -ENOMEM;
            break;
        }
        sorted = s;
        memcpy(sorted, x->p.wall, x->p.n * sizeof *sorted);
        cb_sort_doubles(sorted, x->p.n);
        x->median = cb_quantile_sorted(sorted, x->p.n, 0.5);
        x->ci_lo = x->ci_hi = NAN;
        if (x->p.n > 5) /* as summary.csv: no CI of the median below 6 samples */
            cb_median_ci_sorted(sorted, x->p.n, &x->ci_lo, &x->ci_hi);
    }
    free(sorted);
    if (rc == 0) {
        fputs(cb_verdict_header, f);
        rc = write_ranks(f, pts, n, o, &cnt);
    }
    if (rc == 0)
        rc = write_scaling(f, set, pts, n, o, &cnt);
    free(pts);
    if (rc == 0 && ferror(f))
        rc = -EIO;
    if (rc == 0 && counts)
        *counts = cnt;
    return rc;
}
