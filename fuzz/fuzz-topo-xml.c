/*
 * fuzz-topo-xml.c - --topology-xml FILE: cb_topo_load on an arbitrary file, then every
 * placement plan (bind.h) on the topology when hwloc accepted it. A file that does not load
 * is refused with one line; one that loads gives plans that are permutations of its PUs.
 * hwloc's own XML parser is not instrumented here; what is fuzzed is our side of it: the
 * checks before loading and everything computed from what hwloc built.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = cb_fuzz_file(data, size);
    struct cb_topo topo;
    char err[512] = "";
    int rc = cb_topo_load(&topo, NULL, path, err, sizeof err);
    cb_fuzz_topo_verdict(rc, &topo, err);
    return 0;
}
