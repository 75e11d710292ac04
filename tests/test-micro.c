/*
 * test-micro.c - the micro-benchmarks' shared machinery (src/micro/micro.h) on known
 * data: the command line (sizes with binary suffixes, --only, --between, --quick
 * defaults, the largest worker count, a spawned worker's PU argument), the reference
 * subtraction (a difference whose interval reaches zero is written as `within noise` and
 * never below zero; a clear one as `significant`), the CSV's shape, and paired
 * measurement (inner calibrated, every sample filled). Nothing here asserts a wall-clock
 * time.
 */
#define _GNU_SOURCE
#include "check.h"
#include "harness.h"
#include "micro.h"
#include "timer.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const names[] = { "alpha", "beta", "gamma", NULL };
static const struct cb_mspec spec = {
    .prog = "test-micro",
    .purpose = "test",
    .names = names,
    .flags = CB_MOPT_WORKERS | CB_MOPT_SIZES | CB_MOPT_BETWEEN | CB_MOPT_DELAY,
    .default_workers = "1-2",
    .default_sizes = "8,1Mi",
    .quick_sizes = "8",
    .sizes_meaning = "bytes",
    .size_min = 1,
    .size_max = UINT64_C(1) << 40,
};

static int parse(struct cb_mopts *o, int argc, char **argv)
{
    optind = 1;
    return cb_micro_parse(argc, argv, &spec, o);
}

static void test_parse(void)
{
    struct cb_mopts o;
    char *a1[] = { "t", "--sizes", "8,64Ki,1Mi,2k", "--only", "gamma,alpha", "--between",
                   "processes", "--quick", "--workers", "1,3", NULL };
    CHECK_EQ_U64(parse(&o, 10, a1), 0);
    CHECK_EQ_U64(o.nsizes, 4);
    CHECK_EQ_U64(o.sizes[0], 8);
    CHECK_EQ_U64(o.sizes[1], 65536);
    CHECK_EQ_U64(o.sizes[2], 1048576);
    CHECK_EQ_U64(o.sizes[3], 2000);
    CHECK_EQ_U64(o.only, 5); /* alpha and gamma */
    CHECK_EQ_U64(o.between, CB_BETWEEN_PROCESSES);
    CHECK_EQ_U64(o.nworkers, 2);
    CHECK_EQ_U64(o.workers[1], 3);
    CHECK(o.quick && o.reps == 6 && o.min_time < 0.01);
    CHECK_EQ_U64(cb_micro_maxp(&o), 3);

    char *a3[] = { "t", "--between", "threads,processes", "--only", "beta", NULL };
    CHECK_EQ_U64(parse(&o, 5, a3), 0);
    CHECK_EQ_U64(o.between, CB_BETWEEN_THREADS | CB_BETWEEN_PROCESSES);
    CHECK_EQ_U64(o.only, 2);

    /* a spawned worker's PU argument: an os_index, or -1 for none */
    int pu = 7;
    CHECK(cb_micro_child_pu("-1", &pu) == 0 && pu == -1);
    CHECK(cb_micro_child_pu("0", &pu) == 0 && pu == 0);
    CHECK(cb_micro_child_pu("3", &pu) == 0 && pu == 3);
    CHECK(cb_micro_child_pu("-2", &pu) < 0);
    CHECK(cb_micro_child_pu("x", &pu) < 0);
    CHECK(cb_micro_child_pu("", &pu) < 0);
    char big[16];
    snprintf(big, sizeof big, "%d", CPU_SETSIZE);
    CHECK(cb_micro_child_pu(big, &pu) < 0);

    char *a2[] = { "t", NULL };
    CHECK_EQ_U64(parse(&o, 1, a2), 0);
    CHECK_EQ_U64(o.nsizes, 2);
    CHECK_EQ_U64(o.only, 7);
    CHECK(o.reps >= 10 && o.warmup >= 1 && o.min_time >= 0.01);
    CHECK_NEAR(o.delay_s, 1e-6, 1e-12);
}

/* The file's summary rows, field by field: row k, column c (0-based), or NULL. */
static char rows[8][32][128];
static int read_rows(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0;
    if (!f)
        return -1;
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(strcmp(line, cb_micro_csv_header) == 0);
    while (fgets(line, sizeof line, f) && n < 8) {
        if (strncmp(line, "summary,", 8) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        int c = 0;
        char *p = line;
        for (;;) {
            char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (c < 32) {
                snprintf(rows[n][c], sizeof rows[n][c], "%.*s", (int)len, p);
                c++;
            }
            if (!comma)
                break;
            p = comma + 1;
        }
        CHECK_EQ_U64(c, 32);
        n++;
    }
    fclose(f);
    return n;
}

enum { COL_MEDIAN = 11, COL_CI_LOW = 12, COL_CI_HIGH = 13, COL_MIN = 14, COL_N = 19,
       COL_VERDICT = 24, COL_NOTE = 25, COL_WARN = 26, COL_BIND = 27, COL_BINDING = 28,
       COL_PU_PLAN = 29 };

static void test_rows(void)
{
    char path[] = "/tmp/test-micro-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    struct cb_mopts o;
    char *argv[] = { "t", "-q", "--reps", "9", "-o", path, NULL };
    CHECK_EQ_U64(parse(&o, 6, argv), 0);
    struct cb_mout *out;
    CHECK_EQ_U64(cb_mout_open(&out, &o, "test-micro"), 0);

    /* noise: the construct is no slower than its reference */
    double v1[9] = { 10, 11, 9, 10, 12, 8, 10, 11, 9 }, r1[9] = { 10, 12, 10, 10, 11, 9, 11, 12, 10 };
    struct cb_mrow a = { .bench = "b", .construct = "noise", .metric = "m", .unit = "us/op",
                         .size = -1, .workers = 1, .inner = 100, .reference = "work, 1 us",
                         .note = "a, b", .vals = v1, .refs = r1, .n = 9 };
    CHECK_EQ_U64(cb_mout_row(out, &a), 0);
    /* a clear cost */
    double v2[9] = { 20, 21, 19, 20, 22, 18, 20, 21, 19 };
    struct cb_mrow b = a;
    b.construct = "cost";
    b.vals = v2;
    /* placement: two workers that stayed on their PUs (b), one that left its PU (c) */
    int plan[2] = { 3, 5 };
    struct cb_where *held = cb_where_alloc(2), *moved = cb_where_alloc(2);
    CHECK(held && moved);
    cb_where_note(&held[0], 3, 3, 3);
    cb_where_note(&held[1], 5, 5, 5);
    cb_where_note(&moved[0], 3, 3, 3);
    cb_where_note(&moved[1], 5, 5, 4);
    b.plan = plan;
    b.where = held;
    b.nplan = 2;
    CHECK_EQ_U64(cb_mout_row(out, &b), 0);
    /* no reference: a throughput */
    struct cb_mrow c = a;
    c.construct = "rate";
    c.refs = NULL;
    c.reference = NULL;
    c.plan = plan;
    c.where = moved;
    c.nplan = 2;
    CHECK_EQ_U64(cb_mout_row(out, &c), 0);
    CHECK_EQ_U64(cb_mout_close(out, 1), 0);
    cb_where_free(held, 2);
    cb_where_free(moved, 2);

    CHECK_EQ_U64(read_rows(path), 3);
    unlink(path);
    /* noise: never below zero, said so */
    CHECK(strcmp(rows[0][COL_VERDICT], "within noise") == 0);
    for (int k = COL_MEDIAN; k <= COL_MIN + 1; k++)
        CHECK(atof(rows[0][k]) >= 0 && rows[0][k][0] != '-');
    CHECK(strcmp(rows[0][COL_NOTE], "a; b") == 0); /* a comma cannot break the row */
    /* the cost: the median of the paired differences 10 9 9 10 11 9 9 9 9 */
    CHECK(strcmp(rows[1][COL_VERDICT], "significant") == 0);
    CHECK_NEAR(atof(rows[1][COL_MEDIAN]), 9, 1e-9);
    CHECK(atof(rows[1][COL_CI_LOW]) > 0);
    CHECK(atof(rows[1][COL_CI_LOW]) <= atof(rows[1][COL_MEDIAN]));
    CHECK(atof(rows[1][COL_CI_HIGH]) >= atof(rows[1][COL_MEDIAN]));
    CHECK_EQ_U64(atoi(rows[1][COL_N]), 9);
    /* the rate: its own median, no verdict */
    CHECK_NEAR(atof(rows[2][COL_MEDIAN]), 10, 1e-9);
    CHECK(rows[2][COL_VERDICT][0] == '\0');
    /* placement, the models' meaning: nothing recorded is unknown, never empty */
    for (int k = 0; k < 3; k++)
        CHECK(strcmp(rows[k][COL_BIND], "cores") == 0);
    CHECK(strcmp(rows[0][COL_BINDING], "unknown") == 0);
    CHECK(rows[0][COL_PU_PLAN][0] == '\0');
    CHECK(strcmp(rows[1][COL_BINDING], "held") == 0);
    CHECK(strcmp(rows[1][COL_PU_PLAN], "3;5") == 0);
    CHECK(strstr(rows[1][COL_WARN], "binding-moved") == NULL);
    CHECK(strcmp(rows[2][COL_BINDING], "moved") == 0);
    CHECK(strstr(rows[2][COL_WARN], "binding-moved") != NULL);
}

static int op_work(void *ctx, uint64_t inner, double *seconds, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    uint64_t iters = *(const uint64_t *)ctx;
    double t0 = cb_now();
    for (uint64_t i = 0; i < inner; i++)
        cb_delay(iters);
    *seconds = cb_now() - t0;
    return 0;
}

static void test_measure(void)
{
    struct cb_mopts o;
    char *argv[] = { "t", "--reps", "7", "--min-time", "0.001", NULL };
    CHECK_EQ_U64(parse(&o, 5, argv), 0);
    uint64_t iters = cb_delay_calibrate(2e-6);
    CHECK(iters >= 1);
    CHECK_EQ_U64(cb_delay_calibrate(0), 0);
    double vals[7], refs[7];
    uint64_t inner = 0;
    memset(vals, 0, sizeof vals);
    memset(refs, 0, sizeof refs);
    /* no reference: refs are filled with 0 */
    CHECK_EQ_U64(cb_measure(&o, op_work, NULL, &iters, &inner, vals, refs, NULL, 0), 0);
    CHECK(inner >= 1);
    for (int r = 0; r < 7; r++)
        CHECK(vals[r] > 0 && refs[r] == 0);
}

int main(void)
{
    test_parse();
    test_rows();
    test_measure();
    return check_status("micro");
}
