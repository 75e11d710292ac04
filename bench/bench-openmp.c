/* bench-openmp - the kernels under #pragma omp parallel for, with the suite's schedules.
 *
 * libgomp reads OMP_PROC_BIND, OMP_PLACES and GOMP_CPU_AFFINITY when it loads, before
 * main, and pins the main thread: hwloc would then see one PU and every plan and row would
 * be wrong (p = 2 on one PU). So unless the harness re-executed this program with its own
 * placement (CB_OMP_BIND=PID:POLICY with its own PID, harness.c), a run, --plan included, is refused when one of them
 * is set; --help, --version and --model-info, which do not depend on where it runs, are
 * answered. */
#include "harness.h"
#include "topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct cb_model cb_model_openmp;

static int asks_only_about_itself(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ||
            !strcmp(argv[i], "--version") || !strcmp(argv[i], "-V") ||
            !strcmp(argv[i], "--model-info"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const inherited[] = { "OMP_PROC_BIND", "OMP_PLACES",
                                             "GOMP_CPU_AFFINITY", NULL };
    for (int i = 0; inherited[i] && !cb_omp_reexecuted(); i++)
        if (getenv(inherited[i]) && !asks_only_about_itself(argc, argv)) {
            fprintf(stderr, "bench-openmp: %s is set in the environment: libgomp binds this "
                    "program before it starts, so its team could not follow the suite's "
                    "placement; unset OMP_PROC_BIND, OMP_PLACES and GOMP_CPU_AFFINITY (the "
                    "suite places the workers, --bind)\n", inherited[i]);
            return CB_EXIT_USAGE;
        }
    return cb_main(argc, argv, &cb_model_openmp);
}
