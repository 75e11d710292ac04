/*
 * bench-summary - the statistics of a sweep's results folder (summary.h): reads the raw
 * rows of every CSV in DIR/raw/ and writes DIR/summary.csv, one row per model x kernel x
 * worker count with medians, CIs, speedups, efficiency and Karp-Flatt fraction, each ratio
 * with its bootstrap interval.
 *
 * This is a tool, not a model: it has no --model-info, so scripts that discover models by
 * asking every build/bench/bench-* binary never take it for one. Everything is read and
 * checked before anything is written; the output is written to a temporary file beside the
 * target and renamed into place, so a reader never sees half a summary.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "options.h"
#include "output.h"
#include "stats-tool.h"
#include "summary.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    cb_vformat_line(msg, sizeof msg, fmt, ap); /* one line, whatever the path it quotes */
    va_end(ap);
    fprintf(stderr, "bench-summary: %s\n", msg);
    return CB_EXIT_USAGE;
}

static void help(void)
{
    printf("Usage: bench-summary [OPTION]... DIR\n"
           "Reads the raw rows (row=raw) of every CSV file in DIR/raw/, as the driver's sweep\n"
           "writes them, pools each model x kernel x size x worker count over the files,\n"
           "and writes DIR/summary.csv: median with its 95%% CI, absolute speedup against\n"
           "bench-seq of the same folder, relative speedup against the same model at p = 1,\n"
           "efficiency and Karp-Flatt serial fraction, each ratio with a 95%% percentile\n"
           "bootstrap interval, the verdict and the warnings.\n\n"
           "  -o, --output FILE   write FILE instead of DIR/summary.csv ('-': stdout)\n"
           "      --resamples N   bootstrap resamples (default %d)\n"
           "      --seed N        bootstrap seed (default %d)\n"
           "  -q, --quiet         no closing line on stderr\n"
           "  -h, --help          this text\n"
           "  -V, --version       version and build\n\n"
           "Exit status: 0 success, 1 system error, 2 bad command line or bad input (a\n"
           "missing, empty or corrupt folder or CSV: one line names it, nothing is written).\n",
           CB_SUM_RESAMPLES, CB_SUM_SEED);
}

/* The command line's options */
struct sum_opts {
    const char *output;
    int resamples, quiet;
    uint64_t seed;
};

/* The options into o (optind then at the folder): -1 to go on, else the exit status
 * (--help and --version: 0) */
static int parse_options(int argc, char **argv, struct sum_opts *o)
{
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qhV", cb_tool_options, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o':
            if (!*optarg)
                return usage("--output: empty file name");
            o->output = optarg;
            break;
        case 'b': {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || *end || v < 100 || v > 1000000)
                return usage("--resamples '%s': not a count from 100 to 1000000", optarg);
            o->resamples = (int)v;
            break;
        }
        case 's': {
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || *optarg == '-')
                return usage("--seed '%s': not an unsigned integer", optarg);
            o->seed = v;
            break;
        }
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            help();
            return CB_EXIT_OK;
        case 'V':
            cb_tool_version("bench-summary");
            return CB_EXIT_OK;
        default: /* ':' or '?' */
            return cb_tool_bad_option(c, argv, usage);
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    struct sum_opts o = { .resamples = CB_SUM_RESAMPLES, .seed = CB_SUM_SEED };
    cb_close_stdout_at_exit();
    int prc = parse_options(argc, argv, &o);
    if (prc >= 0)
        return prc;
    const char *output = o.output;
    int resamples = o.resamples, quiet = o.quiet;
    uint64_t seed = o.seed;
    if (optind != argc - 1)
        return usage("%sexpected one results folder (see --help)",
                     optind < argc ? "" : "no folder given: ");
    char raw[PATH_MAX], target[PATH_MAX];
    int rc = cb_tool_results_dir(argv[optind], "summary.csv", &output, raw, target, usage);
    if (rc >= 0)
        return rc;

    cb_output_signals();

    struct cb_sumset *set;
    if ((rc = cb_tool_read_raw("bench-summary", raw, &set)) >= 0)
        return rc;

    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct cb_sum_counts cnt;
    rc = mem ? cb_sumset_write(set, mem, resamples, seed, &cnt) : -ENOMEM;
    if (mem && fclose(mem) != 0 && rc == 0)
        rc = -ENOMEM;
    cb_sumset_free(set);
    if (rc < 0) {
        fprintf(stderr, "bench-summary: cannot compute the summary: %s\n", strerror(-rc));
        free(buf);
        return CB_EXIT_ERROR;
    }
    if ((rc = cb_tool_write("bench-summary", output, buf, len)) >= 0)
        return rc;
    if (!quiet)
        fprintf(stderr, "bench-summary: %zu points from %zu files -> %s%s%s\n", cnt.points,
                cnt.files, output, cnt.unverified ? " (some points NOT verified)" : "",
                cnt.no_seq ? " (no bench-seq baseline for some points)" : "");
    return CB_EXIT_OK;
}
