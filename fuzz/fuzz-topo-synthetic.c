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
    cb_fuzz_topo_verdict(rc, &topo, err);
    return 0;
}
