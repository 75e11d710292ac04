/*
 * cli.h - the one command-line table of the benchmark binaries: the models' binaries
 * (harness.c) and the micro-benchmarks (micro.c) take their options from it, each option
 * with one code whatever the binary, and parse the options they share here, with the same
 * checks and the same one-line errors.
 *
 * Parsing only: what a binary does with its options (loading the topology, checking the
 * limits, planning, reserving the output) is its own and comes after.
 */
#ifndef CB_CLI_H
#define CB_CLI_H

#include "base.h"
#include "bind.h"

#include <getopt.h>
#include <stdint.h>

/* Who takes an option. */
enum { CB_CLI_MODELS = 1u << 0, CB_CLI_MICRO = 1u << 1 };

/* Every option's code: its short letter, or a number above 1000 for a long option alone. */
enum cb_opt {
    CB_OPT_KERNEL = 'k',
    CB_OPT_SIZE = 'n',
    CB_OPT_WORKERS = 'w',
    CB_OPT_SCHEDULE = 's',
    CB_OPT_CHUNK = 'c',
    CB_OPT_REPS = 'r',
    CB_OPT_OUTPUT = 'o',
    CB_OPT_BIND = 'b',
    CB_OPT_QUIET = 'q',
    CB_OPT_HELP = 'h',
    CB_OPT_VERSION = 'V',
    CB_OPT_WARMUP = 1001,
    CB_OPT_SEED,
    CB_OPT_TIMEOUT,
    CB_OPT_RAW,
    CB_OPT_SEQUENTIAL_ORDER,
    CB_OPT_START,
    CB_OPT_CHANNEL,
    CB_OPT_MODEL_INFO,
    CB_OPT_TOPOLOGY,
    CB_OPT_TOPOLOGY_XML,
    CB_OPT_PLAN,
    CB_OPT_JSON,
    CB_OPT_WAIT,
    CB_OPT_FOREIGN_TOPOLOGY,
    CB_OPT_SIZES,
    CB_OPT_ONLY,
    CB_OPT_BETWEEN,
    CB_OPT_DELAY,
    CB_OPT_MIN_TIME,
    CB_OPT_QUICK,
};

/* Where the options both kinds of binary take go: the caller's own fields, holding its
 * defaults. */
struct cb_cli_common {
    int *reps, *warmup;
    uint64_t *seed;
    double *timeout;      /* seconds, 0: none */
    const char **output;
    int *raw, *quiet;
    enum cb_bind *bind;
};

/* Start parsing for program `prog` (the name usage lines begin with) and the binaries
 * `who`: the long options and the short-option string of getopt_long for them. */
void cb_cli_begin(const char *prog, unsigned who, const struct option **longopts,
                  const char **shortopts);

/* Print "PROG: MESSAGE (see --help)" on stderr, the message made one line, and return
 * CB_EXIT_USAGE. */
int cb_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse option `code` with value `arg` if it is a shared one (reps, warmup, seed, timeout,
 * output, raw, quiet, bind) into *c: 0 when done, 1 when `code` is not a shared option,
 * CB_EXIT_USAGE (the line printed) for a bad value, -1 for --version (printed). Also answers getopt_long's ':' (a
 * missing value) and '?' (an unknown option) with their line. */
int cb_cli_common(int code, const char *arg, char **argv, struct cb_cli_common *c);

/* Parse the whole command line of program `prog`, one of the binaries `who`: the shared
 * options into *c (holding the caller's defaults), every other option of the table through
 * own(code, value, ctx); a left-over argument is refused. 0, -1 (own printed what was
 * asked: --help, --version) or an exit status, the line printed. */
int cb_cli_parse(int argc, char **argv, const char *prog, unsigned who, struct cb_cli_common *c,
                 int (*own)(int code, const char *arg, void *ctx), void *ctx);

/* --version: the program, the suite's version and commit, the build flags and compiler. */
void cb_cli_version(void);

#endif
