/*
 * topo.h - the machine's topology through hwloc.
 *
 * The topology is loaded restricted to the CPUs this process may run on (taskset or a
 * cgroup), so `all` and every plan mean the PUs actually allowed. Every hwloc call that
 * can fail silently into "the whole real machine" is checked.
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

/* The largest topology loaded. hwloc's time to build a synthetic topology grows with its
 * PUs times the widest level: about 2 s here for 8192 PUs with 512 objects under one
 * parent, 50 s for 16384 PUs with 4096 cores in a package, minutes beyond; the largest
 * machines have a few thousand PUs and a few hundred cores per package. An XML export of
 * 8192 PUs is about 5 MiB (libxml2 refuses documents over 10 MB read from memory). */
#define CB_TOPO_MAX_PUS 8192
#define CB_TOPO_MAX_ARITY 512
#define CB_TOPO_XML_MAX (8 << 20)

/* Load this machine's topology (or, if synthetic/xml is non-NULL, that description: a
 * synthetic one of at most CB_TOPO_MAX_PUS PUs and CB_TOPO_MAX_ARITY objects per parent, an XML file that is a regular file of at
 * most CB_TOPO_XML_MAX bytes). Returns 0, or -errno with one line in err (and topo->t
 * NULL). */
int cb_topo_load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                 size_t errlen);
void cb_topo_destroy(struct cb_topo *topo);

/* The OS indexes of the topology's PUs (the allowed ones), in hwloc's logical order, into
 * out[0..topo->pus-1] (-1 where hwloc has none). */
void cb_topo_os_indexes(const struct cb_topo *topo, int *out);

/* Whether this process is bench-openmp's own re-execution (harness.c, omp_places): the
 * harness sets CB_OMP_BIND=PID:POLICY with its own PID, which execv keeps, so a
 * CB_OMP_BIND inherited from elsewhere (another process's PID) is not taken for one, and
 * neither is its CB_ALLOWED_CPUSET. */
int cb_omp_reexecuted(void);

#endif
