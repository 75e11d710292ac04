/*
 * test-options.c - the worker-list and number parsers, and the schedules' coverage.
 */
#include "check.h"
#include "options.h"
#include "output.h"
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

static int list(const char *s, int pus, const int *want, size_t nwant)
{
    int out[CB_MAX_WORKERS];
    size_t n;
    char err[256];
    if (cb_parse_workers(s, pus, out, CB_MAX_WORKERS, &n, err, sizeof err) < 0) {
        fprintf(stderr, "'%s' rejected: %s\n", s, err);
        return 0;
    }
    if (n != nwant) {
        fprintf(stderr, "'%s': %zu counts, expected %zu\n", s, n, nwant);
        return 0;
    }
    return memcmp(out, want, n * sizeof *out) == 0;
}

static int rejected(const char *s, int pus)
{
    int out[CB_MAX_WORKERS];
    size_t n;
    char err[256] = "";
    int rc = cb_parse_workers(s, pus, out, CB_MAX_WORKERS, &n, err, sizeof err);
    return rc < 0 && err[0] && !strchr(err, '\n');
}

static void test_workers(void)
{
    CHECK(list("1", 4, (int[]){ 1 }, 1));
    CHECK(list("1,2,4", 4, (int[]){ 1, 2, 4 }, 3));
    CHECK(list("1-4", 4, (int[]){ 1, 2, 3, 4 }, 4));
    CHECK(list("1-16:2", 4, (int[]){ 1, 3, 5, 7, 9, 11, 13, 15 }, 8));
    CHECK(list("1-64:x2", 4, (int[]){ 1, 2, 4, 8, 16, 32, 64 }, 7));
    CHECK(list("all", 6, (int[]){ 6 }, 1));
    CHECK(list("2xall", 6, (int[]){ 12 }, 1));
    CHECK(list("1-all", 3, (int[]){ 1, 2, 3 }, 3));
    CHECK(list("1-2xall", 2, (int[]){ 1, 2, 3, 4 }, 4));
    CHECK(list("4,1,4,2", 4, (int[]){ 4, 1, 2 }, 3)); /* order kept, duplicates dropped */
    CHECK(list("4096", 4, (int[]){ 4096 }, 1));

    CHECK(rejected("", 4));
    CHECK(rejected("0", 4));
    CHECK(rejected("-1", 4));
    CHECK(rejected("4-1", 4));
    CHECK(rejected("1,,2", 4));
    CHECK(rejected("1,", 4));
    CHECK(rejected("two", 4));
    CHECK(rejected("1-8:0", 4));
    CHECK(rejected("1-8:x1", 4));
    CHECK(rejected("4097", 4));
    CHECK(rejected("99999999999999999999", 4));
    CHECK(rejected("1.5", 4));
    CHECK(rejected("1-", 4));
    CHECK(rejected("xall", 4));
}

static void test_u64(void)
{
    uint64_t v;
    CHECK(cb_parse_u64("0", &v) == 0 && v == 0);
    CHECK(cb_parse_u64("10000000", &v) == 0 && v == 10000000);
    CHECK(cb_parse_u64("10M", &v) == 0 && v == 10000000);
    CHECK(cb_parse_u64("3k", &v) == 0 && v == 3000);
    CHECK(cb_parse_u64("2G", &v) == 0 && v == 2000000000);
    CHECK(cb_parse_u64("1e7", &v) == 0 && v == 10000000);
    CHECK(cb_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
    CHECK(cb_parse_u64("18446744073709551616", &v) < 0);
    CHECK(cb_parse_u64("1e30", &v) < 0);
    CHECK(cb_parse_u64("20000000T", &v) < 0);
    CHECK(cb_parse_u64("-1", &v) < 0);
    CHECK(cb_parse_u64("", &v) < 0);
    CHECK(cb_parse_u64("12x", &v) < 0);
    CHECK(cb_parse_u64("1e", &v) < 0);
    CHECK(cb_parse_u64(" 1", &v) < 0);
    double d;
    CHECK(cb_parse_seconds("2.5", &d) == 0 && d == 2.5);
    CHECK(cb_parse_seconds("0", &d) < 0);
    CHECK(cb_parse_seconds("inf", &d) < 0);
    CHECK(cb_parse_seconds("1s", &d) < 0);
}

/* A list with an empty item is refused, not shortened (strtok would skip the item). */
static void test_list_items(void)
{
    CHECK(!cb_list_has_empty("primes"));
    CHECK(!cb_list_has_empty("primes,randsum,matmul"));
    CHECK(cb_list_has_empty(""));
    CHECK(cb_list_has_empty(","));
    CHECK(cb_list_has_empty("primes,,randsum"));
    CHECK(cb_list_has_empty(",primes"));
    CHECK(cb_list_has_empty("primes,"));
}

/* Every index of [0, space) is handed out exactly once, for every schedule, chunk and p,
 * and claims are never empty. */
static void test_schedules(void)
{
    static const uint64_t spaces[] = { 0, 1, 5, 64, 1000, 4099 };
    static const uint64_t chunks[] = { 0, 1, 7, 100000 };
    for (size_t si = 0; si < sizeof spaces / sizeof spaces[0]; si++) {
        uint64_t space = spaces[si];
        unsigned char *seen = calloc(space + 1, 1);
        for (int kind = CB_SCHED_STATIC; kind <= CB_SCHED_GUIDED; kind++)
            for (size_t ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++)
                for (int p = 1; p <= 9; p++) {
                    struct cb_sched s;
                    cb_sched_init(&s, (enum cb_schedule)kind, space, chunks[ci], p);
                    memset(seen, 0, space + 1);
                    int ok = 1;
                    /* interleave the workers' claims, as concurrent workers would */
                    struct cb_claim cl[9] = { { 0 } };
                    int active = p;
                    int live[9];
                    for (int w = 0; w < p; w++)
                        live[w] = 1;
                    while (active) {
                        for (int w = 0; w < p; w++) {
                            uint64_t lo, hi;
                            if (!live[w])
                                continue;
                            if (!cb_sched_next(&s, w, &cl[w], &lo, &hi)) {
                                live[w] = 0;
                                active--;
                                continue;
                            }
                            ok &= lo < hi && hi <= space;
                            for (uint64_t i = lo; i < hi && i < space; i++)
                                ok &= seen[i]++ == 0;
                        }
                    }
                    for (uint64_t i = 0; i < space; i++)
                        ok &= seen[i] == 1;
                    if (!ok)
                        fprintf(stderr, "schedule %s chunk %llu p %d space %llu: bad cover\n",
                                cb_schedule_name((enum cb_schedule)kind),
                                (unsigned long long)chunks[ci], p, (unsigned long long)space);
                    CHECK(ok);
                }
        free(seen);
    }
    /* static gives contiguous near-equal blocks in worker order */
    struct cb_sched s;
    struct cb_claim c = { 0 };
    uint64_t lo, hi;
    cb_sched_init(&s, CB_SCHED_STATIC, 10, 0, 3);
    CHECK(cb_sched_next(&s, 1, &c, &lo, &hi) && lo == 3 && hi == 6);
    CHECK(!cb_sched_next(&s, 1, &c, &lo, &hi));
    /* guided chunks shrink */
    cb_sched_init(&s, CB_SCHED_GUIDED, 1000, 1, 4);
    struct cb_claim g = { 0 };
    uint64_t prev = UINT64_MAX, first = 0;
    int shrinking = 1;
    while (cb_sched_next(&s, 0, &g, &lo, &hi)) {
        if (!first)
            first = hi - lo;
        shrinking &= hi - lo <= prev;
        prev = hi - lo;
    }
    CHECK(shrinking);
    CHECK_EQ_U64(first, 250);
    enum cb_schedule k;
    CHECK(cb_schedule_parse("guided", &k) == 0 && k == CB_SCHED_GUIDED);
    CHECK(cb_schedule_parse("auto", &k) < 0);
}

/* cb_json_str into a memory buffer: the JSON text of s. */
static const char *json_of(const char *s)
{
    static char buf[256];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        return "";
    cb_json_str(f, s);
    fclose(f);
    return buf;
}

/* --plan --json's strings: escaped so that any bytes give valid JSON. */
static void test_json_strings(void)
{
    CHECK(strcmp(json_of("primes"), "\"primes\"") == 0);
    CHECK(strcmp(json_of(""), "\"\"") == 0);
    CHECK(strcmp(json_of(NULL), "null") == 0);
    CHECK(strcmp(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"") == 0);
    CHECK(strcmp(json_of("tab\there\nline\x7f"), "\"tab\\u0009here\\u000aline\\u007f\"") == 0);
    /* valid UTF-8 passes (2, 3 and 4 bytes), anything else becomes U+FFFD */
    CHECK(strcmp(json_of("\xc3\xa9 \xe2\x88\x9a \xf0\x9f\x98\x80"),
                 "\"\xc3\xa9 \xe2\x88\x9a \xf0\x9f\x98\x80\"") == 0);
    CHECK(strcmp(json_of("\xff"), "\"\\ufffd\"") == 0);
    CHECK(strcmp(json_of("\xc3"), "\"\\ufffd\"") == 0);          /* cut short */
    CHECK(strcmp(json_of("\xc0\xaf"), "\"\\ufffd\\ufffd\"") == 0); /* overlong '/' */
    CHECK(strcmp(json_of("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"") == 0); /* surrogate */
}

int main(void)
{
    test_workers();
    test_u64();
    test_list_items();
    test_schedules();
    test_json_strings();
    return check_status("test-options");
}
