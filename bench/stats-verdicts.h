/*
 * stats-verdicts.h - `bench-stats verdicts RUN_DIR`: the verdicts (src/verdict.h) of a
 * sweep's results folder, written to RUN_DIR/verdicts.csv. Kept apart from bench-stats.c,
 * which only dispatches to it.
 */
#ifndef CB_STATS_VERDICTS_H
#define CB_STATS_VERDICTS_H

/* The subcommand: argv[0] is "verdicts", then its arguments and options. help prints
 * bench-stats' --help. Returns the exit status. */
int cb_stats_verdicts(int argc, char **argv, void (*help)(void));

#endif
