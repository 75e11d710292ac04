/*
 * bench-info - the machine context as JSON (stdout), or with --label only the machine
 * label used for result folders.
 */
#include "build_info.h"
#include "context.h"
#include "harness.h"
#include "output.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "label", no_argument, NULL, 'l' },
        { "name", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { 0, 0, 0, 0 },
    };
    int only_label = 0, c;
    const char *name = NULL;
    cb_close_stdout_at_exit();
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":lhVn:", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            only_label = 1;
            break;
        case 'n':
            name = optarg;
            if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(name) ||
                name[0] == '.') {
                fprintf(stderr, "bench-info: --name '%s': use letters a-z, digits, '-', '_', '.'\n",
                        name);
                return CB_EXIT_USAGE;
            }
            break;
        case 'h':
            printf("Usage: bench-info [--label] [--name LABEL] [--version]\n"
                   "Prints this machine's context as JSON (libcpuid and hwloc), or with --label\n"
                   "only the machine label that names result folders; --name overrides it.\n");
            return 0;
        case 'V':
            printf("bench-info (concurrency-bench) %s, commit %s\nbuild: %s\ncompiler: %s\n"
                   "libraries: %s\n", CB_VERSION, CB_GIT_COMMIT, CB_BUILD_FLAGS, CB_COMPILER,
                   CB_LIBRARIES);
            return 0;
        case ':':
            fprintf(stderr, "bench-info: option '%s' needs a value\n", argv[optind - 1]);
            return CB_EXIT_USAGE;
        default: /* (a short option: optopt; argv[optind - 1] may be another word then) */
            if (optopt)
                fprintf(stderr, "bench-info: unknown option '-%c' (see --help)\n", optopt);
            else
                fprintf(stderr, "bench-info: unknown option '%s' (see --help)\n",
                        argv[optind - 1]);
            return CB_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "bench-info: unexpected argument '%s' (see --help)\n", argv[optind]);
        return CB_EXIT_USAGE;
    }
    struct cb_topo topo;
    char err[512];
    if (cb_topo_load(&topo, NULL, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "bench-info: %s\n", err);
        return CB_EXIT_ERROR;
    }
    int rc = 0;
    if (only_label) {
        char label[256];
        if (name)
            snprintf(label, sizeof label, "%s", name);
        else
            cb_machine_label(&topo, label, sizeof label);
        printf("%s\n", label);
    } else if (cb_context_write(stdout, &topo, name) < 0) {
        rc = CB_EXIT_ERROR;
    }
    cb_topo_destroy(&topo);
    return rc;
}
