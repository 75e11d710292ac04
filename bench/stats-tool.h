/*
 * stats-tool.h - what the two statistics tools, bench-summary and bench-stats (its verdicts
 * subcommand included), share of their command line and of their writing: the options
 * both take, their refusals of an unknown option or a missing value, --version, the checks
 * of a results folder and of --output, reading its raw rows, and the atomic write of the
 * result (src/output.h).
 */
#ifndef CB_STATS_TOOL_H
#define CB_STATS_TOOL_H

#include "summary.h"

#include <getopt.h>
#include <stddef.h>

/* A tool's refusal of a command line: its one line on stderr; returns the exit status */
typedef int (*cb_stats_usage_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --output, --resamples, --seed, --quiet, --help and --version (getopt_long's table) */
extern const struct option cb_tool_options[];

/* The refusal of getopt_long's ':' (a value missing) or '?' (an unknown option). */
int cb_tool_bad_option(int c, char **argv, cb_stats_usage_fn usage);

/* --version's text for the tool named prog. */
void cb_tool_version(const char *prog);

/* The results folder dir checked: it exists and has a raw/ folder (its path in raw, PATH_MAX
 * bytes), and *output (NULL: DIR/file, its path then in target, PATH_MAX bytes; "-":
 * stdout) is not a folder. -1 to go on, else the exit status of the refusal. */
int cb_tool_results_dir(const char *dir, const char *file, const char **output, char *raw,
                        char *target, cb_stats_usage_fn usage);

/* A summary set with the raw rows of raw/ pooled in *set: -1 to go on, else the exit
 * status, its line on stderr after "PROG: ". */
int cb_tool_read_raw(const char *prog, const char *raw, struct cb_sumset **set);

/* buf[0..len) written whole to output ("-": stdout), buf freed: -1 to go on, else the exit
 * status (a failed write of stdout says its line at exit, cb_close_stdout_at_exit). */
int cb_tool_write(const char *prog, const char *output, char *buf, size_t len);

#endif
