/*
 * topo.h - the machine's topology through hwloc.
 *
 * The topology is loaded restricted to the CPUs this process may run on (taskset or a
 * cgroup), so `all` and every plan mean the PUs actually allowed. Every hwloc call that
 * can fail silently into "the whole real machine" is checked (see PLATFORM.md).
 */
#ifndef CB_TOPO_H
#define CB_TOPO_H

#include <hwloc.h>
#include <stdint.h>

struct cb_topo {
    hwloc_topology_t t;
    int thissystem;  /* 1 if the topology is this machine (binding is real) */
    int pus, cores, packages, numa;
    uint64_t memory;       /* bytes of RAM: the kernel's figure on this system */
    uint64_t hwloc_memory; /* bytes hwloc counts in the topology */
};

/* Load this machine's topology (or, if synthetic/xml is non-NULL, that description).
 * Returns 0, or -errno with one line in err. */
int cb_topo_load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                 size_t errlen);
void cb_topo_destroy(struct cb_topo *topo);

#endif
