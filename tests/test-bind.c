/*
 * test-bind.c - placement plans have the properties their definitions promise, on
 * topologies this machine does not have: for every p from 1 to 2 x PUs,
 *   all policies: distinct PUs up to the PU count, then wrapping (worker i on plan[i % PUs]),
 *                 and every plan a prefix of the next (p+1);
 *   compact:      the fewest cores and packages that can hold p workers;
 *   cores:        distinct cores while p <= cores; no core twice before every core has one;
 *   scatter:      distinct packages, NUMA nodes, then cores while p allows, and the workers
 *                 per package and per NUMA node never differ by more than one;
 *   CPU kinds:    compact and cores fill the kind hwloc ranks highest first.
 * argv[1] is the two-kind XML fixture.
 */
#include "bind.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* The object of `type` holding PU os. NUMA nodes are memory children in hwloc 2, not
 * ancestors of PUs: they are found by their cpuset. */
static hwloc_obj_t ancestor(const struct cb_topo *t, int os, hwloc_obj_type_t type)
{
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t->t, (unsigned)os);
    if (!pu)
        return NULL;
    if (type == HWLOC_OBJ_NUMANODE) {
        hwloc_obj_t node = NULL;
        while ((node = hwloc_get_next_obj_by_type(t->t, type, node)))
            if (hwloc_bitmap_isset(node->cpuset, (unsigned)os))
                return node;
        return NULL;
    }
    return hwloc_get_ancestor_obj_by_type(t->t, type, pu);
}

/* how many distinct objects of `type` the first p workers use, and the largest and
 * smallest number of workers on one object of that type (over all such objects) */
static void spread(const struct cb_topo *t, const int *plan, int p, hwloc_obj_type_t type,
                   int *distinct, int *maxc, int *minc)
{
    int n = hwloc_get_nbobjs_by_type(t->t, type);
    int *count = calloc((size_t)(n > 0 ? n : 1), sizeof *count);
    for (int i = 0; i < p; i++) {
        hwloc_obj_t a = ancestor(t, plan[i], type);
        if (a)
            count[a->logical_index]++;
    }
    *distinct = 0;
    *maxc = 0;
    *minc = p;
    for (int i = 0; i < n; i++) {
        *distinct += count[i] > 0;
        if (count[i] > *maxc)
            *maxc = count[i];
        if (count[i] < *minc)
            *minc = count[i];
    }
    free(count);
}

static int ceil_div(int a, int b)
{
    return (a + b - 1) / b;
}

static void check_topology(const char *synthetic, const char *xml)
{
    struct cb_topo t;
    char err[256];
    if (cb_topo_load(&t, synthetic, xml, err, sizeof err) < 0) {
        fprintf(stderr, "cannot load %s: %s\n", synthetic ? synthetic : xml, err);
        CHECK(0);
        return;
    }
    CHECK(!t.thissystem); /* binding must be a no-op here */
    const int npus = t.pus, pus_per_core = npus / t.cores;
    const char *name = synthetic ? synthetic : xml;
    int *plan = malloc(sizeof(int) * (size_t)(2 * npus + 1));
    int *prev = malloc(sizeof(int) * (size_t)(2 * npus + 1));
    for (int pol = CB_BIND_COMPACT; pol <= CB_BIND_SCATTER; pol++) {
        for (int p = 1; p <= 2 * npus; p++) {
            int ok = cb_bind_plan(&t, (enum cb_bind)pol, p, plan) == 0;
            /* distinct PUs, wrapping, prefix of the plan for p - 1, PUs that exist */
            for (int i = 0; i < p && ok; i++) {
                ok &= hwloc_get_pu_obj_by_os_index(t.t, (unsigned)plan[i]) != NULL;
                for (int j = 0; j < i && i < npus; j++)
                    ok &= plan[i] != plan[j];
                if (i >= npus)
                    ok &= plan[i] == plan[i % npus];
                if (p > 1 && i < p - 1)
                    ok &= plan[i] == prev[i];
            }
            int m = p < npus ? p : npus, d, mx, mn;
            if (pol == CB_BIND_COMPACT) {
                spread(&t, plan, m, HWLOC_OBJ_CORE, &d, &mx, &mn);
                ok &= d == ceil_div(m, pus_per_core);
                int per_pack = npus / t.packages;
                spread(&t, plan, m, HWLOC_OBJ_PACKAGE, &d, &mx, &mn);
                ok &= d == ceil_div(m, per_pack);
            } else if (pol == CB_BIND_CORES) {
                spread(&t, plan, m, HWLOC_OBJ_CORE, &d, &mx, &mn);
                ok &= d == (m < t.cores ? m : t.cores);
                ok &= mx - (m >= t.cores ? mn : 0) <= 1 || m < t.cores;
                ok &= mx <= ceil_div(m, t.cores);
            } else {
                spread(&t, plan, m, HWLOC_OBJ_PACKAGE, &d, &mx, &mn);
                ok &= d == (m < t.packages ? m : t.packages) && mx - mn <= 1;
                if (t.numa > 0) {
                    spread(&t, plan, m, HWLOC_OBJ_NUMANODE, &d, &mx, &mn);
                    ok &= d == (m < t.numa ? m : t.numa) && mx - mn <= 1;
                }
                spread(&t, plan, m, HWLOC_OBJ_CORE, &d, &mx, &mn);
                ok &= d == (m < t.cores ? m : t.cores);
            }
            if (!ok) {
                fprintf(stderr, "%s bind=%s p=%d:", name, cb_bind_name((enum cb_bind)pol), p);
                for (int i = 0; i < p; i++)
                    fprintf(stderr, " %d", plan[i]);
                fprintf(stderr, "\n");
            }
            CHECK(ok);
            memcpy(prev, plan, sizeof(int) * (size_t)p);
        }
    }
    /* none: unbound */
    cb_bind_plan(&t, CB_BIND_NONE, 3, plan);
    CHECK(plan[0] == -1 && plan[2] == -1);
    free(plan);
    free(prev);
    cb_topo_destroy(&t);
}

/* two kinds: PUs 4-7 are hwloc's higher-ranked kind */
static void check_kinds(const char *xml)
{
    struct cb_topo t;
    char err[256];
    if (cb_topo_load(&t, NULL, xml, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        CHECK(0);
        return;
    }
    CHECK_EQ_U64(hwloc_cpukinds_get_nr(t.t, 0), 2);
    int plan[8];
    cb_bind_plan(&t, CB_BIND_COMPACT, 4, plan);
    for (int i = 0; i < 4; i++)
        CHECK(plan[i] >= 4);
    cb_bind_plan(&t, CB_BIND_CORES, 2, plan); /* one PU on each core of the better kind */
    CHECK(plan[0] >= 4 && plan[1] >= 4 &&
          ancestor(&t, plan[0], HWLOC_OBJ_CORE) != ancestor(&t, plan[1], HWLOC_OBJ_CORE));
    cb_topo_destroy(&t);
}

static void check_errors(void)
{
    struct cb_topo t;
    char err[256] = "";
    CHECK(cb_topo_load(&t, "pack:2 banana:3", NULL, err, sizeof err) < 0);
    CHECK(strstr(err, "synthetic") != NULL);
    err[0] = '\0';
    CHECK(cb_topo_load(&t, NULL, "/nonexistent/topology.xml", err, sizeof err) < 0);
    CHECK(strstr(err, "XML") != NULL);
    enum cb_bind b;
    CHECK(cb_bind_parse("scatter", &b) == 0 && b == CB_BIND_SCATTER);
    CHECK(cb_bind_parse("spread", &b) < 0);
}

int main(int argc, char **argv)
{
    check_topology("pack:2 numa:2 core:8 pu:2", NULL);
    check_topology("pack:1 core:4 pu:2", NULL);
    check_topology("pack:4 core:16 pu:1", NULL);
    check_topology("pack:2 l3:2 core:3 pu:2", NULL);
    if (argc > 1) {
        check_topology(NULL, argv[1]);
        check_kinds(argv[1]);
    }
    check_errors();
    return check_status("test-bind");
}
