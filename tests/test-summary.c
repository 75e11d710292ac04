/*
 * test-summary.c - the CSV reader and the sweep summary on data whose answers are known:
 * quoting, the bootstrap ratio of medians, Karp-Flatt, pooling over files, speedups,
 * warnings, and the refusal of bad input.
 */
#define _GNU_SOURCE
#include "check.h"
#include "csvread.h"
#include "noise.h"
#include "summary.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test-summary.XXXXXX";

static void test_split(void)
{
    struct cb_csv c;
    memset(&c, 0, sizeof c);
    char a[] = "a,,\"b,c\",\"say \"\"hi\"\"\",";
    CHECK(cb_csv_split(&c, a) == 0);
    CHECK_EQ_U64(c.nfield, 5);
    if (c.nfield == 5) {
        CHECK(strcmp(c.field[0], "a") == 0);
        CHECK(strcmp(c.field[1], "") == 0);
        CHECK(strcmp(c.field[2], "b,c") == 0);
        CHECK(strcmp(c.field[3], "say \"hi\"") == 0);
        CHECK(strcmp(c.field[4], "") == 0);
    }
    char b[] = "x,\"open";
    CHECK(cb_csv_split(&c, b) == -EINVAL);
    char d[] = "\"q\"tail,y";
    CHECK(cb_csv_split(&c, d) == -EINVAL);
    char e[] = "ab\"c,y";
    CHECK(cb_csv_split(&c, e) == -EINVAL);
    char *names[] = { "row", "model", "kernel" };
    CHECK(cb_csv_index(names, 3, "kernel") == 2);
    CHECK(cb_csv_index(names, 3, "size") == -1);
    cb_csv_close(&c);
}

static void test_bootstrap(void)
{
    double two[8] = { 2, 2, 2, 2, 2, 2, 2, 2 }, one[6] = { 1, 1, 1, 1, 1, 1 };
    double r, lo, hi;
    CHECK(cb_boot_ratio(two, 8, one, 6, 500, 7, &r, &lo, &hi) == 0);
    CHECK_NEAR(r, 2, 0);
    CHECK_NEAR(lo, 2, 0);
    CHECK_NEAR(hi, 2, 0);

    double x[10], y[10];
    for (int i = 0; i < 10; i++) {
        x[i] = 10 + i;       /* median 14.5 */
        y[i] = 5 + 0.1 * i;  /* median 5.45 */
    }
    CHECK(cb_boot_ratio(x, 10, y, 10, 2000, 42, &r, &lo, &hi) == 0);
    CHECK_NEAR(r, 14.5 / 5.45, 1e-12);
    CHECK(lo < r && r < hi);
    /* the extremes of any resample bound the interval */
    CHECK(lo >= 10 / 5.9 && hi <= 19 / 5.0);
    double r2, lo2, hi2;
    CHECK(cb_boot_ratio(x, 10, y, 10, 2000, 42, &r2, &lo2, &hi2) == 0);
    CHECK_NEAR(lo2, lo, 0); /* the same key: the same interval */
    CHECK_NEAR(hi2, hi, 0);
    CHECK(cb_boot_ratio(x, 0, y, 10, 2000, 42, &r, &lo, &hi) == -EINVAL);
    CHECK(cb_boot_ratio(x, 10, y, 10, 0, 42, &r, &lo, &hi) == -EINVAL);
}

static void test_karp_flatt(void)
{
    CHECK_NEAR(cb_karp_flatt(4, 4), 0, 1e-15);       /* ideal: no serial fraction */
    CHECK_NEAR(cb_karp_flatt(1, 4), 1, 1e-15);       /* no speedup: all serial */
    CHECK_NEAR(cb_karp_flatt(1.5, 2), 1.0 / 3, 1e-15);
    CHECK(isnan(cb_karp_flatt(1, 1)));
}

static const char *hdr =
    "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,reps,warmup,rep,wall_s,"
    "util,verified,seed,warnings\n";

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* raw rows of one configuration with the given wall times, and its summary row */
static void rows(char *buf, size_t len, const char *model, int p, const double *w, int n,
                 const char *verified, const char *warn)
{
    size_t used = strlen(buf);
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, len - used,
                                 "raw,%s,primes,1000,%d,none,static,,,,%d,1,%d,%.9f,0.9,%s,42,\n",
                                 model, p, n, i + 1, w[i], verified);
    snprintf(buf + used, len - used, "summary,%s,primes,1000,%d,none,static,,,,%d,1,,,,%s,42,%s\n",
             model, p, n, verified, warn);
}

/* The field `col` of the summary line whose series and workers match. */
static const char *field_of(char *out, const char *series, int p, const char *col,
                            char *val, size_t vlen)
{
    struct cb_csv c;
    memset(&c, 0, sizeof c);
    char *copy = strdup(out), *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    char *names[64];
    size_t nn = 0;
    CHECK(cb_csv_split(&c, line) == 0);
    for (size_t i = 0; i < c.nfield && i < 64; i++)
        names[nn++] = strdup(c.field[i]);
    int ci = cb_csv_index(names, nn, col), si = cb_csv_index(names, nn, "series"),
        wi = cb_csv_index(names, nn, "workers");
    val[0] = '\0';
    const char *found = NULL;
    while ((line = strtok_r(NULL, "\n", &save)) && ci >= 0) {
        CHECK(cb_csv_split(&c, line) == 0);
        if (strcmp(c.field[si], series) == 0 && atoi(c.field[wi]) == p) {
            snprintf(val, vlen, "%s", c.field[ci]);
            found = val;
        }
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(copy);
    cb_csv_close(&c);
    return found;
}

static double num_of(char *out, const char *series, int p, const char *col)
{
    char v[128];
    if (!field_of(out, series, p, col, v, sizeof v) || !*v)
        return NAN;
    return atof(v);
}

static void test_sumset(void)
{
    /* seq 1.0 s; threads: p=1 1.0 s, p=2 0.5 s (two files: pooled), p=4 0.8 s */
    static char seq[8192], thr1[8192], thr2[8192];
    double s[6] = { 1, 1, 1, 1, 1, 1 }, h[3] = { 0.5, 0.5, 0.5 }, o[6] = { .8, .8, .8, .8, .8, .8 };
    snprintf(seq, sizeof seq, "%s", hdr);
    rows(seq, sizeof seq, "seq", 1, s, 6, "yes", "loaded");
    snprintf(thr1, sizeof thr1, "%s", hdr);
    rows(thr1, sizeof thr1, "threads", 1, s, 6, "yes", "noisy");
    rows(thr1, sizeof thr1, "threads", 2, h, 3, "yes", "no-ci");
    rows(thr1, sizeof thr1, "threads", 4, o, 6, "no", "oversubscribed;unverified");
    snprintf(thr2, sizeof thr2, "%s", hdr);
    rows(thr2, sizeof thr2, "threads", 2, h, 3, "yes", "no-ci");
    put("seq.csv", seq);
    put("threads-r1.csv", thr1);
    put("threads-r2.csv", thr2);
    put(".threads-r3.csv.XYZ", "garbage");
    put("notes.txt", "not read");

    struct cb_sumset *set;
    char err[512] = "";
    CHECK(cb_sumset_create(&set) == 0);
    CHECK(cb_sumset_add_dir(set, dir, err, sizeof err) == 0);
    if (err[0])
        fprintf(stderr, "%s\n", err);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct cb_sum_counts cnt;
    CHECK(cb_sumset_write(set, f, 2000, 42, &cnt) == 0);
    fclose(f);
    cb_sumset_free(set);
    CHECK_EQ_U64(cnt.files, 3);
    CHECK_EQ_U64(cnt.points, 4);
    CHECK_EQ_U64(cnt.unverified, 1);

    CHECK_NEAR(num_of(out, "seq", 1, "speedup"), 1, 0);
    CHECK_NEAR(num_of(out, "threads", 1, "speedup"), 1, 0);
    CHECK_NEAR(num_of(out, "threads", 1, "rel_speedup_hi"), 1, 0);
    CHECK_NEAR(num_of(out, "threads", 2, "n"), 6, 0);    /* pooled over two files */
    CHECK_NEAR(num_of(out, "threads", 2, "runs"), 2, 0);
    CHECK_NEAR(num_of(out, "threads", 2, "speedup"), 2, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 2, "speedup_lo"), 2, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 2, "efficiency"), 1, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 2, "karp_flatt"), 0, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 4, "speedup"), 1.25, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 4, "efficiency_hi"), 1.25 / 4, 1e-9);
    CHECK_NEAR(num_of(out, "threads", 4, "karp_flatt"), (0.8 - 0.25) / 0.75, 1e-6);
    CHECK_NEAR(num_of(out, "threads", 4, "seq_median_s"), 1, 1e-9);
    CHECK(isnan(num_of(out, "threads", 1, "karp_flatt")));
    char v[256];
    field_of(out, "threads", 4, "verified", v, sizeof v);
    CHECK(strcmp(v, "no") == 0);
    field_of(out, "threads", 4, "warnings", v, sizeof v);
    CHECK(strcmp(v, "oversubscribed;unverified") == 0);
    /* noisy came from a run, but the pooled samples are constant: not carried */
    field_of(out, "threads", 1, "warnings", v, sizeof v);
    CHECK(strcmp(v, "") == 0);
    field_of(out, "threads", 2, "warnings", v, sizeof v);
    CHECK(strcmp(v, "") == 0); /* 6 pooled samples: a CI now */
    field_of(out, "seq", 1, "warnings", v, sizeof v);
    CHECK(strcmp(v, "loaded") == 0);
    field_of(out, "seq", 1, "size_name", v, sizeof v);
    CHECK(strcmp(v, "N") == 0);
    free(out);
}

/* Series: a chunk that only varies with p does not split a model's line; two start methods
 * measured at the same p do, and each keeps its own p = 1 base. */
static void test_series(void)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s", hdr);
    size_t used = strlen(text);
    static const struct {
        const char *model, *schedule, *chunk, *start;
        int p;
        double t;
    } r[] = {
        { "seq", "static", "", "", 1, 1.0 },
        { "pool", "dynamic", "400", "", 1, 1.0 },
        { "pool", "dynamic", "200", "", 2, 0.5 },
        { "procs", "static", "", "fork", 1, 1.0 },
        { "procs", "static", "", "fork", 2, 0.5 },
        { "procs", "static", "", "spawn", 1, 2.0 },
        { "procs", "static", "", "spawn", 2, 1.6 },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        for (int rep = 1; rep <= 6; rep++)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     "raw,%s,primes,1000,%d,none,%s,%s,%s,,6,1,%d,%.3f,1,yes,42,\n",
                                     r[i].model, r[i].p, r[i].schedule, r[i].chunk, r[i].start,
                                     rep, r[i].t);
    put("series.csv", text);
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/series.csv", dir);
    struct cb_sumset *set;
    CHECK(cb_sumset_create(&set) == 0);
    CHECK(cb_sumset_add_file(set, path, err, sizeof err) == 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(cb_sumset_write(set, f, 200, 1, NULL) == 0);
    fclose(f);
    cb_sumset_free(set);
    unlink(path);
    CHECK_NEAR(num_of(out, "pool", 2, "rel_speedup"), 2, 1e-9);
    CHECK_NEAR(num_of(out, "pool", 2, "p1_median_s"), 1, 1e-9);
    CHECK_NEAR(num_of(out, "procs-fork", 2, "rel_speedup"), 2, 1e-9);
    CHECK_NEAR(num_of(out, "procs-spawn", 2, "rel_speedup"), 1.25, 1e-9);
    CHECK_NEAR(num_of(out, "procs-spawn", 2, "speedup"), 1 / 1.6, 1e-9);
    CHECK(isnan(num_of(out, "procs", 2, "speedup"))); /* no unqualified procs line */
    free(out);
}

/* each bad file alone: refused with -EINVAL and a message naming it */
static void test_bad_input(void)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "", "empty file" },
        { "row,model\nraw,seq\n", "no column" },
        { "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,"
          "warnings\nraw,seq,primes,10,1,none,static,,,,0.5,yes\n", "fields" },
        { "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,"
          "warnings\nraw,seq,primes,10,1,none,static,,,,fast,yes,\n", "wall_s" },
        { "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,"
          "warnings\nsummary,seq,primes,10,1,none,static,,,,,yes,\n", "no raw rows" },
        { "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,"
          "warnings\nraw,seq,primes,10,0,none,static,,,,1,yes,\n", "workers" },
        { "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,wall_s,verified,"
          "warnings\nraw,seq,primes,10,1,none,\"static,,,,1,yes,\n", "malformed" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put("bad.csv", bad[i].text);
        char path[256], err[512] = "";
        snprintf(path, sizeof path, "%s/bad.csv", dir);
        struct cb_sumset *set;
        CHECK(cb_sumset_create(&set) == 0);
        int rc = cb_sumset_add_file(set, path, err, sizeof err);
        CHECK(rc == -EINVAL);
        if (!strstr(err, bad[i].msg) || !strstr(err, "bad.csv"))
            fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err, bad[i].msg);
        CHECK(strstr(err, bad[i].msg) != NULL);
        cb_sumset_free(set);
    }
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/missing", dir);
    struct cb_sumset *set;
    CHECK(cb_sumset_create(&set) == 0);
    CHECK(cb_sumset_add_dir(set, path, err, sizeof err) == -ENOENT);
    cb_sumset_free(set);
}

/* A folder holding the files of one run with the given headers and rows. */
static int pool_dir(const char *name, const char *a, const char *b, char *err, size_t errlen)
{
    char sub[300], path[400];
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    CHECK(mkdir(sub, 0700) == 0);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", sub, i ? "b" : "a");
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (f) {
            fputs(i ? b : a, f);
            fclose(f);
        }
    }
    struct cb_sumset *set;
    CHECK(cb_sumset_create(&set) == 0);
    err[0] = '\0';
    int rc = cb_sumset_add_dir(set, sub, err, errlen);
    cb_sumset_free(set);
    return rc;
}

/* Issue 16: files that do not belong together are refused, naming both; schema 1 files
 * that share a header are still pooled. */
static void test_not_pooled(void)
{
    static const char h1[] = "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,"
                             "wall_s,verified,warnings\n";
    static const char h2[] = "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,"
                             "wall_s,verified,warnings,quota_cpus,schema,context\n";
    char a1[512], b1[512], a2[512], b2[512], c2[512], s3[512], err[512];
    snprintf(a1, sizeof a1, "%sraw,seq,primes,10,1,none,static,,,,0.5,yes,\n", h1);
    snprintf(b1, sizeof b1, "%sraw,threads,primes,10,2,none,static,,,,0.3,yes,\n", h1);
    snprintf(a2, sizeof a2, "%sraw,seq,primes,10,1,none,static,,,,0.5,yes,,,2,0123456789abcdef\n"
             "summary,seq,primes,10,1,none,static,,,,,yes,quota,1,2,0123456789abcdef\n", h2);
    snprintf(b2, sizeof b2, "%sraw,threads,primes,10,2,none,static,,,,0.3,yes,,,2,0123456789abcdef\n",
             h2);
    snprintf(c2, sizeof c2, "%sraw,threads,primes,10,2,none,static,,,,0.3,yes,,,2,fedcba9876543210\n",
             h2);
    snprintf(s3, sizeof s3, "%sraw,threads,primes,10,2,none,static,,,,0.3,yes,,,3,0123456789abcdef\n",
             h2);
    CHECK(pool_dir("old", a1, b1, err, sizeof err) == 0);  /* schema 1: one header */
    CHECK(pool_dir("same", a2, b2, err, sizeof err) == 0); /* schema 2, one context */
    CHECK(pool_dir("mixed", a1, b2, err, sizeof err) == -EINVAL);
    CHECK(strstr(err, "mixed/b.csv: other columns than ") && strstr(err, "mixed/a.csv") &&
          strstr(err, "another schema version): not pooled"));
    CHECK(pool_dir("context", a2, c2, err, sizeof err) == -EINVAL);
    CHECK(strstr(err, "context/b.csv: measured in another context (context id "
                      "fedcba9876543210, not 0123456789abcdef as in ") &&
          strstr(err, "context/a.csv") && strstr(err, "): not pooled"));
    CHECK(pool_dir("schema", a2, s3, err, sizeof err) == -EINVAL);
    CHECK(strstr(err, "schema/b.csv: schema version 3, not 2") != NULL);
    if (err[0])
        fprintf(stderr, "(last refusal: %s)\n", err);
}

/* Issue 17: a noisy point whose two rounds (files) run at different speeds, each steady,
 * names `rounds` as its cause; one whose rounds agree and whose noise is within them does
 * not. */
static void test_rounds(void)
{
    static const char h[] = "row,model,kernel,size,workers,bind,schedule,chunk,start,channel,"
                            "wall_s,verified,warnings,foreign_cpu_s\n";
    char a[2048], b[2048], sub[300], err[512] = "";
    size_t ua = (size_t)snprintf(a, sizeof a, "%s", h), ub = (size_t)snprintf(b, sizeof b, "%s", h);
    for (int i = 0; i < 5; i++) {
        /* seq: 1.00 then 1.10 (rounds differ); threads: the same 0.5/0.6 mix in both */
        ua += (size_t)snprintf(a + ua, sizeof a - ua,
                               "raw,seq,primes,10,1,none,static,,,,%.3f,yes,,0\n"
                               "raw,threads,primes,10,2,none,static,,,,%.3f,yes,,0\n",
                               1.0 + 0.001 * i, i % 2 ? 0.5 : 0.6);
        ub += (size_t)snprintf(b + ub, sizeof b - ub,
                               "raw,seq,primes,10,1,none,static,,,,%.3f,yes,,0\n"
                               "raw,threads,primes,10,2,none,static,,,,%.3f,yes,,0\n",
                               1.1 + 0.001 * i, i % 2 ? 0.5 : 0.6);
    }
    snprintf(sub, sizeof sub, "%s/rounds", dir);
    CHECK(mkdir(sub, 0700) == 0);
    const char *text[2] = { a, b };
    for (int i = 0; i < 2; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/r%d.csv", sub, i + 1);
        FILE *f = fopen(path, "w");
        CHECK(f != NULL);
        if (f) {
            fputs(text[i], f);
            fclose(f);
        }
    }
    struct cb_sumset *set;
    CHECK(cb_sumset_create(&set) == 0);
    CHECK(cb_sumset_add_dir(set, sub, err, sizeof err) == 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK(cb_sumset_write(set, f, 200, 42, NULL) == 0);
    fclose(f);
    cb_sumset_free(set);
    char v[256];
    field_of(out, "seq", 1, "warnings", v, sizeof v);
    CHECK(strcmp(v, "noisy") == 0);
    field_of(out, "seq", 1, "noise_causes", v, sizeof v);
    CHECK(strcmp(v, "rounds") == 0);
    field_of(out, "threads", 2, "warnings", v, sizeof v);
    CHECK(strcmp(v, "noisy") == 0);
    field_of(out, "threads", 2, "noise_causes", v, sizeof v);
    CHECK(strcmp(v, "none") == 0);
    free(out);
    /* the rule itself: medians 1.0 and 1.029 differ by less than 3%; three rounds, one of a
     * single repetition (left out) */
    double w[6] = { 1.0, 1.0, 1.029, 1.029, 2.0, 1.0 };
    size_t r[6] = { 7, 7, 9, 9, 4, 7 };
    CHECK(cb_noise_rounds(w, r, 6) == 0);
    w[2] = w[3] = 1.031;
    CHECK(cb_noise_rounds(w, r, 6) == 1);
    r[2] = 7;  /* round 9 now has one repetition: one round left, no verdict */
    CHECK(cb_noise_rounds(w, r, 6) == 0);
    char c[32] = "none";
    cb_noise_add_rounds(c, sizeof c);
    CHECK(strcmp(c, "rounds") == 0);
    snprintf(c, sizeof c, "foreign");
    cb_noise_add_rounds(c, sizeof c);
    CHECK(strcmp(c, "foreign;rounds") == 0);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 99;
    }
    test_split();
    test_bootstrap();
    test_karp_flatt();
    test_sumset();
    test_series();
    test_rounds();
    test_bad_input();
    test_not_pooled();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_status("test-summary");
}
