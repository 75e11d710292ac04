/*
 * fuzz-topo-synthetic.c - --topology STRING: cb_topo_load on an arbitrary hwloc synthetic
 * description, then every placement plan (bind.h) when it loads. A description that does
 * not load, or that describes a machine too large to build, is refused with one line;
 * one that loads gives plans that are permutations of its PUs.
 */
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = cb_fuzz_str(data, size);
    struct cb_topo topo;
    char err[512] = "";
    int rc = cb_topo_load(&topo, s, NULL, err, sizeof err);
    free(s);
    if (rc < 0) {
        cb_fuzz_check_message(err);
        FUZZ_ASSERT(topo.t == NULL);
        cb_fuzz_verdict = 0;
        return 0;
    }
    FUZZ_ASSERT(!topo.thissystem && topo.pus >= 1);
    cb_fuzz_check_plans(&topo);
    cb_topo_destroy(&topo);
    cb_fuzz_verdict = 1;
    return 0;
}
