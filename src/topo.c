/*
 * topo.c - see topo.h.
 */
#include "topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int count(hwloc_topology_t t, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(t, type);
    return n > 0 ? n : 0;
}

int cb_topo_load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                 size_t errlen)
{
    memset(topo, 0, sizeof *topo);
    if (hwloc_topology_init(&topo->t) < 0) {
        snprintf(err, errlen, "hwloc: cannot initialise a topology: %s", strerror(errno));
        return -errno;
    }
    if (synthetic) {
        if (hwloc_topology_set_synthetic(topo->t, synthetic) < 0) {
            snprintf(err, errlen, "--topology '%s': not a valid hwloc synthetic description",
                     synthetic);
            goto fail;
        }
    } else if (xml) {
        if (hwloc_topology_set_xml(topo->t, xml) < 0) {
            snprintf(err, errlen, "--topology-xml '%s': cannot load it as an hwloc XML topology",
                     xml);
            goto fail;
        }
    } else {
        /* RESTRICT alone fails with EINVAL; both flags honour taskset's affinity. A program
         * that re-executed itself for OpenMP (harness.c) was bound by the runtime before
         * main, so it passes the cpuset it was started with in CB_ALLOWED_CPUSET instead. */
        unsigned long flags = HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM;
        if (!getenv("CB_ALLOWED_CPUSET"))
            flags |= HWLOC_TOPOLOGY_FLAG_RESTRICT_TO_CPUBINDING;
        if (hwloc_topology_set_flags(topo->t, flags) < 0) {
            snprintf(err, errlen, "hwloc: cannot restrict the topology to this process's CPUs: %s",
                     strerror(errno));
            goto fail;
        }
    }
    if (hwloc_topology_load(topo->t) < 0) {
        snprintf(err, errlen, "hwloc: cannot load the topology: %s", strerror(errno));
        goto fail;
    }
    const char *allowed = synthetic || xml ? NULL : getenv("CB_ALLOWED_CPUSET");
    if (allowed) {
        hwloc_bitmap_t set = hwloc_bitmap_alloc();
        int bad = !set || hwloc_bitmap_list_sscanf(set, allowed) < 0 ||
                  hwloc_topology_restrict(topo->t, set, 0) < 0;
        hwloc_bitmap_free(set);
        if (bad) {
            snprintf(err, errlen, "hwloc: cannot restrict the topology to CB_ALLOWED_CPUSET '%s'",
                     allowed);
            goto fail;
        }
    }
    topo->thissystem = hwloc_topology_is_thissystem(topo->t);
    topo->pus = count(topo->t, HWLOC_OBJ_PU);
    topo->cores = count(topo->t, HWLOC_OBJ_CORE);
    topo->packages = count(topo->t, HWLOC_OBJ_PACKAGE);
    topo->numa = count(topo->t, HWLOC_OBJ_NUMANODE);
    if (topo->cores == 0)
        topo->cores = topo->pus;
    topo->hwloc_memory = hwloc_get_root_obj(topo->t)->total_memory;
    /* hwloc's total can undercount on VMs with hot-plugged memory (seen: 4.9 of 24 GB), so
     * limits use what the kernel reports for this system, and both are recorded */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    topo->memory = topo->thissystem && pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page
                                                             : topo->hwloc_memory;
    if (topo->pus < 1) {
        snprintf(err, errlen, "hwloc: the topology has no usable processing unit");
        goto fail;
    }
    return 0;
fail:
    hwloc_topology_destroy(topo->t);
    topo->t = NULL;
    return -EINVAL;
}

void cb_topo_destroy(struct cb_topo *topo)
{
    if (topo->t)
        hwloc_topology_destroy(topo->t);
    topo->t = NULL;
}
