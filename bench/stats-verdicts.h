/*
 * stats-verdicts.h - `bench-stats verdicts RUN_DIR`: the verdicts (src/verdict.h) of a
 * sweep's results folder, written to RUN_DIR/verdicts.csv. Kept apart from bench-stats.c,
 * which only dispatches to it.
 */
#ifndef CB_STATS_VERDICTS_H
#define CB_STATS_VERDICTS_H

#include "stats-tool.h"
#include "verdict.h"

/* The subcommand, its options parsed by bench-stats' loop: args[0] the results folder,
 * output NULL for RUN_DIR/verdicts.csv. Returns the exit status. */
int cb_stats_verdicts(int nargs, char **args, const struct cb_verdict_opts *vo,
                      const char *output, int quiet, cb_stats_usage_fn usage);

#endif
