/*
 * stats-tool.c - see stats-tool.h.
 */
#define _GNU_SOURCE
#include "stats-tool.h"

#include "build_info.h"
#include "harness.h"
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const struct option cb_tool_options[] = {
    { "output", required_argument, NULL, 'o' },
    { "resamples", required_argument, NULL, 'b' },
    { "seed", required_argument, NULL, 's' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { 0, 0, 0, 0 },
};

int cb_tool_bad_option(int c, char **argv, cb_stats_usage_fn usage)
{
    if (c == ':')
        return usage("option '%s' needs a value (see --help)", argv[optind - 1]);
    if (optopt) /* (a short option: argv[optind - 1] may be another word) */
        return usage("unknown option '-%c' (see --help)", optopt);
    return usage("unknown option '%s' (see --help)", argv[optind - 1]);
}

void cb_tool_version(const char *prog)
{
    printf("%s (concurrency-bench) %s, commit %s\nbuild: %s\ncompiler: %s\n", prog,
           CB_VERSION, CB_GIT_COMMIT, CB_BUILD_FLAGS, CB_COMPILER);
}

int cb_tool_results_dir(const char *dir, const char *file, const char **output, char *raw,
                        char *target, cb_stats_usage_fn usage)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return usage("%s: no such results folder", dir);
    if (snprintf(raw, PATH_MAX, "%s/raw", dir) >= PATH_MAX ||
        snprintf(target, PATH_MAX, "%s/%s", dir, file) >= PATH_MAX)
        return usage("%s: path too long", dir);
    if (stat(raw, &st) != 0 || !S_ISDIR(st.st_mode))
        return usage("%s: no raw/ folder: not a results folder written by the sweep "
                     "(cbench.sh sweep)", dir);
    if (!*output)
        *output = target;
    if (strcmp(*output, "-") != 0 && stat(*output, &st) == 0 && S_ISDIR(st.st_mode))
        return usage("--output '%s': is a folder", *output);
    return -1;
}

int cb_tool_read_raw(const char *prog, const char *raw, struct cb_sumset **set)
{
    char err[PATH_MAX + 256] = "";
    if (cb_sumset_create(set) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    int rc = cb_sumset_add_dir(*set, raw, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        cb_sumset_free(*set);
        return rc == -ENOMEM || rc == -EIO ? CB_EXIT_ERROR : CB_EXIT_USAGE;
    }
    return -1;
}

int cb_tool_write(const char *prog, const char *output, char *buf, size_t len)
{
    int to_stdout = strcmp(output, "-") == 0, rc;
    if (to_stdout)
        rc = cb_output_commit(NULL, buf, len) == 0 ? 0 : -EIO;
    else
        rc = cb_output_write_atomic(output, buf, len);
    free(buf);
    if (rc < 0 && to_stdout) /* its line comes at exit (cb_close_stdout_at_exit) */
        return CB_EXIT_ERROR;
    if (rc < 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, output, strerror(-rc));
        return CB_EXIT_ERROR;
    }
    return -1;
}
