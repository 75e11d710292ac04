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
#include "build_info.h"
#include "harness.h"
#include "options.h"
#include "output.h"
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
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cb_clean_line(msg); /* one line, whatever the path it quotes holds */
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
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "resamples", required_argument, NULL, 'b' },
        { "seed", required_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { 0, 0, 0, 0 },
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:qhV", opts, NULL)) != -1) {
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
            printf("bench-summary (concurrency-bench) %s, commit %s\nbuild: %s\ncompiler: %s\n",
                   CB_VERSION, CB_GIT_COMMIT, CB_BUILD_FLAGS, CB_COMPILER);
            return CB_EXIT_OK;
        case ':':
            return usage("option '%s' needs a value (see --help)", argv[optind - 1]);
        default: /* (a short option: optopt; argv[optind - 1] may be another word then) */
            if (optopt)
                return usage("unknown option '-%c' (see --help)", optopt);
            return usage("unknown option '%s' (see --help)", argv[optind - 1]);
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
    const char *dir = argv[optind];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return usage("%s: no such results folder", dir);

    char raw[PATH_MAX], target[PATH_MAX], err[PATH_MAX + 256] = "";
    if (snprintf(raw, sizeof raw, "%s/raw", dir) >= (int)sizeof raw ||
        snprintf(target, sizeof target, "%s/summary.csv", dir) >= (int)sizeof target)
        return usage("%s: path too long", dir);
    if (stat(raw, &st) != 0 || !S_ISDIR(st.st_mode))
        return usage("%s: no raw/ folder: not a results folder written by the sweep (cbench.sh sweep)",
                     dir);
    if (!output)
        output = target;
    if (strcmp(output, "-") != 0 && stat(output, &st) == 0 && S_ISDIR(st.st_mode))
        return usage("--output '%s': is a folder", output);

    cb_output_signals();

    struct cb_sumset *set;
    if (cb_sumset_create(&set) < 0) {
        fprintf(stderr, "bench-summary: out of memory\n");
        return CB_EXIT_ERROR;
    }
    int rc = cb_sumset_add_dir(set, raw, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "bench-summary: %s\n", err);
        cb_sumset_free(set);
        return rc == -ENOMEM || rc == -EIO ? CB_EXIT_ERROR : CB_EXIT_USAGE;
    }

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
    int to_stdout = strcmp(output, "-") == 0;
    if (to_stdout) {
        rc = cb_output_commit(NULL, buf, len) == 0 ? 0 : -EIO;
    } else {
        rc = cb_output_write_atomic(output, buf, len);
    }
    free(buf);
    if (rc < 0 && to_stdout) /* its line comes at exit (cb_close_stdout_at_exit) */
        return CB_EXIT_ERROR;
    if (rc < 0) {
        fprintf(stderr, "bench-summary: cannot write %s: %s\n", output, strerror(-rc));
        return CB_EXIT_ERROR;
    }
    if (!quiet)
        fprintf(stderr, "bench-summary: %zu points from %zu files -> %s%s%s\n", cnt.points,
                cnt.files, output, cnt.unverified ? " (some points NOT verified)" : "",
                cnt.no_seq ? " (no bench-seq baseline for some points)" : "");
    return CB_EXIT_OK;
}
