/*
 * bench-stats - every statistic the Python driver shows besides summary.csv, computed here
 * in C with the harness's own statistics (stats.h) so that no script does arithmetic on
 * measurements. Subcommands (see help() for their output):
 *
 *   engines DIR      the engines comparison's report from the CSV files in DIR/raw/
 *                    (medians with their CI, efficiency, threadpool/openmp ratios pooled
 *                    and paired by round, our matmul against OpenBLAS on one thread), to
 *                    DIR/summary.txt and stdout
 *   overlap A B      how many points of two summary.csv files have overlapping median CIs
 *   agree A B        two summary.csv files of reruns held against each other, point by
 *                    point: overlapping CIs, relative differences of the medians, verdict
 *   breakeven DIR    the break-even sizes from the CSV files in DIR/breakeven/, to
 *                    DIR/breakeven-times.csv and DIR/breakeven.csv
 *   yardstick DIR    the minimal C loop (DIR/minimal.csv) against bench-overhead at p = 1
 *                    (DIR/overhead.csv)
 *   median [FILE]    median, its CI, min and max of numbers, one per line
 *   ratio NUM DEN    the ratio of two benchmark CSVs' medians, point by point, with its
 *                    bootstrap interval
 *   verdicts DIR     the series ranked at every kernel, size and worker count, slower or
 *                    tied (Bonferroni-corrected bootstrap), and whether each keeps its
 *                    efficiency, to DIR/verdicts.csv (stats-verdicts.c, src/verdict.c)
 *   machines A B     two results folders (machines) from their raw rows: time and speedup
 *                    ratios with intervals, verdicts (stats-machines.c)
 *
 * This is a tool, not a model: it has no --model-info, so nothing that discovers models by
 * asking every bench-* binary takes it for one. Every input is read and checked before
 * anything is written; bad input gives exit status 2 and one line on stderr naming the file
 * (and line) and the problem, and nothing is written. Files are written whole
 * (cb_output_write_atomic). Numbers are printed with printf in the C locale (this program
 * never calls setlocale), so a decimal point is always a point.
 */
#define _GNU_SOURCE
#include "build_info.h"
#include "harness.h"
#include "kernel.h"
#include "options.h"
#include "output.h"
#include "stats.h"
#include "summary.h"
#include "csvread.h"
#include "stats-verdicts.h"
#include "verdict.h"
#include "stats-machines.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN 64   /* the longest model, kernel, schedule or series name read */

/* Two runs of the same settings on the same machine agree (issue 17) when at least
 * AGREE_OVERLAP_PERCENT of the points they both measured with an interval have overlapping
 * median CIs, and the median of the points' relative differences of the medians,
 * |b - a| / a, is at most AGREE_MEDIAN_REL_DIFF. */
#define AGREE_OVERLAP_PERCENT 90
#define AGREE_MEDIAN_REL_DIFF 0.02

static char err[PATH_MAX + 512]; /* the one line of a refusal */
/* stdout could not be written: its one line comes at exit (cb_close_stdout_at_exit) */
static int stdout_failed;

/* Set the refusal's line, its control characters cleaned: it quotes the files' bytes. */
static void set_err(const char *fmt, va_list ap)
{
    cb_vformat_line(err, sizeof err, fmt, ap);
}

/* Set the refusal's line and return rc. */
static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_err(fmt, ap);
    va_end(ap);
    return rc;
}

/* A bad command line: its one line on stderr, and the exit status. */
static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_err(fmt, ap);
    va_end(ap);
    fprintf(stderr, "bench-stats: %s\n", err);
    return CB_EXIT_USAGE;
}

/* The exit status of a failed step: bad input (2) unless memory or a read failed. */
static int finish_error(int rc)
{
    if (!stdout_failed)
        fprintf(stderr, "bench-stats: %s\n", err[0] ? err : strerror(-rc));
    return rc == -ENOMEM || rc == -EIO ? CB_EXIT_ERROR : CB_EXIT_USAGE;
}

static void help(void)
{
    printf("Usage: bench-stats SUBCOMMAND [ARGUMENT]... [OPTION]...\n"
           "The statistics of the suite's result files, computed with the harness's own\n"
           "(medians, order-statistics CIs, bootstrap intervals from a fixed seed: the same\n"
           "input and seed give the same bytes). Numbers are printed with %%.6g unless\n"
           "said.\n\n"
           "  engines DIR [--seed N] [--resamples N]\n"
           "      the engines comparison's report from the raw rows of DIR/raw/*.csv,\n"
           "      named rR-MODEL-SCHED-KERNEL.csv, rR-seq-KERNEL.csv, rR-blas-seq.csv and\n"
           "      rR-blas-openblas.csv (R: the round): medians of wall time with their 95%%\n"
           "      CI, efficiency T_seq / (p T_p), threadpool/openmp ratios of the pooled\n"
           "      medians and paired within rounds, our matmul against OpenBLAS on one\n"
           "      thread; written to DIR/summary.txt and printed\n"
           "  overlap A.csv B.csv\n"
           "      two summary.csv files: of the points (kernel, size, series, workers) both\n"
           "      have with a CI, how many have overlapping median CIs. CSV:\n"
           "      common,overlap,percent (percent with one decimal, empty if none common)\n"
           "  agree A.csv B.csv\n"
           "      two summary.csv files of the same settings on the same machine, point by\n"
           "      point (kernel,size,model,series,bind,schedule,chunk,start,channel,workers).\n"
           "      CSV, one row per point: row (both: a CI in both; no-ci: a side has none,\n"
           "      not counted in the figures; only-a, only-b: in one file only), the key,\n"
           "      a_median_s,a_ci_low_s,a_ci_high_s,b_median_s,b_ci_low_s,b_ci_high_s (as\n"
           "      the files wrote them), overlap (yes/no: the CIs share a point), rel_diff\n"
           "      (|b - a| / a of the medians), largest (yes: the row of max_rel_diff, the\n"
           "      first of equals). Then a blank line and the totals: points (in both),\n"
           "      compared (a CI in both), overlap, overlap_percent, no_ci, only_a, only_b,\n"
           "      median_rel_diff, max_rel_diff (over the compared points), the targets\n"
           "      target_overlap_percent (%d: at least) and target_median_rel_diff (%g: at\n"
           "      most), overlap_ok, median_ok, verdict (agree when both targets are met,\n"
           "      else disagree; disagree when no point is compared), then shift (the median\n"
           "      of b/a - 1: the machine as a whole faster or slower in B),\n"
           "      shift_same_direction (points that moved its way),\n"
           "      median_rel_diff_after_shift and max_rel_diff_after_shift (|b/a / (1 +\n"
           "      shift) - 1|: what moved on its own)\n"
           "  breakeven DIR [-q]\n"
           "      DIR/breakeven/*.csv (one run of bench-seq or of a model at one size each;\n"
           "      the series is the model, or model-START for one with a choice of start\n"
           "      method: procs-fork) to DIR/breakeven-times.csv (every size where bench-seq\n"
           "      ran, the others left out: seq ci_low / model ci_high .. seq ci_high /\n"
           "      model ci_low, the conservative speedup interval) and DIR/breakeven.csv (per\n"
           "      kernel and series, the smallest size from which on the lower bound stays\n"
           "      above 1); one line on stderr names them unless -q\n"
           "  yardstick DIR [-o FILE]\n"
           "      DIR/minimal.csv (tests/minimal-costs: op,batch,n,mean_us) against\n"
           "      DIR/overhead.csv (bench-overhead, summary rows at p = 1) for thread, fork\n"
           "      and spawn: their medians and CIs in us, the factor bench/minimal and\n"
           "      whether it is within 2x; CSV on stdout, or written to FILE\n"
           "  median [FILE|-]\n"
           "      numbers, one per line (stdin without FILE): CSV n,median,ci_low,ci_high,\n"
           "      min,max, the CI by order statistics, empty for n <= 5\n"
           "  ratio NUM.csv DEN.csv [--seed N] [--resamples N]\n"
           "      two benchmark CSVs: for every summary point (kernel, size, workers) of\n"
           "      DEN, NUM's point with the same kernel, size and workers, or NUM's only\n"
           "      worker count there (a serial baseline): median(NUM) / median(DEN) with a\n"
           "      95%% percentile bootstrap interval over the raw rows (empty when a side\n"
           "      has fewer than 2; a side without raw rows gives its summary's median).\n"
           "      CSV: kernel,size,workers_num,workers_den,n_num,n_den,median_num_s,\n"
           "      median_den_s,ratio,ci_low,ci_high\n",
           AGREE_OVERLAP_PERCENT, AGREE_MEDIAN_REL_DIFF);
    printf("  verdicts DIR [-o FILE] [--seed N] [--resamples N] [--tie FRACTION] [-q]\n"
           "      the raw rows of DIR/raw/*.csv pooled as bench-summary pools them, judged;\n"
           "      written to DIR/verdicts.csv (FILE; '-': stdout). CSV: kind,kernel,size,\n"
           "      workers,series,model,rank,median_s,ci_low_s,ci_high_s,ratio,ratio_lo,\n"
           "      ratio_hi,verdict,detail. kind=rank: at each kernel, size and workers every\n"
           "      series measured there (bench-seq at p = 1) by median wall time, rank 1 the\n"
           "      fastest (ratio 1, verdict fastest); the others' ratio median/fastest's with\n"
           "      a percentile bootstrap interval (both sides resampled), Bonferroni-corrected\n"
           "      over the m comparisons in the file (the rank rows not fastest): level\n"
           "      1 - %g/m. slower when ratio_lo > 1 and ratio >= 1 + tie (default %g: a\n"
           "      smaller difference is a tie however significant), else tie; detail\n"
           "      m=M;level=L, with no-ci; first when a side has fewer than %d samples (no\n"
           "      interval, a tie). kind=scaling: each parallel series at p > 1: ratio is\n"
           "      the efficiency T_seq / (p T_p) with summary.csv's 95%% interval (not\n"
           "      corrected), holds (lo >= %g), drops (hi < %g) or unclear; detail\n"
           "      oversubscribed when p exceeds the PUs. kind=scaling-summary, one per\n"
           "      series: workers the largest p up to which every p holds (0: none),\n"
           "      holds-to-p or drops-beyond-p, detail in words. Without bench-seq: no\n"
           "      scaling rows, a note on stderr. Median and CI as summary.csv's (CI empty\n"
           "      for n <= 5); a closing line on stderr unless -q\n\n",
           CB_VERDICT_ALPHA, CB_VERDICT_TIE, CB_VERDICT_MIN_N, CB_VERDICT_EFFICIENCY,
           CB_VERDICT_EFFICIENCY);
    fputs(CB_MACHINES_HELP "      --seed N, --resamples N as for ratio\n\n", stdout);
    printf("      --seed N        bootstrap seed (default %d)\n"
           "      --resamples N   bootstrap resamples, 100 to 1000000 (default %d)\n"
           "      --tie FRACTION  verdicts: the smallest difference that is not a tie\n"
           "                      (default %g)\n"
           "  -h, --help          this text\n"
           "  -V, --version       version and build\n\n"
           "Exit status: 0 success, 1 system error, 2 bad command line or bad input (one line\n"
           "names the file and the problem; nothing is written).\n",
           CB_SUM_SEED, CB_SUM_RESAMPLES, CB_VERDICT_TIE);
}

/* --- reading CSV files ------------------------------------------------------------------- */

/* A CSV file in memory: the header and every row, each an array of fields in one block. */
struct table {
    const char *path;
    char **hdr;
    size_t nh;
    char ***row;
    size_t *line;  /* each row's line number in the file */
    size_t n, cap;
};

static void table_free(struct table *t)
{
    free(t->hdr);
    for (size_t i = 0; i < t->n; i++)
        free(t->row[i]);
    free(t->row);
    free(t->line);
    memset(t, 0, sizeof *t);
}

/* The n fields as one allocation: the pointers, then the strings. NULL if out of memory. */
static char **copy_fields(char *const *f, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(f[i]) + 1;
    char **out = malloc(n * sizeof *out + len);
    if (!out)
        return NULL;
    char *p = (char *)(out + n);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(f[i]) + 1;
        memcpy(p, f[i], l);
        out[i] = p;
        p += l;
    }
    return out;
}

/* The refusal's line for what cb_csv_read returned (rc < 0) at line lineno of path; a
 * first line that cannot be read is "not a KIND" (kind NULL: past the header). Returns
 * -EINVAL for bad input, rc for a system error. */
static int read_error(int rc, const char *path, size_t lineno, const char *kind)
{
    if (rc == -ENOMEM || rc == -EIO)
        return fail(rc, "%s: %s", path, rc == -ENOMEM ? "out of memory" : "read error");
    if (kind)
        return fail(-EINVAL, "%s: not a %s", path, kind);
    if (rc == -E2BIG)
        return fail(-EINVAL, "%s:%zu: line longer than %u bytes: not a result file", path,
                    lineno, CB_CSV_MAX_LINE);
    return fail(-EINVAL, "%s:%zu: malformed CSV line (unbalanced quote or binary data)", path,
                lineno);
}

/* Read path whole into t. A file whose first line is missing or cannot be read is "not a
 * KIND". Returns 0 or -errno with the refusal's line set. */
static int table_load(struct table *t, const char *path, const char *kind)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    struct cb_csv c;
    int rc = cb_csv_open(&c, path);
    if (rc == -EISDIR || rc == -ENODEV)
        return fail(rc, "%s: %s, not a CSV file", path,
                    rc == -EISDIR ? "a folder" : "not a regular file");
    if (rc < 0)
        return fail(rc, "%s: cannot read: %s", path, strerror(-rc));
    int said = 0; /* the refusal's line is set already */
    while ((rc = cb_csv_read(&c)) == 1) {
        if (!t->hdr) {
            if (!(t->hdr = copy_fields(c.field, c.nfield))) {
                rc = -ENOMEM;
                break;
            }
            t->nh = c.nfield;
            continue;
        }
        if (c.nfield != t->nh) {
            rc = fail(-EINVAL, "%s:%zu: %zu fields, the header has %zu", path, c.lineno,
                      c.nfield, t->nh);
            said = 1;
            break;
        }
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 64;
            char ***r = realloc(t->row, cap * sizeof *r);
            if (r)
                t->row = r;
            size_t *l = r ? realloc(t->line, cap * sizeof *l) : NULL;
            if (!l) {
                rc = -ENOMEM;
                break;
            }
            t->line = l;
            t->cap = cap;
        }
        if (!(t->row[t->n] = copy_fields(c.field, c.nfield))) {
            rc = -ENOMEM;
            break;
        }
        t->line[t->n++] = c.lineno;
    }
    size_t lineno = c.lineno;
    cb_csv_close(&c);
    if (rc == 0 && !t->hdr)
        rc = fail(-EINVAL, "%s: not a %s: an empty file", path, kind);
    else if (rc < 0 && !said)
        rc = read_error(rc, path, lineno, t->hdr ? NULL : kind);
    if (rc < 0)
        table_free(t);
    return rc;
}

/* The indices of the named columns (NULL-terminated names) in idx; a missing one refuses
 * the file as "not a KIND". */
static int columns(const struct table *t, const char *kind, const char *const *names, int *idx)
{
    for (int i = 0; names[i]; i++)
        if ((idx[i] = cb_csv_index(t->hdr, t->nh, names[i])) < 0)
            return fail(-EINVAL, "%s: not a %s (no column '%s')", t->path, kind, names[i]);
    return 0;
}

#define BENCH_CSV "benchmark CSV"
#define BENCH_WHAT BENCH_CSV " (no header row,model,kernel,...)"

/* A benchmark binary's CSV (harness.c's header, old or new): loaded, its header checked,
 * the indices of the columns named in need (NULL-terminated) in idx. */
static int bench_load(struct table *t, const char *path, const char *const *need, int *idx)
{
    int rc = table_load(t, path, BENCH_WHAT);
    if (rc < 0)
        return rc;
    if (t->nh < 3 || strcmp(t->hdr[0], "row") != 0 || strcmp(t->hdr[1], "model") != 0 ||
        strcmp(t->hdr[2], "kernel") != 0)
        rc = fail(-EINVAL, "%s: not a " BENCH_WHAT, path);
    else
        rc = columns(t, BENCH_CSV, need, idx);
    if (rc < 0)
        table_free(t);
    return rc;
}

/* Field f of row r as a name: printable ASCII without blanks, commas or quotes, at most
 * NAME_MAX_LEN characters (empty if allow_empty), since it is written back unquoted. */
static int name_field(const struct table *t, size_t r, int f, int allow_empty)
{
    const char *s = t->row[r][f];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (*p <= 0x20 || *p >= 0x7f || *p == ',' || *p == '"')
            n = NAME_MAX_LEN + 1;
    if ((n == 0 && !allow_empty) || n > NAME_MAX_LEN)
        return fail(-EINVAL, "%s:%zu: %s '%s' is not a name", t->path, t->line[r],
                    t->hdr[f], s);
    return 0;
}

/* Field f of row r as a plain decimal count (a size, a worker count) from min. */
static int count_field(const struct table *t, size_t r, int f, uint64_t min, uint64_t *v)
{
    if (cb_parse_dec(t->row[r][f], UINT64_MAX, v) < 0 || *v < min)
        return fail(-EINVAL, "%s:%zu: %s '%s' is not a count from %llu", t->path, t->line[r],
                    t->hdr[f], t->row[r][f], (unsigned long long)min);
    return 0;
}

/* Field f of row r as a number; empty gives NaN when allow_empty. A time (positive) when
 * positive is set. */
static int number_field(const struct table *t, size_t r, int f, int allow_empty, int positive,
                        double *v)
{
    const char *s = t->row[r][f];
    if (!*s && allow_empty) {
        *v = NAN;
        return 0;
    }
    if (cb_parse_number(s, v) < 0 || (positive && !(*v > 0)))
        return fail(-EINVAL, "%s:%zu: %s '%s' is not a %s", t->path, t->line[r], t->hdr[f], s,
                    positive ? "positive number" : "number");
    return 0;
}

/* What a field must hold. */
enum { R_NAME, R_NAME_OR_EMPTY, R_COUNT, R_TIME, R_TIME_OR_EMPTY };
struct rule {
    int col;   /* the field's index in the row */
    int kind;
    void *out; /* where its value goes: a uint64_t (count), a double (time); or NULL */
};

/* Check row r's fields against the rules, in their order: the first that fails refuses the
 * file, naming the line. */
static int check_row(const struct table *t, size_t r, const struct rule *rule, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct rule *u = &rule[i];
        uint64_t count = 0;
        double time = 0;
        int named = u->kind == R_NAME || u->kind == R_NAME_OR_EMPTY;
        int rc = named ? name_field(t, r, u->col, u->kind == R_NAME_OR_EMPTY)
               : u->kind == R_COUNT ? count_field(t, r, u->col, 1, &count)
               : number_field(t, r, u->col, u->kind == R_TIME_OR_EMPTY, 1, &time);
        if (rc < 0)
            return rc;
        if (u->out && u->kind == R_COUNT)
            *(uint64_t *)u->out = count;
        else if (u->out && !named)
            *(double *)u->out = time;
    }
    return 0;
}

/* A folder that must exist: "DIR: no such folder" otherwise. */
static int need_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(-EINVAL, "%s: no such folder", dir);
    return 0;
}

/* The CSV files of DIR/SUB, sorted by name: "DIR: no such folder", "DIR: no SUB/ folder"
 * or "DIR/SUB: no CSV" when there is none. */
static int sub_files(const char *dir, const char *sub, char ***files, size_t *n)
{
    char path[PATH_MAX];
    struct stat st;
    *files = NULL;
    *n = 0;
    if (need_dir(dir) < 0)
        return -EINVAL;
    if (snprintf(path, sizeof path, "%s/%s", dir, sub) >= (int)sizeof path)
        return fail(-EINVAL, "%s: path too long", dir);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(-EINVAL, "%s: no %s/ folder", dir, sub);
    int rc = cb_csv_list(path, files, n);
    if (rc < 0)
        return fail(rc == -ENOMEM ? rc : -EINVAL, "%s: %s", path, strerror(-rc));
    if (*n == 0)
        return fail(-EINVAL, "%s: no CSV", path);
    return 0;
}

/* A growing array of doubles. */
struct vec {
    double *v;
    size_t n, cap;
};

static int vec_push(struct vec *a, double x)
{
    double *v = cb_grow(a->v, &a->cap, a->n, sizeof *v, 16);
    if (!v)
        return -ENOMEM;
    a->v = v;
    a->v[a->n++] = x;
    return 0;
}

/* The bootstrap stream of one comparison: FNV-1a over a tag and the strings that name it,
 * so an interval depends only on its own data, never on what else the files hold. */
static uint64_t stream_key(uint64_t seed, const char *tag, const char *const *parts, int n)
{
    const char *all[8] = { tag };
    for (int i = 0; i < n && i < 7; i++)
        all[i + 1] = parts[i];
    return cb_stream_key(seed, all, (size_t)(n < 7 ? n : 7) + 1);
}

/* Everything written goes through a memory stream first: nothing appears until it is all
 * computed. */
struct text {
    char *buf;
    size_t len;
    FILE *f;
};

static int text_open(struct text *t)
{
    memset(t, 0, sizeof *t);
    t->f = open_memstream(&t->buf, &t->len);
    return t->f ? 0 : fail(-ENOMEM, "out of memory");
}

/* Close the stream; 0, or -ENOMEM if some write failed. */
static int text_close(struct text *t)
{
    int bad = ferror(t->f);
    bad |= fclose(t->f) != 0;
    t->f = NULL;
    return bad ? fail(-ENOMEM, "out of memory") : 0;
}

static int write_out(const char *path, const struct text *t)
{
    if (!path) {
        if (cb_output_commit(NULL, t->buf, t->len) < 0) {
            stdout_failed = 1;
            return -EIO;
        }
        return 0;
    }
    int rc = cb_output_write_atomic(path, t->buf, t->len);
    return rc < 0 ? fail(-EIO, "cannot write %s: %s", path, strerror(-rc)) : 0;
}

/* --- engines ----------------------------------------------------------------------------- */

/* One configuration of the engines' runs: its raw wall times pooled and per round. */
struct ekey {
    char *f[5];         /* model, kernel, size, sched ("-" for seq and openblas), p */
    char *chunk;        /* the chunk of its first row ("" for none) */
    int p;
    struct vec all;
    uint64_t *round;    /* the rounds it ran in, first seen first */
    struct vec *per;    /* per[i]: the samples of round[i] */
    size_t nr, rcap;
};

struct engines {
    struct ekey *k;
    size_t n, cap;
    char blas_n[32];    /* the order of the one-thread BLAS comparison, "" if none */
};

static void engines_free(struct engines *e)
{
    for (size_t i = 0; i < e->n; i++) {
        struct ekey *k = &e->k[i];
        for (int j = 0; j < 5; j++)
            free(k->f[j]);
        free(k->chunk);
        free(k->all.v);
        for (size_t r = 0; r < k->nr; r++)
            free(k->per[r].v);
        free(k->round);
        free(k->per);
    }
    free(e->k);
}

static struct ekey *ekey_find(const struct engines *e, const char *const *f)
{
    for (size_t i = 0; i < e->n; i++) {
        int same = 1;
        for (int j = 0; j < 5 && same; j++)
            same = strcmp(e->k[i].f[j], f[j]) == 0;
        if (same)
            return &e->k[i];
    }
    return NULL;
}

static struct ekey *ekey_get(struct engines *e, const char *const *f, const char *chunk)
{
    struct ekey *k = ekey_find(e, f);
    if (k)
        return k;
    struct ekey *nk = cb_grow(e->k, &e->cap, e->n, sizeof *nk, 64);
    if (!nk)
        return NULL;
    e->k = nk;
    k = &e->k[e->n];
    memset(k, 0, sizeof *k);
    for (int j = 0; j < 6; j++) {
        char *copy = strdup(j < 5 ? f[j] : chunk);
        if (!copy) {
            for (int i = 0; i < 5; i++)
                free(k->f[i]);
            memset(k, 0, sizeof *k);
            return NULL;
        }
        *(j < 5 ? &k->f[j] : &k->chunk) = copy;
    }
    k->p = atoi(f[4]);
    e->n++;
    return k;
}

/* Add a sample of round r (0: the file name names no round). */
static int ekey_add(struct ekey *k, uint64_t r, int has_round, double wall)
{
    if (vec_push(&k->all, wall) < 0)
        return -ENOMEM;
    if (!has_round)
        return 0;
    size_t i = 0;
    while (i < k->nr && k->round[i] != r)
        i++;
    if (i == k->nr) {
        if (k->nr == k->rcap) {
            size_t cap = k->rcap ? 2 * k->rcap : 8;
            uint64_t *nr = realloc(k->round, cap * sizeof *nr);
            if (!nr)
                return -ENOMEM;
            k->round = nr;
            struct vec *np = realloc(k->per, cap * sizeof *np);
            if (!np)
                return -ENOMEM;
            k->per = np;
            k->rcap = cap;
        }
        k->round[i] = r;
        memset(&k->per[i], 0, sizeof k->per[i]);
        k->nr++;
    }
    return vec_push(&k->per[i], wall);
}

/* The round in a file name rR-...: its number in *r; 0 when the name has none. */
static int round_of(const char *path, uint64_t *r)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (base[0] != 'r')
        return 0;
    size_t d = strspn(base + 1, "0123456789");
    char num[24];
    if (d == 0 || d >= sizeof num || base[1 + d] != '-')
        return 0;
    memcpy(num, base + 1, d);
    num[d] = '\0';
    return cb_parse_dec(num, UINT64_MAX, r) == 0;
}

static int is_blas_file(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    uint64_t r;
    if (!round_of(base, &r))
        return 0;
    const char *dash = strchr(base, '-');
    return strncmp(dash, "-blas-", 6) == 0;
}

static int engines_add_file(struct engines *e, const char *path)
{
    static const char *const need[] = { "row", "model", "kernel", "size", "workers", "schedule",
                                        "chunk", "wall_s", NULL };
    enum { C_ROW, C_MODEL, C_KERNEL, C_SIZE, C_WORKERS, C_SCHED, C_CHUNK, C_WALL };
    struct table t;
    int c[8];
    int rc = bench_load(&t, path, need, c);
    if (rc < 0)
        return rc;
    uint64_t round = 0;
    int has_round = round_of(path, &round), blas = is_blas_file(path);
    for (size_t r = 0; r < t.n && rc == 0; r++) {
        char **f = t.row[r];
        if (strcmp(f[c[C_ROW]], "raw") != 0)
            continue;
        uint64_t size, p;
        double wall;
        const struct rule rules[] = {
            { c[C_MODEL], R_NAME, NULL },          { c[C_KERNEL], R_NAME, NULL },
            { c[C_SCHED], R_NAME_OR_EMPTY, NULL }, { c[C_CHUNK], R_NAME_OR_EMPTY, NULL },
            { c[C_SIZE], R_COUNT, &size },         { c[C_WORKERS], R_COUNT, &p },
            { c[C_WALL], R_TIME, &wall },
        };
        if ((rc = check_row(&t, r, rules, sizeof rules / sizeof rules[0])) < 0)
            break;
        if (p > CB_MAX_WORKERS) {
            rc = fail(-EINVAL, "%s:%zu: workers '%s' is not a count from 1 to %d", path,
                      t.line[r], f[c[C_WORKERS]], CB_MAX_WORKERS);
            break;
        }
        const char *model = f[c[C_MODEL]];
        int serial = strcmp(model, "seq") == 0 || strcmp(model, "openblas") == 0;
        char sizebuf[24], pbuf[24];
        snprintf(sizebuf, sizeof sizebuf, "%llu", (unsigned long long)size);
        snprintf(pbuf, sizeof pbuf, "%llu", (unsigned long long)p);
        const char *key[5] = { model, f[c[C_KERNEL]], sizebuf, serial ? "-" : f[c[C_SCHED]],
                               pbuf };
        struct ekey *k = ekey_get(e, key, f[c[C_CHUNK]]);
        if (!k || ekey_add(k, round, has_round, wall) < 0) {
            rc = fail(-ENOMEM, "%s: out of memory", path);
            break;
        }
        /* the one-thread BLAS comparison: its order is the one its files hold */
        if (blas)
            snprintf(e->blas_n, sizeof e->blas_n, "%s", sizebuf);
    }
    table_free(&t);
    return rc;
}

static double median_of(const struct vec *v)
{
    return cb_median(v->v, v->n);
}

/* For a threadpool configuration, OpenMP's at the same kernel, size, schedule and p. */
static const struct ekey *openmp_twin(const struct engines *e, const struct ekey *k)
{
    const char *o[5] = { "openmp", k->f[1], k->f[2], k->f[3], k->f[4] };
    return strcmp(k->f[0], "threadpool") == 0 ? ekey_find(e, o) : NULL;
}

/* The medians table: every configuration with its order-statistics CI. */
static int report_medians(const struct engines *e, FILE *f)
{
    fprintf(f, "== medians of wall time, s (95%% CI of the median by order statistics)\n");
    fprintf(f, "%-10s %-7s %-9s %-7s %-8s %3s %4s %10s %10s %10s\n", "model", "kernel", "size",
            "sched", "chunk", "p", "n", "median", "ci_low", "ci_high");
    for (size_t i = 0; i < e->n; i++) {
        const struct ekey *k = &e->k[i];
        double *s = malloc(k->all.n * sizeof *s), lo, hi;
        if (!s)
            return fail(-ENOMEM, "out of memory");
        memcpy(s, k->all.v, k->all.n * sizeof *s);
        cb_sort_doubles(s, k->all.n);
        cb_median_ci_sorted(s, k->all.n, &lo, &hi);
        fprintf(f, "%-10s %-7s %-9s %-7s %-8s %3s %4zu %10.4f %10.4f %10.4f\n", k->f[0],
                k->f[1], k->f[2], k->f[3], *k->chunk ? k->chunk : "-", k->f[4], k->all.n,
                cb_quantile_sorted(s, k->all.n, 0.5), lo, hi);
        free(s);
    }
    return 0;
}

/* Efficiency against bench-seq in the same run, for the threadpool and OpenMP. */
static int report_efficiency(const struct engines *e, FILE *f, uint64_t seed, int resamples)
{
    int rc = 0;
    fprintf(f, "\n== efficiency E = T_seq / (p T_p), T_seq = bench-seq in this run [95%% "
            "bootstrap CI]\n");
    fprintf(f, "%-10s %-7s %-7s %3s %10s %10s %6s %17s\n", "model", "kernel", "sched", "p",
            "T_seq", "T_p", "E", "CI");
    for (size_t i = 0; i < e->n && rc == 0; i++) {
        const struct ekey *k = &e->k[i];
        if (strcmp(k->f[0], "threadpool") != 0 && strcmp(k->f[0], "openmp") != 0)
            continue;
        const char *sk[5] = { "seq", k->f[1], k->f[2], "-", "1" };
        const struct ekey *s = ekey_find(e, sk);
        if (!s)
            continue;
        double r, lo, hi;
        rc = cb_boot_ratio(s->all.v, s->all.n, k->all.v, k->all.n, resamples,
                           stream_key(seed, "efficiency", (const char *const *)k->f, 5), &r,
                           &lo, &hi);
        fprintf(f, "%-10s %-7s %-7s %3s %10.4f %10.4f %6.3f   [%.3f, %.3f]\n", k->f[0],
                k->f[1], k->f[3], k->f[4], median_of(&s->all), median_of(&k->all), r / k->p,
                lo / k->p, hi / k->p);
    }
    return rc;
}

/* Threadpool against OpenMP at the same configuration, over all runs. */
static int report_ratios(const struct engines *e, FILE *f, uint64_t seed, int resamples)
{
    int rc = 0;
    fprintf(f, "\n== threadpool / openmp: ratio of median times, same kernel, size, schedule, "
            "chunk, p [95%% bootstrap CI]\n");
    fprintf(f, "%-7s %-9s %-7s %3s %12s %12s %7s %17s\n", "kernel", "size", "sched", "p",
            "threadpool", "openmp", "ratio", "CI");
    for (size_t i = 0; i < e->n && rc == 0; i++) {
        const struct ekey *k = &e->k[i], *o = openmp_twin(e, k);
        if (!o)
            continue;
        double r, lo, hi;
        rc = cb_boot_ratio(k->all.v, k->all.n, o->all.v, o->all.n, resamples,
                           stream_key(seed, "ratio", (const char *const *)k->f, 5), &r, &lo,
                           &hi);
        fprintf(f, "%-7s %-9s %-7s %3s %12.4f %12.4f %7.3f   [%.3f, %.3f]\n", k->f[1], k->f[2],
                k->f[3], k->f[4], median_of(&k->all), median_of(&o->all), r, lo, hi);
    }
    return rc;
}

/* Threadpool against OpenMP round by round, so that drift between rounds cancels. */
static int report_paired(const struct engines *e, FILE *f, uint64_t seed, int resamples)
{
    int rc = 0;
    fprintf(f, "\n== threadpool / openmp, paired: in each round, the ratio of the medians of "
            "the two engines (their runs adjacent), then the median of those ratios over the "
            "rounds [95%% bootstrap CI over rounds]\n");
    fprintf(f, "%-7s %-9s %-7s %3s %6s %7s %17s\n", "kernel", "size", "sched", "p", "rounds",
            "ratio", "CI");
    for (size_t i = 0; i < e->n && rc == 0; i++) {
        const struct ekey *k = &e->k[i], *o = openmp_twin(e, k);
        if (!o)
            continue;
        struct vec pr = { 0 };
        for (size_t a = 0; a < k->nr && rc == 0; a++)
            for (size_t b = 0; b < o->nr; b++)
                if (o->round[b] == k->round[a]) {
                    if (vec_push(&pr, median_of(&k->per[a]) / median_of(&o->per[b])) < 0)
                        rc = fail(-ENOMEM, "out of memory");
                    break;
                }
        double m, lo, hi;
        if (rc == 0 && pr.n >= 2 &&
            (rc = cb_boot_median(pr.v, pr.n, resamples,
                                 stream_key(seed, "paired", (const char *const *)k->f, 5), &m,
                                 &lo, &hi)) == 0) {
            fprintf(f, "%-7s %-9s %-7s %3s %6zu %7.3f   [%.3f, %.3f]\n", k->f[1], k->f[2],
                    k->f[3], k->f[4], pr.n, m, lo, hi);
        }
        free(pr.v);
    }
    return rc;
}

/* Our matmul against OpenBLAS on one thread, when the run has both. */
static int report_blas(const struct engines *e, FILE *f, uint64_t seed, int resamples)
{
    int rc = 0;
    if (e->blas_n[0]) {
        const char *sk[5] = { "seq", "matmul", e->blas_n, "-", "1" };
        const char *ok[5] = { "openblas", "matmul", e->blas_n, "-", "1" };
        const struct ekey *s = ekey_find(e, sk), *o = ekey_find(e, ok);
        if (s && o) {
            double n = strtod(e->blas_n, NULL), fl = 2 * n * n * n / 1e9;
            double ts = median_of(&s->all), tb = median_of(&o->all), r, lo, hi;
            rc = cb_boot_ratio(o->all.v, o->all.n, s->all.v, s->all.n, resamples,
                               stream_key(seed, "blas", sk + 2, 1), &r, &lo, &hi);
            fprintf(f, "\n== matmul n=%s on one thread: our kernel (bench-seq) against "
                    "OpenBLAS (bench-openblas -w 1)\n", e->blas_n);
            fprintf(f, "ours      %8.2f GFLOP/s (median %.4g s, n %zu)\n", fl / ts, ts,
                    s->all.n);
            fprintf(f, "openblas  %8.2f GFLOP/s (median %.4g s, n %zu)\n", fl / tb, tb,
                    o->all.n);
            fprintf(f, "ours / openblas = %.3f [%.3f, %.3f]\n", r, lo, hi);
        }
    }
    return rc;
}

static int engines_report(const struct engines *e, FILE *f, uint64_t seed, int resamples)
{
    int rc = report_medians(e, f);
    if (rc == 0)
        rc = report_efficiency(e, f, seed, resamples);
    if (rc == 0)
        rc = report_ratios(e, f, seed, resamples);
    if (rc == 0)
        rc = report_paired(e, f, seed, resamples);
    if (rc == 0)
        rc = report_blas(e, f, seed, resamples);
    return rc < 0 && !err[0] ? fail(rc, "cannot compute the report: %s", strerror(-rc)) : rc;
}

/* Options shared by the subcommands that bootstrap. */
struct boot_opts {
    uint64_t seed;
    int resamples;
};

static int cmd_engines(int argc, char **argv, const struct boot_opts *bo)
{
    if (argc != 1)
        return usage("engines: expected one folder (see --help)");
    const char *dir = argv[0];
    char target[PATH_MAX];
    if (snprintf(target, sizeof target, "%s/summary.txt", dir) >= (int)sizeof target)
        return usage("%s: path too long", dir);
    char **files;
    size_t nf;
    int rc = sub_files(dir, "raw", &files, &nf);
    struct engines e = { 0 };
    for (size_t i = 0; i < nf && rc == 0; i++)
        rc = engines_add_file(&e, files[i]);
    cb_csv_list_free(files, nf);
    struct text out = { 0 };
    if (rc == 0 && (rc = text_open(&out)) == 0) {
        rc = engines_report(&e, out.f, bo->seed, bo->resamples);
        int crc = text_close(&out);
        rc = rc ? rc : crc;
    }
    engines_free(&e);
    if (rc == 0)
        rc = write_out(target, &out);
    if (rc == 0)
        rc = write_out(NULL, &out);
    free(out.buf);
    return rc < 0 ? finish_error(rc) : CB_EXIT_OK;
}

/* --- overlap ----------------------------------------------------------------------------- */

#define SUMMARY_CSV "summary.csv"

struct ci_point {
    const char *kernel, *size, *series, *workers;
    double lo, hi;
};

/* The points of a summary.csv that have a CI, the last one of a key winning. */
static int overlap_load(struct table *t, const char *path, struct ci_point **pts, size_t *n)
{
    static const char *const need[] = { "kernel", "size", "series", "workers", "ci_low_s",
                                        "ci_high_s", NULL };
    int c[6];
    *pts = NULL;
    *n = 0;
    int rc = table_load(t, path, SUMMARY_CSV " (bench-summary's output)");
    if (rc < 0)
        return rc;
    if ((rc = columns(t, SUMMARY_CSV, need, c)) < 0)
        return rc;
    if (t->n == 0)
        return fail(-EINVAL, "%s: no rows", path);
    if (!(*pts = calloc(t->n, sizeof **pts)))
        return fail(-ENOMEM, "out of memory");
    for (size_t r = 0; r < t->n; r++) {
        char **f = t->row[r];
        double lo, hi;
        if ((rc = number_field(t, r, c[4], 1, 0, &lo)) < 0 ||
            (rc = number_field(t, r, c[5], 1, 0, &hi)) < 0)
            return rc;
        if (isnan(lo) || isnan(hi))
            continue;
        struct ci_point p = { f[c[0]], f[c[1]], f[c[2]], f[c[3]], lo, hi };
        size_t i = 0;
        while (i < *n && !(strcmp((*pts)[i].kernel, p.kernel) == 0 &&
                           strcmp((*pts)[i].size, p.size) == 0 &&
                           strcmp((*pts)[i].series, p.series) == 0 &&
                           strcmp((*pts)[i].workers, p.workers) == 0))
            i++;
        (*pts)[i] = p;
        if (i == *n)
            (*n)++;
    }
    return 0;
}

static int cmd_overlap(int argc, char **argv)
{
    if (argc != 2)
        return usage("overlap: expected two summary.csv files (see --help)");
    struct table ta, tb;
    struct ci_point *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, common = 0, overlap = 0;
    memset(&tb, 0, sizeof tb);
    int rc = overlap_load(&ta, argv[0], &a, &na);
    if (rc == 0)
        rc = overlap_load(&tb, argv[1], &b, &nb);
    for (size_t i = 0; i < na && rc == 0; i++)
        for (size_t j = 0; j < nb; j++)
            if (strcmp(a[i].kernel, b[j].kernel) == 0 && strcmp(a[i].size, b[j].size) == 0 &&
                strcmp(a[i].series, b[j].series) == 0 &&
                strcmp(a[i].workers, b[j].workers) == 0) {
                common++;
                overlap += cb_intervals_overlap(a[i].lo, a[i].hi, b[j].lo, b[j].hi);
                break;
            }
    free(a);
    free(b);
    table_free(&ta);
    table_free(&tb);
    if (rc < 0)
        return finish_error(rc);
    printf("common,overlap,percent\n%zu,%zu,", common, overlap);
    if (common)
        printf("%.1f", 100.0 * (double)overlap / (double)common);
    printf("\n");
    return cb_stdout_flush() == 0 ? CB_EXIT_OK : CB_EXIT_ERROR;
}

/* --- agree ------------------------------------------------------------------------------- */

/* A point's key, in summary.csv's column names; then the medians and their CI. */
static const char *const agree_key[] = { "kernel", "size", "model", "series", "bind",
                                         "schedule", "chunk", "start", "channel", "workers",
                                         NULL };
#define AGREE_NKEY 10
enum { AG_MED = AGREE_NKEY, AG_LO, AG_HI, AG_NCOL };

struct agree_point {
    char **f;       /* the row's fields: f[c[i]] is column i of agree_key, then AG_* */
    double med, lo, hi;
    int ci;         /* has a CI */
    int matched;    /* (B's points) found in A */
};

struct agree_set {
    struct table t;
    int c[AG_NCOL];
    struct agree_point *p;
    size_t n;
};

static int agree_same(const struct agree_set *a, const struct agree_point *x,
                      const struct agree_set *b, const struct agree_point *y)
{
    for (int i = 0; i < AGREE_NKEY; i++)
        if (strcmp(x->f[a->c[i]], y->f[b->c[i]]) != 0)
            return 0;
    return 1;
}

/* A summary.csv's points: every key field a name (a count for size and workers), the
 * median a positive number, the CI both empty or both numbers with ci_low <= ci_high; a
 * point that appears twice refuses the file. */
static int agree_load(struct agree_set *s, const char *path)
{
    static const char *const need[] = { "kernel", "size", "model", "series", "bind",
                                        "schedule", "chunk", "start", "channel", "workers",
                                        "median_s", "ci_low_s", "ci_high_s", NULL };
    memset(s, 0, sizeof *s);
    int rc = table_load(&s->t, path, SUMMARY_CSV " (bench-summary's output)");
    if (rc < 0)
        return rc;
    const struct table *t = &s->t;
    if ((rc = columns(t, SUMMARY_CSV, need, s->c)) < 0)
        return rc;
    if (t->n == 0)
        return fail(-EINVAL, "%s: no rows", path);
    if (!(s->p = calloc(t->n, sizeof *s->p)))
        return fail(-ENOMEM, "out of memory");
    const int *c = s->c;
    for (size_t r = 0; r < t->n; r++) {
        struct agree_point *p = &s->p[s->n];
        uint64_t size, workers;
        const struct rule rules[] = {
            { c[0], R_NAME, NULL },          { c[1], R_COUNT, &size },
            { c[2], R_NAME, NULL },          { c[3], R_NAME, NULL },
            { c[4], R_NAME_OR_EMPTY, NULL }, { c[5], R_NAME_OR_EMPTY, NULL },
            { c[6], R_NAME_OR_EMPTY, NULL }, { c[7], R_NAME_OR_EMPTY, NULL },
            { c[8], R_NAME_OR_EMPTY, NULL }, { c[9], R_COUNT, &workers },
            { c[AG_MED], R_TIME, &p->med },
        };
        if ((rc = check_row(t, r, rules, sizeof rules / sizeof rules[0])) < 0 ||
            (rc = number_field(t, r, c[AG_LO], 1, 0, &p->lo)) < 0 ||
            (rc = number_field(t, r, c[AG_HI], 1, 0, &p->hi)) < 0)
            return rc;
        if (isnan(p->lo) != isnan(p->hi))
            return fail(-EINVAL, "%s:%zu: one bound of the median's CI without the other",
                        path, t->line[r]);
        if (p->lo > p->hi)
            return fail(-EINVAL, "%s:%zu: ci_low_s %s above ci_high_s %s", path, t->line[r],
                        t->row[r][c[AG_LO]], t->row[r][c[AG_HI]]);
        p->f = t->row[r];
        p->ci = !isnan(p->lo);
        for (size_t i = 0; i < s->n; i++)
            if (agree_same(s, &s->p[i], s, p))
                return fail(-EINVAL, "%s:%zu: a second row of the point on line %zu (%s %s "
                            "%s p=%s)", path, t->line[r], t->line[i], p->f[c[0]], p->f[c[1]],
                            p->f[c[3]], p->f[c[9]]);
        s->n++;
    }
    return 0;
}

static void agree_free(struct agree_set *s)
{
    free(s->p);
    table_free(&s->t);
}

/* One per-point row: ROW, the key (from whichever side has the point), each side's median
 * and CI as its file wrote them (empty for a side without the point), overlap, rel_diff,
 * largest. */
static void agree_row(FILE *f, const char *row, const struct agree_set *a,
                      const struct agree_point *x, const struct agree_set *b,
                      const struct agree_point *y, const char *overlap, double rel,
                      int largest)
{
    const struct agree_set *ks = x ? a : b;
    const struct agree_point *k = x ? x : y;
    fprintf(f, "%s", row);
    for (int i = 0; i < AGREE_NKEY; i++)
        fprintf(f, ",%s", k->f[ks->c[i]]);
    for (int side = 0; side < 2; side++) {
        const struct agree_set *s = side ? b : a;
        const struct agree_point *p = side ? y : x;
        for (int i = AG_MED; i < AG_NCOL; i++)
            fprintf(f, ",%s", p ? p->f[s->c[i]] : "");
    }
    fprintf(f, ",%s,", overlap);
    if (!isnan(rel))
        fprintf(f, "%.6g", rel);
    fprintf(f, ",%s\n", largest ? "yes" : "no");
}

/* agree's table: A's points in order (matched, without a CI, or only in A), then B's
 * points that A lacks */
static void agree_rows(FILE *f, const struct agree_set *a, const struct agree_set *b,
                       const struct agree_point **match, size_t largest)
{
    fprintf(f, "row");
    for (int i = 0; i < AGREE_NKEY; i++)
        fprintf(f, ",%s", agree_key[i]);
    fprintf(f, ",a_median_s,a_ci_low_s,a_ci_high_s,b_median_s,b_ci_low_s,b_ci_high_s,"
            "overlap,rel_diff,largest\n");
    for (size_t i = 0; i < a->n; i++) {
        const struct agree_point *x = &a->p[i], *y = match[i];
        if (!y)
            agree_row(f, "only-a", a, x, b, NULL, "", NAN, 0);
        else if (!x->ci || !y->ci)
            agree_row(f, "no-ci", a, x, b, y, "", fabs(y->med - x->med) / x->med, 0);
        else
            agree_row(f, "both", a, x, b, y,
                      cb_intervals_overlap(x->lo, x->hi, y->lo, y->hi) ? "yes" : "no",
                      fabs(y->med - x->med) / x->med, i == largest);
    }
    for (size_t j = 0; j < b->n; j++)
        if (!b->p[j].matched)
            agree_row(f, "only-b", a, NULL, b, &b->p[j], "", NAN, 0);
}

/* The end of agree's totals line: the machine's shift and what is left after it (rel is
 * overwritten) */
static void agree_shift(FILE *f, double *rel, const double *ratio, size_t compared)
{
    /* the machine's shift: the median of b/a - 1, how many points moved its way, and
     * the differences left once B is divided by it (a machine that ran faster or
     * slower as a whole, against points that moved on their own) */
    size_t same = 0;
    double shift = NAN, after_med = NAN, after_max = NAN;
    if (compared) {
        shift = cb_median(ratio, compared) - 1;
        after_max = 0;
        for (size_t i = 0; i < compared; i++) {
            same += (ratio[i] - 1) * shift > 0;
            rel[i] = fabs(ratio[i] / (1 + shift) - 1);
            after_max = fmax(after_max, rel[i]);
        }
        after_med = cb_median(rel, compared);
        fprintf(f, ",%.6g,%zu,%.6g,%.6g\n", shift, same, after_med, after_max);
    } else {
        fprintf(f, ",,,,\n");
    }
}

static int cmd_agree(int argc, char **argv)
{
    if (argc != 2)
        return usage("agree: expected two summary.csv files, A and B (see --help)");
    struct agree_set a, b;
    memset(&b, 0, sizeof b);
    int rc = agree_load(&a, argv[0]);
    if (rc == 0)
        rc = agree_load(&b, argv[1]);
    /* match[i]: B's point of A's point i, or NULL */
    const struct agree_point **match = rc == 0 ? calloc(a.n, sizeof *match) : NULL;
    double *rel = rc == 0 ? calloc(a.n + 1, sizeof *rel) : NULL;
    double *ratio = rc == 0 ? calloc(a.n + 1, sizeof *ratio) : NULL; /* b / a */
    if (rc == 0 && (!match || !rel || !ratio))
        rc = fail(-ENOMEM, "out of memory");
    size_t points = 0, compared = 0, overlap = 0, no_ci = 0, only_a = 0, only_b = 0;
    size_t largest = SIZE_MAX; /* A's index of the compared point with the largest rel_diff */
    double largest_rel = 0;
    for (size_t i = 0; i < a.n && rc == 0; i++) {
        for (size_t j = 0; j < b.n && !match[i]; j++)
            if (agree_same(&a, &a.p[i], &b, &b.p[j])) {
                match[i] = &b.p[j];
                b.p[j].matched = 1;
            }
        if (!match[i]) {
            only_a++;
            continue;
        }
        points++;
        const struct agree_point *x = &a.p[i], *y = match[i];
        if (!x->ci || !y->ci) {
            no_ci++;
            continue;
        }
        double d = fabs(y->med - x->med) / x->med;
        ratio[compared] = y->med / x->med;
        rel[compared++] = d;
        overlap += cb_intervals_overlap(x->lo, x->hi, y->lo, y->hi);
        if (largest == SIZE_MAX || d > largest_rel) { /* (the first of equals) */
            largest = i;
            largest_rel = d;
        }
    }
    for (size_t j = 0; j < b.n && rc == 0; j++)
        only_b += !b.p[j].matched;
    struct text out = { 0 };
    if (rc == 0 && (rc = text_open(&out)) == 0) {
        FILE *f = out.f;
        agree_rows(f, &a, &b, match, largest);
        /* the totals, after a blank line */
        cb_sort_doubles(rel, compared);
        double median = compared ? cb_quantile_sorted(rel, compared, 0.5) : NAN;
        /* (a difference printed as 0.02 meets the target of 0.02) */
        int overlap_ok = compared && overlap * 100 >= (size_t)AGREE_OVERLAP_PERCENT * compared;
        int median_ok = compared && median <= AGREE_MEDIAN_REL_DIFF * (1 + 1e-9);
        fprintf(f, "\npoints,compared,overlap,overlap_percent,no_ci,only_a,only_b,"
                "median_rel_diff,max_rel_diff,target_overlap_percent,target_median_rel_diff,"
                "overlap_ok,median_ok,verdict,shift,shift_same_direction,median_rel_diff_after_shift,"
                "max_rel_diff_after_shift\n%zu,%zu,%zu,", points, compared, overlap);
        if (compared)
            fprintf(f, "%.1f", 100.0 * (double)overlap / (double)compared);
        fprintf(f, ",%zu,%zu,%zu,", no_ci, only_a, only_b);
        if (compared)
            fprintf(f, "%.6g,%.6g", median, largest_rel);
        else
            fprintf(f, ",");
        fprintf(f, ",%d,%g,%s,%s,%s", AGREE_OVERLAP_PERCENT, AGREE_MEDIAN_REL_DIFF,
                overlap_ok ? "yes" : "no", median_ok ? "yes" : "no",
                overlap_ok && median_ok ? "agree" : "disagree");
        agree_shift(f, rel, ratio, compared);
        rc = text_close(&out);
    }
    free(match);
    free(rel);
    free(ratio);
    agree_free(&a);
    agree_free(&b);
    if (rc == 0)
        rc = write_out(NULL, &out);
    free(out.buf);
    return rc < 0 ? finish_error(rc) : CB_EXIT_OK;
}

/* --- breakeven --------------------------------------------------------------------------- */

/* One run of the break-even sweep: a kernel, a series and a size, its summary figures as
 * the binary printed them. */
struct bpoint {
    char *kernel, *series, *m, *l, *h, *path;
    uint64_t size, workers;
};

struct bset {
    struct bpoint *p;
    size_t n, cap;
};

static void bset_free(struct bset *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->p[i].kernel);
        free(b->p[i].series);
        free(b->p[i].m);
        free(b->p[i].l);
        free(b->p[i].h);
        free(b->p[i].path);
    }
    free(b->p);
}

extern const struct cb_model cb_model_seq, cb_model_threads, cb_model_threadpool,
    cb_model_procs, cb_model_procpool;

/* Does a model with this start column make a series of its own per start method? Those
 * that take --start (procs: fork and spawn) do; a model whose start is fixed (procpool
 * forks) does not, as the bash break-even sweep named them. The models built outside
 * the harness library (openmp, openblas, mpi) leave the column empty. */
static int start_names_series(const char *model, const char *start)
{
    static const struct cb_model *const known[] = { &cb_model_seq, &cb_model_threads,
                                                    &cb_model_threadpool, &cb_model_procs,
                                                    &cb_model_procpool };
    if (!*start)
        return 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i]->name, model) == 0)
            return !!(known[i]->flags & CB_MODEL_START);
    return 1;
}

static int breakeven_add_file(struct bset *b, const char *path)
{
    static const char *const need[] = { "row", "model", "kernel", "size", "workers", "start",
                                        "median_s", "ci_low_s", "ci_high_s", NULL };
    enum { C_ROW, C_MODEL, C_KERNEL, C_SIZE, C_WORKERS, C_START, C_MED, C_LO, C_HI };
    struct table t;
    int c[9];
    int rc = bench_load(&t, path, need, c);
    if (rc < 0)
        return rc;
    size_t found = 0;
    for (size_t r = 0; r < t.n && rc == 0; r++) {
        char **f = t.row[r];
        if (strcmp(f[c[C_ROW]], "summary") != 0)
            continue;
        uint64_t size, workers;
        const struct rule rules[] = {
            { c[C_MODEL], R_NAME, NULL },        { c[C_KERNEL], R_NAME, NULL },
            { c[C_START], R_NAME_OR_EMPTY, NULL }, { c[C_SIZE], R_COUNT, &size },
            { c[C_WORKERS], R_COUNT, &workers }, { c[C_MED], R_TIME, NULL },
            { c[C_LO], R_TIME_OR_EMPTY, NULL },  { c[C_HI], R_TIME_OR_EMPTY, NULL },
        };
        if ((rc = check_row(&t, r, rules, sizeof rules / sizeof rules[0])) < 0)
            break;
        found++;
        char *series;
        int qualified = start_names_series(f[c[C_MODEL]], f[c[C_START]]);
        if (asprintf(&series, qualified ? "%s-%s" : "%s", f[c[C_MODEL]], f[c[C_START]]) < 0) {
            rc = fail(-ENOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < b->n; i++)
            if (b->p[i].size == size && strcmp(b->p[i].kernel, f[c[C_KERNEL]]) == 0 &&
                strcmp(b->p[i].series, series) == 0) {
                rc = fail(-EINVAL, "%s:%zu: %s %s at size %llu measured again (also in %s)",
                          path, t.line[r], series, f[c[C_KERNEL]], (unsigned long long)size,
                          b->p[i].path);
                break;
            }
        struct bpoint *np = rc ? NULL : cb_grow(b->p, &b->cap, b->n, sizeof *np, 64);
        if (np)
            b->p = np;
        else if (rc == 0)
            rc = fail(-ENOMEM, "out of memory");
        if (rc < 0) {
            free(series);
            break;
        }
        struct bpoint *p = &b->p[b->n++];
        *p = (struct bpoint){ .kernel = strdup(f[c[C_KERNEL]]), .series = series,
                              .m = strdup(f[c[C_MED]]), .l = strdup(f[c[C_LO]]),
                              .h = strdup(f[c[C_HI]]), .path = strdup(path), .size = size,
                              .workers = workers };
        if (!p->kernel || !p->m || !p->l || !p->h || !p->path)
            rc = fail(-ENOMEM, "out of memory");
    }
    if (rc == 0 && found == 0)
        rc = fail(-EINVAL, "%s: no summary row", path);
    table_free(&t);
    return rc;
}

/* summary.csv's order (cb_point_order): the baseline's series is "seq" */
static int cmp_bpoint(const void *pa, const void *pb)
{
    const struct bpoint *a = pa, *b = pb;
    return cb_point_order(a->kernel, a->size, a->series, a->series, b->kernel, b->size,
                          b->series, b->series);
}

/* What breakeven-times.csv says of one point: its fields as written. */
struct brow {
    const struct bpoint *p, *seq;
    char sp[32], lo[32], hi[32];
};

/* %.6g of v into buf */
static void g6(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.6g", v);
}

static int breakeven_write(struct bset *b, FILE *times, FILE *be)
{
    qsort(b->p, b->n, sizeof *b->p, cmp_bpoint);
    struct brow *rows = calloc(b->n ? b->n : 1, sizeof *rows);
    if (!rows)
        return fail(-ENOMEM, "out of memory");
    size_t nrows = 0;
    fprintf(times, "kernel,series,size,workers,median_s,ci_low_s,ci_high_s,seq_median_s,"
            "seq_ci_low_s,seq_ci_high_s,speedup,speedup_lo,speedup_hi\n");
    const struct bpoint *seq = NULL;
    for (size_t i = 0; i < b->n; i++) {
        const struct bpoint *p = &b->p[i];
        if (strcmp(p->series, "seq") == 0) {
            seq = p;
            fprintf(times, "%s,seq,%llu,1,%s,%s,%s,%s,%s,%s,1,,\n", p->kernel,
                    (unsigned long long)p->size, p->m, p->l, p->h, p->m, p->l, p->h);
            continue;
        }
        /* a size where bench-seq did not run is no point of the sweep */
        if (!seq || seq->size != p->size || strcmp(seq->kernel, p->kernel) != 0)
            continue;
        struct brow *w = &rows[nrows++];
        w->p = p;
        w->seq = seq;
        double sm = strtod(seq->m, NULL), m = strtod(p->m, NULL);
        double sl = *seq->l ? strtod(seq->l, NULL) : NAN;
        double sh = *seq->h ? strtod(seq->h, NULL) : NAN;
        double l = *p->l ? strtod(p->l, NULL) : NAN, h = *p->h ? strtod(p->h, NULL) : NAN;
        /* the conservative interval; 0 where a side has no CI (n <= 5) */
        g6(w->sp, sizeof w->sp, sm / m);
        g6(w->lo, sizeof w->lo, !isnan(sl) && h > 0 ? sl / h : 0);
        g6(w->hi, sizeof w->hi, !isnan(sh) && l > 0 ? sh / l : 0);
        fprintf(times, "%s,%s,%llu,%llu,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", p->kernel, p->series,
                (unsigned long long)p->size, (unsigned long long)p->workers, p->m, p->l, p->h,
                seq->m, seq->l, seq->h, w->sp, w->lo, w->hi);
    }

    static const char method[] = "speedup lower bound = seq ci_low / model ci_high > 1 here "
                                 "and at every larger size";
    fprintf(be, "kernel,series,workers,breakeven_size,smallest_size,largest_size,seq_median_s,"
            "median_s,speedup,speedup_lo,speedup_hi,verdict,method\n");
    /* each (kernel, series) in the order the times list first shows it */
    for (size_t i = 0; i < nrows; i++) {
        const struct bpoint *p = rows[i].p;
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = !(strcmp(rows[j].p->kernel, p->kernel) == 0 &&
                      strcmp(rows[j].p->series, p->series) == 0);
        if (!first)
            continue;
        const struct brow **mine = malloc(nrows * sizeof *mine);
        if (!mine) {
            free(rows);
            return fail(-ENOMEM, "out of memory");
        }
        size_t n = 0;
        for (size_t j = i; j < nrows; j++)
            if (strcmp(rows[j].p->kernel, p->kernel) == 0 &&
                strcmp(rows[j].p->series, p->series) == 0)
                mine[n++] = &rows[j];
        /* from the largest size down: the last run of sizes whose lower bound is above 1 */
        size_t be_at = n;
        for (size_t j = n; j-- > 0 && strtod(mine[j]->lo, NULL) > 1;)
            be_at = j;
        unsigned long long workers = mine[n - 1]->p->workers;
        unsigned long long smallest = mine[0]->p->size, largest = mine[n - 1]->p->size;
        if (be_at == n) {
            fprintf(be, "%s,%s,%llu,,%llu,%llu,,,,,,not reached up to %llu,%s\n", p->kernel,
                    p->series, workers, smallest, largest, largest, method);
        } else {
            const struct brow *r = mine[be_at];
            fprintf(be, "%s,%s,%llu,%llu,%llu,%llu,%s,%s,%s,%s,%s,%s,%s\n", p->kernel,
                    p->series, workers, (unsigned long long)r->p->size, smallest, largest,
                    r->seq->m, r->p->m, r->sp, r->lo, r->hi,
                    be_at == 0 ? "at or below the smallest size swept" : "break-even", method);
        }
        free(mine);
    }
    free(rows);
    return 0;
}

static int cmd_breakeven(int argc, char **argv, int quiet)
{
    if (argc != 1)
        return usage("breakeven: expected one folder (see --help)");
    const char *dir = argv[0];
    char tpath[PATH_MAX], bpath[PATH_MAX];
    if (snprintf(tpath, sizeof tpath, "%s/breakeven-times.csv", dir) >= (int)sizeof tpath ||
        snprintf(bpath, sizeof bpath, "%s/breakeven.csv", dir) >= (int)sizeof bpath)
        return usage("%s: path too long", dir);
    char **files;
    size_t nf;
    int rc = sub_files(dir, "breakeven", &files, &nf);
    struct bset b = { 0 };
    for (size_t i = 0; i < nf && rc == 0; i++)
        rc = breakeven_add_file(&b, files[i]);
    cb_csv_list_free(files, nf);
    struct text times = { 0 }, be = { 0 };
    if (rc == 0 && (rc = text_open(&times)) == 0 && (rc = text_open(&be)) == 0) {
        rc = breakeven_write(&b, times.f, be.f);
        int c1 = text_close(&times), c2 = text_close(&be);
        rc = rc ? rc : c1 ? c1 : c2;
    } else if (times.f) {
        text_close(&times);
    }
    bset_free(&b);
    if (rc == 0)
        rc = write_out(tpath, &times);
    if (rc == 0)
        rc = write_out(bpath, &be);
    free(times.buf);
    free(be.buf);
    if (rc < 0)
        return finish_error(rc);
    if (!quiet)
        fprintf(stderr, "bench-stats: %s, %s (raw runs in %s/breakeven/)\n", bpath, tpath, dir);
    return CB_EXIT_OK;
}

/* --- yardstick --------------------------------------------------------------------------- */

static int cmd_yardstick(int argc, char **argv, const char *output)
{
    if (argc != 1)
        return usage("yardstick: expected one folder (see --help)");
    const char *dir = argv[0];
    char mpath[PATH_MAX], opath[PATH_MAX];
    if (snprintf(mpath, sizeof mpath, "%s/minimal.csv", dir) >= (int)sizeof mpath ||
        snprintf(opath, sizeof opath, "%s/overhead.csv", dir) >= (int)sizeof opath)
        return usage("%s: path too long", dir);
    static const char *const ops[] = { "thread", "fork", "spawn" };
    static const char *const mneed[] = { "op", "mean_us", NULL };
    static const char *const oneed[] = { "row", "workers", "construct", "median", "ci_low",
                                         "ci_high", NULL };
    struct table mt, ot;
    memset(&mt, 0, sizeof mt);
    memset(&ot, 0, sizeof ot);
    int mc[2], oc[6];
    struct vec v[3] = { { 0 } };
    size_t bench_row[3] = { 0 }; /* the summary row at p = 1 of each op, + 1; 0: none */
    struct stat st;
    int rc = need_dir(dir);
    if (rc == 0 && (stat(mpath, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0))
        rc = fail(-EINVAL, "%s: no minimal.csv (tests/minimal-costs' output)", dir);
    if (rc == 0 && (stat(opath, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0))
        rc = fail(-EINVAL, "%s: no overhead.csv (bench-overhead's output)", dir);
    if (rc == 0 && (rc = table_load(&mt, mpath, "minimal-costs CSV (op,batch,n,mean_us)")) == 0)
        rc = columns(&mt, "minimal-costs CSV", mneed, mc);
    for (size_t r = 0; r < mt.n && rc == 0; r++)
        for (int o = 0; o < 3; o++)
            if (strcmp(mt.row[r][mc[0]], ops[o]) == 0) {
                double x;
                if ((rc = number_field(&mt, r, mc[1], 0, 0, &x)) == 0 && vec_push(&v[o], x) < 0)
                    rc = fail(-ENOMEM, "out of memory");
            }
    if (rc == 0 &&
        (rc = table_load(&ot, opath, "bench-overhead CSV (no header row,bench,...)")) == 0)
        rc = columns(&ot, "bench-overhead CSV", oneed, oc);
    for (size_t r = 0; r < ot.n && rc == 0; r++) {
        char **f = ot.row[r];
        uint64_t p;
        if (strcmp(f[oc[0]], "summary") != 0 || cb_parse_dec(f[oc[1]], UINT64_MAX, &p) < 0 ||
            p != 1)
            continue;
        for (int o = 0; o < 3 && rc == 0; o++)
            if (strcmp(f[oc[2]], ops[o]) == 0) {
                double x;
                if ((rc = number_field(&ot, r, oc[3], 0, 0, &x)) == 0 &&
                    (rc = number_field(&ot, r, oc[4], 1, 0, &x)) == 0 &&
                    (rc = number_field(&ot, r, oc[5], 1, 0, &x)) == 0)
                    bench_row[o] = r + 1;
            }
    }
    struct text out = { 0 };
    if (rc == 0 && (rc = text_open(&out)) == 0) {
        fprintf(out.f, "op,minimal_median_us,minimal_ci_low_us,minimal_ci_high_us,"
                "minimal_batches,bench_median_us,bench_ci_low_us,bench_ci_high_us,factor,"
                "within_2x\n");
        for (int o = 0; o < 3; o++) {
            if (v[o].n == 0 || !bench_row[o])
                continue;
            char **f = ot.row[bench_row[o] - 1];
            cb_sort_doubles(v[o].v, v[o].n);
            double med = cb_quantile_sorted(v[o].v, v[o].n, 0.5), lo, hi;
            cb_median_ci_sorted(v[o].v, v[o].n, &lo, &hi);
            double factor = strtod(f[oc[3]], NULL) / med;
            fprintf(out.f, "%s,%.3f,%.3f,%.3f,%zu,%s,%s,%s,%.3f,%s\n", ops[o], med, lo, hi,
                    v[o].n, f[oc[3]], f[oc[4]], f[oc[5]], factor,
                    factor >= 0.5 && factor <= 2 ? "yes" : "no");
        }
        rc = text_close(&out);
    }
    for (int o = 0; o < 3; o++)
        free(v[o].v);
    table_free(&mt);
    table_free(&ot);
    if (rc == 0)
        rc = write_out(output, &out);
    free(out.buf);
    return rc < 0 ? finish_error(rc) : CB_EXIT_OK;
}

/* --- median ------------------------------------------------------------------------------ */

/* One line of f, without its newline, into buf[len]: its length; -1 at the end of the
 * file, -2 when it is longer than len - 1 bytes, -3 when it holds a NUL byte. */
static long get_line(FILE *f, char *buf, size_t len)
{
    size_t n = 0;
    int ch, nul = 0;
    while ((ch = getc(f)) != EOF && ch != '\n') {
        if (n + 1 >= len)
            return -2;
        nul |= ch == '\0';
        buf[n++] = (char)ch;
    }
    if (ch == EOF && n == 0)
        return -1;
    buf[n] = '\0';
    return nul ? -3 : (long)n;
}

static int cmd_median(int argc, char **argv)
{
    if (argc > 1)
        return usage("median: expected at most one file (see --help)");
    const char *path = argc == 1 ? argv[0] : "-";
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    FILE *f = stdin;
    if (strcmp(path, "-") != 0) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return usage("%s: a folder, not a file of numbers", path);
        if (!(f = fopen(path, "r")))
            return usage("%s: cannot read: %s", path, strerror(errno));
    }
    struct vec v = { 0 };
    char line[256];
    size_t lineno = 0;
    long len;
    int rc = 0;
    while (rc == 0 && (len = get_line(f, line, sizeof line)) != -1) {
        lineno++;
        if (len == -2) {
            rc = fail(-EINVAL, "%s:%zu: line longer than %zu bytes: not a number", name,
                      lineno, sizeof line - 1);
            break;
        }
        if (len == -3) {
            rc = fail(-EINVAL, "%s:%zu: binary data, not a number", name, lineno);
            break;
        }
        /* blanks around the number are allowed, a blank line is skipped */
        char *s = line + strspn(line, " \t\r");
        size_t l = strlen(s);
        while (l > 0 && strchr(" \t\r", s[l - 1]))
            s[--l] = '\0';
        if (!*s)
            continue;
        double x;
        if (cb_parse_number(s, &x) < 0)
            rc = fail(-EINVAL, "%s:%zu: '%s' is not a number", name, lineno, s);
        else if (vec_push(&v, x) < 0)
            rc = fail(-ENOMEM, "out of memory");
    }
    if (rc == 0 && ferror(f))
        rc = fail(-EIO, "%s: read error", name);
    if (f != stdin)
        fclose(f);
    struct cb_summary s;
    if (rc == 0 && v.n == 0)
        rc = fail(-EINVAL, "%s: no numbers", name);
    if (rc == 0 && cb_summarize(v.v, v.n, &s) < 0)
        rc = fail(-ENOMEM, "out of memory");
    free(v.v);
    if (rc < 0)
        return finish_error(rc);
    printf("n,median,ci_low,ci_high,min,max\n%zu,%.6g,", s.n, s.median);
    if (s.ci_valid)
        printf("%.6g,%.6g", s.ci_low, s.ci_high);
    else
        printf(",");
    printf(",%.6g,%.6g\n", s.min, s.max);
    return cb_stdout_flush() == 0 ? CB_EXIT_OK : CB_EXIT_ERROR;
}

/* --- ratio ------------------------------------------------------------------------------- */

/* One point of a benchmark CSV: its summary row and its raw samples. */
struct rpoint {
    const char *kernel;
    uint64_t size, workers;
    double summary_median;
    struct vec raw;
};

struct rset {
    struct table t;
    struct rpoint *p;
    size_t n;
};

static void rset_free(struct rset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->p[i].raw.v);
    free(s->p);
    table_free(&s->t);
}

static struct rpoint *rpoint_find(const struct rset *s, const char *kernel, uint64_t size,
                                  uint64_t workers)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i].size == size && s->p[i].workers == workers &&
            strcmp(s->p[i].kernel, kernel) == 0)
            return &s->p[i];
    return NULL;
}

static int ratio_load(struct rset *s, const char *path)
{
    static const char *const need[] = { "row", "kernel", "size", "workers", "median_s",
                                        "wall_s", NULL };
    enum { C_ROW, C_KERNEL, C_SIZE, C_WORKERS, C_MED, C_WALL };
    int c[6];
    memset(s, 0, sizeof *s);
    int rc = bench_load(&s->t, path, need, c);
    if (rc < 0)
        return rc;
    const struct table *t = &s->t;
    if (!(s->p = calloc(t->n ? t->n : 1, sizeof *s->p)))
        return fail(-ENOMEM, "out of memory");
    /* the points from the summary rows, then the raw rows into them */
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (size_t r = 0; r < t->n && rc == 0; r++) {
            char **f = t->row[r];
            int summary = strcmp(f[c[C_ROW]], "summary") == 0;
            if (summary != (pass == 0) || (!summary && strcmp(f[c[C_ROW]], "raw") != 0))
                continue;
            uint64_t size, workers;
            double x;
            const struct rule rules[] = {
                { c[C_KERNEL], R_NAME, NULL },       { c[C_SIZE], R_COUNT, &size },
                { c[C_WORKERS], R_COUNT, &workers }, { c[summary ? C_MED : C_WALL], R_TIME, &x },
            };
            if ((rc = check_row(t, r, rules, sizeof rules / sizeof rules[0])) < 0)
                break;
            struct rpoint *p = rpoint_find(s, f[c[C_KERNEL]], size, workers);
            if (summary && !p) {
                p = &s->p[s->n++];
                *p = (struct rpoint){ f[c[C_KERNEL]], size, workers, x, { 0 } };
            } else if (!summary && !p) {
                rc = fail(-EINVAL, "%s:%zu: a raw row of %s size %llu p=%llu without its "
                          "summary row", path, t->line[r], f[c[C_KERNEL]],
                          (unsigned long long)size, (unsigned long long)workers);
            } else if (!summary && vec_push(&p->raw, x) < 0) {
                rc = fail(-ENOMEM, "out of memory");
            }
        }
    if (rc == 0 && s->n == 0)
        rc = fail(-EINVAL, "%s: no summary rows", path);
    return rc;
}

static int cmd_ratio(int argc, char **argv, const struct boot_opts *bo)
{
    if (argc != 2)
        return usage("ratio: expected two benchmark CSV files, NUM and DEN (see --help)");
    struct rset num, den;
    memset(&den, 0, sizeof den);
    int rc = ratio_load(&num, argv[0]);
    if (rc == 0)
        rc = ratio_load(&den, argv[1]);
    struct text out = { 0 };
    if (rc == 0 && (rc = text_open(&out)) == 0) {
        fprintf(out.f, "kernel,size,workers_num,workers_den,n_num,n_den,median_num_s,"
                "median_den_s,ratio,ci_low,ci_high\n");
        for (size_t i = 0; i < den.n && rc == 0; i++) {
            const struct rpoint *d = &den.p[i], *n = rpoint_find(&num, d->kernel, d->size,
                                                                 d->workers);
            if (!n) { /* NUM's only worker count at this kernel and size: a baseline */
                size_t found = 0;
                for (size_t j = 0; j < num.n; j++)
                    if (num.p[j].size == d->size && strcmp(num.p[j].kernel, d->kernel) == 0) {
                        n = &num.p[j];
                        found++;
                    }
                if (found != 1)
                    continue;
            }
            double mn = n->raw.n ? cb_median(n->raw.v, n->raw.n) : n->summary_median;
            double md = d->raw.n ? cb_median(d->raw.v, d->raw.n) : d->summary_median;
            fprintf(out.f, "%s,%llu,%llu,%llu,%zu,%zu,%.6g,%.6g,%.6g,", d->kernel,
                    (unsigned long long)d->size, (unsigned long long)n->workers,
                    (unsigned long long)d->workers, n->raw.n, d->raw.n, mn, md, mn / md);
            if (n->raw.n >= 2 && d->raw.n >= 2) {
                char sz[24], wn[24], wd[24];
                snprintf(sz, sizeof sz, "%llu", (unsigned long long)d->size);
                snprintf(wn, sizeof wn, "%llu", (unsigned long long)n->workers);
                snprintf(wd, sizeof wd, "%llu", (unsigned long long)d->workers);
                const char *parts[4] = { d->kernel, sz, wn, wd };
                double r, lo, hi;
                rc = cb_boot_ratio(n->raw.v, n->raw.n, d->raw.v, d->raw.n, bo->resamples,
                                   stream_key(bo->seed, "ratio", parts, 4), &r, &lo, &hi);
                if (rc < 0)
                    fail(rc, "cannot compute the ratio: %s", strerror(-rc));
                fprintf(out.f, "%.6g,%.6g\n", lo, hi);
            } else {
                fprintf(out.f, ",\n");
            }
        }
        int crc = text_close(&out);
        rc = rc ? rc : crc;
    }
    rset_free(&num);
    rset_free(&den);
    if (rc == 0)
        rc = write_out(NULL, &out);
    free(out.buf);
    return rc < 0 ? finish_error(rc) : CB_EXIT_OK;
}

/* --- main -------------------------------------------------------------------------------- */

static void free_args(char ***args)
{
    free(*args);
}

/* The subcommands, in --help's order; verdicts is stats-verdicts.c's */
enum { S_ENGINES, S_OVERLAP, S_AGREE, S_BREAKEVEN, S_YARDSTICK, S_MEDIAN, S_RATIO, S_MACHINES,
       S_VERDICTS, S_N };
static const char *const subs[S_N] = { "engines", "overlap", "agree", "breakeven", "yardstick",
                                       "median", "ratio", "machines", "verdicts" };
/* which options each subcommand takes: s(eed) b (resamples) o(utput) q(uiet) t(ie) */
static const char *const takes[S_N] = { "sb", "", "", "q", "o", "", "sb", "sb", "sbtoq" };

/* A subcommand's command line: its options, and its arguments in order */
struct cmdline {
    struct boot_opts bo;
    double tie;
    const char *output;
    int quiet;
    char **args;
    int nargs;
};

/* A fraction for --tie: a plain number from 0 up to (not including) 1. */
static int parse_tie(const char *s, double *v)
{
    return cb_parse_number(s, v) == 0 && *v >= 0 && *v < 1 ? 0 : -EINVAL;
}

/* One option of subcommand sub, taken by it (a value checked, stored in cl); -1 to go on,
 * else the exit status of a refusal */
static int take_option(int c, struct cmdline *cl)
{
    char *end;
    switch (c) {
    case 'o':
        if (!*optarg)
            return usage("--output: empty file name");
        cl->output = optarg;
        break;
    case 'q':
        cl->quiet = 1;
        break;
    case 'b': {
        errno = 0;
        long v = strtol(optarg, &end, 10);
        if (errno || *end || !*optarg || v < 100 || v > 1000000)
            return usage("--resamples '%s': not a count from 100 to 1000000", optarg);
        cl->bo.resamples = (int)v;
        break;
    }
    case 's':
        if (cb_parse_dec(optarg, UINT64_MAX, &cl->bo.seed) < 0)
            return usage("--seed '%s': not an unsigned integer", optarg);
        break;
    case 't':
        if (parse_tie(optarg, &cl->tie) < 0)
            return usage("--tie '%s': not a fraction from 0 to below 1 (0.02: 2%%)", optarg);
        break;
    }
    return -1;
}

/* The options and arguments after the subcommand (argv[2] on): -1 to go on, else the exit
 * status (--help and --version: 0). cl->args has room for argc words. */
static int parse_cmdline(int argc, char **argv, int sub, struct cmdline *cl)
{
    /* verdicts' own: --tie, and no --version (what it has always answered) */
    static const struct option verdict_opts[] = {
        { "seed", required_argument, NULL, 's' },
        { "resamples", required_argument, NULL, 'b' },
        { "tie", required_argument, NULL, 't' },
        { "output", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    int verdicts = sub == S_VERDICTS, c, rc;
    opterr = 0;
    optind = 2;
    /* '-' first: arguments come back in order as option 1 (and "-" alone, median's stdin,
     * is an argument) */
    while ((c = getopt_long(argc, argv, verdicts ? "-:o:qh" : "-:o:qhV",
                            verdicts ? verdict_opts : cb_tool_options, NULL)) != -1) {
        if (c == 1) {
            cl->args[cl->nargs++] = optarg;
            continue;
        }
        if (c == 'h') {
            help();
            return CB_EXIT_OK;
        }
        if (c == 'V') {
            cb_tool_version("bench-stats");
            return CB_EXIT_OK;
        }
        if (c == ':' || c == '?')
            return cb_tool_bad_option(c, argv, usage);
        if (!strchr(takes[sub], c)) {
            const char *name = c == 's' ? "--seed" : c == 'b' ? "--resamples"
                             : c == 'o' ? "--output" : "--quiet";
            return usage("%s takes no option %s (see --help)", subs[sub], name);
        }
        if ((rc = take_option(c, cl)) >= 0)
            return rc;
    }
    while (optind < argc) /* after "--" */
        cl->args[cl->nargs++] = argv[optind++];
    struct stat st;
    /* (verdicts checks its own, after its folder) */
    if (!verdicts && cl->output && stat(cl->output, &st) == 0 && S_ISDIR(st.st_mode))
        return usage("--output '%s': is a folder", cl->output);
    return -1;
}

int main(int argc, char **argv)
{
    cb_close_stdout_at_exit();
    cb_output_signals();

    if (argc < 2)
        return usage("no subcommand given: engines, overlap, agree, breakeven, yardstick, "
                      "median, ratio, verdicts or machines (see --help)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        help();
        return CB_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        cb_tool_version("bench-stats");
        return CB_EXIT_OK;
    }
    if (cmd[0] == '-')
        return usage("unknown option '%s' (see --help)", cmd);
    int sub = 0;
    while (sub < S_N && strcmp(cmd, subs[sub]) != 0)
        sub++;
    if (sub == S_N)
        return usage("unknown subcommand '%s' (engines, overlap, agree, breakeven, yardstick, "
                     "median, ratio, verdicts, machines; see --help)", cmd);

    struct cmdline cl = { .bo = { CB_SUM_SEED, CB_SUM_RESAMPLES }, .tie = CB_VERDICT_TIE };
    /* freed on every way out of main, the refusals' early returns included */
    char **args __attribute__((cleanup(free_args))) = calloc((size_t)argc, sizeof *args);
    if (!args)
        return usage("out of memory");
    cl.args = args;
    int rc = parse_cmdline(argc, argv, sub, &cl);
    if (rc >= 0)
        return rc;
    struct boot_opts bo = cl.bo;
    const char *output = cl.output;
    int quiet = cl.quiet, nargs = cl.nargs;
    rc = CB_EXIT_ERROR;
    switch (sub) {
    case S_ENGINES:
        rc = cmd_engines(nargs, args, &bo);
        break;
    case S_OVERLAP:
        rc = cmd_overlap(nargs, args);
        break;
    case S_AGREE:
        rc = cmd_agree(nargs, args);
        break;
    case S_BREAKEVEN:
        rc = cmd_breakeven(nargs, args, quiet);
        break;
    case S_YARDSTICK:
        rc = cmd_yardstick(nargs, args, output);
        break;
    case S_MEDIAN:
        rc = cmd_median(nargs, args);
        break;
    case S_RATIO:
        rc = cmd_ratio(nargs, args, &bo);
        break;
    case S_VERDICTS: {
        struct cb_verdict_opts vo = { bo.resamples, bo.seed, cl.tie };
        rc = cb_stats_verdicts(nargs, args, &vo, output, quiet, usage);
        break;
    }
    case S_MACHINES:
        rc = cb_stats_machines(nargs, args, bo.seed, bo.resamples, stdout, err, sizeof err);
        rc = rc < 0 ? finish_error(rc) : CB_EXIT_OK;
        break;
    }
    return rc;
}
