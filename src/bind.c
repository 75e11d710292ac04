/*
 * bind.c - see bind.h.
 */
#define _GNU_SOURCE
#include "bind.h"

#include "base.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

static const char *const names[] = { "none", "compact", "cores", "scatter" };

#define NNAMES (unsigned)(sizeof names / sizeof names[0])

const char *cb_bind_name(enum cb_bind b)
{
    return cb_name_of(names, NNAMES, (unsigned)b, "?");
}

int cb_bind_parse(const char *name, enum cb_bind *out)
{
    int i = cb_name_index(names, NNAMES, name);
    if (i >= 0)
        *out = (enum cb_bind)i;
    return i < 0 ? -EINVAL : 0;
}

/* The hwloc efficiency rank of a PU's kind (higher first); 0 with a single kind. */
static int kind_rank(hwloc_topology_t t, hwloc_obj_t pu)
{
    int nk = hwloc_cpukinds_get_nr(t, 0);
    if (nk <= 1)
        return 0;
    int k = hwloc_cpukinds_get_by_cpuset(t, pu->cpuset, 0);
    if (k < 0)
        return -1;
    int eff = -1;
    hwloc_cpukinds_get_info(t, (unsigned)k, NULL, &eff, NULL, NULL, 0);
    return eff >= 0 ? eff : k; /* unknown efficiencies: hwloc still lists kinds in order */
}

struct pu_key {
    int os, rank, logical, sibling; /* sibling: index of the PU inside its core */
};

/* Three-way comparison without the overflow of a difference (efficiencies come from the
 * topology, an XML file may hold any int). */
static int cmp3(int a, int b)
{
    return (a > b) - (a < b);
}

static int by_compact(const void *a, const void *b)
{
    const struct pu_key *x = a, *y = b;
    if (x->rank != y->rank)
        return cmp3(y->rank, x->rank);
    return cmp3(x->logical, y->logical);
}

static int by_cores(const void *a, const void *b)
{
    const struct pu_key *x = a, *y = b;
    if (x->sibling != y->sibling)
        return cmp3(x->sibling, y->sibling);
    return by_compact(a, b);
}

/* The PU objects in obj's subtree (its cpuset's weight is not that count in a topology
 * from an XML file, which may give any cpuset, even an infinite one). */
static int count_pus(hwloc_obj_t obj)
{
    if (obj->type == HWLOC_OBJ_PU)
        return 1;
    int n = 0;
    for (unsigned i = 0; i < obj->arity; i++)
        n += count_pus(obj->children[i]);
    return n;
}

/* Scatter: the PUs below obj, interleaved one child at a time. Appends to out[*n], which
 * has room for count_pus(obj) more. */
static int scatter(hwloc_obj_t obj, int *out, int *n)
{
    if (obj->type == HWLOC_OBJ_PU) {
        out[(*n)++] = (int)obj->os_index;
        return 0;
    }
    unsigned k = obj->arity;
    if (k == 0)
        return 0;
    int **lists = calloc(k, sizeof *lists), *lens = calloc(k, sizeof *lens);
    int rc = lists && lens ? 0 : -ENOMEM;
    for (unsigned i = 0; i < k && rc == 0; i++) {
        int w = count_pus(obj->children[i]);
        lists[i] = malloc(sizeof(int) * (size_t)(w > 0 ? w : 1));
        if (!lists[i] || (rc = scatter(obj->children[i], lists[i], &lens[i])) < 0)
            rc = -ENOMEM;
    }
    for (int round = 0, more = 1; rc == 0 && more; round++) {
        more = 0;
        for (unsigned i = 0; i < k; i++)
            if (round < lens[i]) {
                out[(*n)++] = lists[i][round];
                more = 1;
            }
    }
    for (unsigned i = 0; lists && i < k; i++)
        free(lists[i]);
    free(lists);
    free(lens);
    return rc;
}

int cb_bind_order(const struct cb_topo *topo, enum cb_bind policy, int *order)
{
    hwloc_topology_t t = topo->t;
    int n = topo->pus;
    if (policy == CB_BIND_SCATTER) {
        /* the PUs of the tree are the topology's PUs, but scatter into a buffer of the
         * tree's own count all the same: order[] has room for n only */
        hwloc_obj_t root = hwloc_get_root_obj(t);
        int got = 0, tree = count_pus(root);
        if (tree != n)
            return -EINVAL;
        return scatter(root, order, &got) < 0 ? -ENOMEM : got == n ? 0 : -EINVAL;
    }
    struct pu_key *keys = calloc((size_t)n, sizeof *keys);
    if (!keys)
        return -ENOMEM;
    for (int i = 0; i < n; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned)i);
        hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, pu);
        keys[i].os = (int)pu->os_index;
        keys[i].logical = (int)pu->logical_index;
        keys[i].rank = kind_rank(t, pu);
        keys[i].sibling = 0;
        if (core) /* this PU's position among its core's PUs */
            for (hwloc_obj_t s = pu->prev_cousin; s && hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, s) == core; s = s->prev_cousin)
                keys[i].sibling++;
    }
    if (policy == CB_BIND_CORES)
        qsort(keys, (size_t)n, sizeof *keys, by_cores);
    else if (policy == CB_BIND_COMPACT)
        qsort(keys, (size_t)n, sizeof *keys, by_compact);
    for (int i = 0; i < n; i++)
        order[i] = keys[i].os;
    free(keys);
    return 0;
}

int cb_bind_plan(const struct cb_topo *topo, enum cb_bind policy, int p, int *plan)
{
    if (policy == CB_BIND_NONE) {
        for (int i = 0; i < p; i++)
            plan[i] = -1;
        return 0;
    }
    int *order = malloc(sizeof(int) * (size_t)topo->pus);
    if (!order)
        return -ENOMEM;
    int rc = cb_bind_order(topo, policy, order);
    for (int i = 0; rc == 0 && i < p; i++)
        plan[i] = order[i % topo->pus];
    free(order);
    return rc;
}

static const struct cb_topo *bind_topo;

void cb_bind_use(const struct cb_topo *topo)
{
    bind_topo = topo;
}

/* A cpuset holding PU `pu`, or NULL. */
static hwloc_bitmap_t set_of(int pu)
{
    hwloc_obj_t obj = hwloc_get_pu_obj_by_os_index(bind_topo->t, (unsigned)pu);
    return obj ? hwloc_bitmap_dup(obj->cpuset) : NULL;
}

int cb_bind_thread(int pu)
{
    if (pu < 0 || !bind_topo || !bind_topo->thissystem)
        return 0;
    hwloc_bitmap_t set = set_of(pu);
    if (!set)
        return -EINVAL;
    int rc = hwloc_set_cpubind(bind_topo->t, set, HWLOC_CPUBIND_THREAD) < 0 ? -errno : 0;
    hwloc_bitmap_free(set);
    return rc;
}

int cb_bind_process(int pid, int pu)
{
    if (pu < 0 || !bind_topo || !bind_topo->thissystem)
        return 0;
    hwloc_bitmap_t set = set_of(pu);
    if (!set)
        return -EINVAL;
    int rc = hwloc_set_proc_cpubind(bind_topo->t, pid, set, HWLOC_CPUBIND_PROCESS) < 0 ? -errno : 0;
    hwloc_bitmap_free(set);
    return rc;
}

int cb_current_cpu(void)
{
    return sched_getcpu();
}
