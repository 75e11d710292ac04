/*
 * fuzz-options.c - the command-line value parsers of options.h: the worker-list grammar
 * (--workers), unsigned counts with suffixes (--size, --reps, --seed ...) and durations
 * (--timeout). The first byte picks the parser (and, for a worker list, the PU count that
 * `all` stands for); the rest is the argument.
 *
 * Contracts: a worker list that parses holds 1..max distinct counts, each 1..CB_MAX_WORKERS;
 * a refused one leaves one line in err. A count that parses is the number the digits say
 * (checked against strtoull when there is no suffix). A duration is positive and finite.
 */
#include "fuzz.h"

#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check_workers(const char *s, int pus)
{
    static int out[CB_MAX_WORKERS];
    size_t n = 12345, max = pus % 2 ? CB_MAX_WORKERS : 64;
    char err[256] = "";
    int rc = cb_parse_workers(s, pus, out, max, &n, err, sizeof err);
    if (rc < 0) {
        FUZZ_ASSERT(rc == -EINVAL);
        cb_fuzz_check_message(err);
        cb_fuzz_verdict = 0;
        return;
    }
    FUZZ_ASSERT(rc == 0 && n >= 1 && n <= max);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(out[i] >= 1 && out[i] <= CB_MAX_WORKERS);
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(out[i] != out[j]);
    }
    cb_fuzz_verdict = 1;
}

static void check_u64(const char *s)
{
    uint64_t v;
    int rc = cb_parse_u64(s, &v);
    FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
    cb_fuzz_verdict = rc == 0;
    if (rc < 0)
        return;
    FUZZ_ASSERT(*s >= '0' && *s <= '9');
    if (strspn(s, "0123456789") == strlen(s)) {
        char *end;
        FUZZ_ASSERT(strtoull(s, &end, 10) == v && *end == '\0');
    }
}

static void check_seconds(const char *s)
{
    double v;
    int rc = cb_parse_seconds(s, &v);
    FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
    cb_fuzz_verdict = rc == 0;
    if (rc == 0)
        FUZZ_ASSERT(isfinite(v) && v > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *s = cb_fuzz_str(data + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        check_workers(s, 1 + data[0] / 4); /* 1..64 PUs */
        break;
    case 1:
        check_workers(s, 1 + (data[0] / 4) * 97); /* up to 6112 PUs: `all` over the limit */
        break;
    case 2:
        check_u64(s);
        break;
    default:
        check_seconds(s);
        break;
    }
    free(s);
    return 0;
}
