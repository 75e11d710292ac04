/*
 * fuzz-csv.c - the CSV reader (csvread.h) on arbitrary files: every record it returns has
 * at least one field, every field is a string inside the line without a line break, and a
 * file it cannot read exactly is refused (-EINVAL, -E2BIG), never half-read as success.
 */
#include "fuzz.h"

#include "csvread.h"

#include <errno.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = cb_fuzz_file(data, size);
    struct cb_csv c;
    FUZZ_ASSERT(cb_csv_open(&c, path) == 0);
    int rc;
    size_t records = 0, fields = 0;
    while ((rc = cb_csv_read(&c)) == 1) {
        FUZZ_ASSERT(c.nfield >= 1);
        for (size_t i = 0; i < c.nfield; i++) {
            FUZZ_ASSERT(c.field[i] >= c.line && c.field[i] < c.line + c.cap);
            FUZZ_ASSERT(strchr(c.field[i], '\n') == NULL);
            fields += strlen(c.field[i]) + 1;
        }
        /* the fields are one line's bytes, unescaped: never more than it held */
        FUZZ_ASSERT(fields <= size + 1);
        fields = 0;
        records++;
    }
    FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -E2BIG);
    FUZZ_ASSERT(c.lineno >= records);
    cb_fuzz_verdict = rc == 0;
    cb_csv_close(&c);
    return 0;
}
