/*
 * stats-verdicts.c - `bench-stats verdicts RUN_DIR [-o FILE] [--seed N] [--resamples N]
 * [--tie FRACTION] [-q]`: reads the raw rows of the CSV files in RUN_DIR/raw/ as bench-summary does
 * (the summary module's reader and pooling, summary.h), computes the verdicts (verdict.h)
 * in memory and writes RUN_DIR/verdicts.csv whole (or FILE, '-': stdout). Bad input: one
 * line on stderr, exit status 2, nothing written.
 */
#define _GNU_SOURCE
#include "stats-verdicts.h"

#include "harness.h"
#include "stats-tool.h"
#include "summary.h"
#include "verdict.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cb_stats_verdicts(int nargs, char **args, const struct cb_verdict_opts *vo,
                      const char *output, int quiet, cb_stats_usage_fn usage)
{
    if (nargs != 1)
        return usage("verdicts: expected one results folder (see --help)");
    const char *dir = args[0];
    char raw[PATH_MAX], target[PATH_MAX];
    int rc = cb_tool_results_dir(dir, "verdicts.csv", &output, raw, target, usage);
    if (rc >= 0)
        return rc;
    struct cb_sumset *set;
    if ((rc = cb_tool_read_raw("bench-stats", raw, &set)) >= 0)
        return rc;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct cb_verdict_counts cnt;
    rc = mem ? cb_verdicts_write(set, mem, vo, &cnt) : -ENOMEM;
    if (mem && fclose(mem) != 0 && rc == 0)
        rc = -ENOMEM;
    cb_sumset_free(set);
    if (rc < 0) {
        fprintf(stderr, "bench-stats: verdicts: cannot compute the verdicts: %s\n",
                strerror(-rc));
        free(buf);
        return CB_EXIT_ERROR;
    }
    if ((rc = cb_tool_write("bench-stats", output, buf, len)) >= 0)
        return rc;
    if (cnt.no_seq)
        fprintf(stderr, "bench-stats: verdicts: no bench-seq baseline in %s for %s%s: no "
                "scaling rows there\n", dir, cnt.no_seq_names,
                cnt.no_seq > 1 ? " (kernel size pairs)" : "");
    if (!quiet)
        fprintf(stderr, "bench-stats: verdicts: %zu rank rows (%zu comparisons: %zu slower, "
                "%zu ties), %zu scaling rows (%zu holds, %zu drops, %zu unclear) of %zu "
                "series -> %s\n", cnt.rank_rows, cnt.comparisons, cnt.slower, cnt.ties,
                cnt.scaling_rows, cnt.holds, cnt.drops, cnt.unclear, cnt.series, output);
    return CB_EXIT_OK;
}
