/*
 * warnings.h - the one table of the warnings a row can carry and the thresholds behind
 * them, used by the harness (the binaries' rows), the summary (summary.csv), the
 * micro-benchmarks and, through context.json's "warnings", the charts' captions.
 *
 * A row's warnings are a ';'-separated list of names, each at most once, in the order
 * they were added.
 */
#ifndef CB_WARNINGS_H
#define CB_WARNINGS_H

#include <stddef.h>
#include <stdio.h>

#define CB_NOISY_CV 0.03   /* noisy: coefficient of variation above 3% */
#define CB_SHORT_S 0.010   /* short: a sample (a repetition) below 10 ms */

struct cb_warning {
    const char *name;
    double threshold;      /* NAN: none */
    const char *rule;      /* what it means, one line */
};
extern const struct cb_warning cb_warnings[];
extern const size_t cb_nwarnings;

/* Add `name` to the list in buf (size len) unless it is there already; a name that would
 * not fit is left out. */
void cb_warn_add(char *buf, size_t len, const char *name);

/* Add the warnings that a configuration's samples decide, in the table's order: noisy
 * (cv above CB_NOISY_CV), outliers, short (sample_s below CB_SHORT_S), no-ci. */
void cb_warn_samples(char *buf, size_t len, double cv, size_t outliers, double sample_s,
                     int ci_valid);

/* The table as context.json's "warnings" member: `"warnings": [...]` with the given indent
 * and a trailing comma when `more`. */
void cb_warnings_json(FILE *f, const char *indent, int more);

#endif
