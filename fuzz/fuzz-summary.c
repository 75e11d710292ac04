/*
 * fuzz-summary.c - bench-summary's reader and statistics (summary.h) on an arbitrary result
 * file: either it is refused with one line naming the problem, or the summary written from
 * it is a well-formed CSV (every row has the header's number of fields, one row per point),
 * whatever bytes the file's fields held.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count_char(const char *s, size_t len, char ch)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == ch;
    return n;
}

/* Every line of the summary has as many commas as the header; no quotes, no stray bytes. */
static void check_summary(const char *buf, size_t len, size_t points)
{
    FUZZ_ASSERT(len > 0 && buf[len - 1] == '\n');
    FUZZ_ASSERT(memchr(buf, '"', len) == NULL && memchr(buf, '\r', len) == NULL);
    const char *nl = memchr(buf, '\n', len);
    size_t commas = count_char(buf, (size_t)(nl - buf), ','), lines = 0;
    for (const char *p = buf; p < buf + len;) {
        const char *end = memchr(p, '\n', (size_t)(buf + len - p));
        FUZZ_ASSERT(count_char(p, (size_t)(end - p), ',') == commas);
        p = end + 1;
        lines++;
    }
    FUZZ_ASSERT(lines == points + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = cb_fuzz_file(data, size);
    struct cb_sumset *set;
    FUZZ_ASSERT(cb_sumset_create(&set) == 0);
    char err[512] = "";
    int rc = cb_sumset_add_file(set, path, err, sizeof err);
    if (rc < 0) {
        FUZZ_ASSERT(rc == -EINVAL || rc == -E2BIG);
        cb_fuzz_check_message(err);
        cb_fuzz_verdict = 0;
        cb_sumset_free(set);
        return 0;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    FUZZ_ASSERT(mem != NULL);
    struct cb_sum_counts cnt;
    rc = cb_sumset_write(set, mem, 100, 42, &cnt);
    FUZZ_ASSERT(fclose(mem) == 0);
    FUZZ_ASSERT(rc == 0);
    FUZZ_ASSERT(cnt.files == 1 && cnt.points >= 1);
    check_summary(buf, len, cnt.points);
    free(buf);
    cb_sumset_free(set);
    cb_fuzz_verdict = 1;
    return 0;
}
