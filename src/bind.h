/*
 * bind.h - where workers run: placement plans computed from an hwloc topology, binding on
 * this system, and checking afterwards that the binding held.
 *
 * A policy is an order of the allowed PUs; worker i of p goes to order[i mod PUs], so the
 * plan for p workers is a prefix of the plan for any larger p (which lets OpenMP take one
 * OMP_PLACES list), and p above the PU count wraps around them (oversubscription).
 *   compact  PU after PU in topology order: both SMT siblings of a core, then the next core
 *   cores    one PU on every physical core first; SMT siblings only once every core has one
 *   scatter  round-robin down the tree: packages first, then NUMA nodes, shared caches,
 *            cores, and SMT siblings last, so every prefix is spread as widely as it can be
 *   none     no binding: the operating system decides (where workers ran is still recorded)
 * Where hwloc reports several CPU kinds, compact and cores fill the kind that hwloc ranks
 * highest (its greatest "efficiency" value, the performance cores) first.
 */
#ifndef CB_BIND_H
#define CB_BIND_H

#include "topo.h"

#include <stddef.h>

enum cb_bind { CB_BIND_NONE, CB_BIND_COMPACT, CB_BIND_CORES, CB_BIND_SCATTER };

const char *cb_bind_name(enum cb_bind b);
int cb_bind_parse(const char *name, enum cb_bind *out); /* 0 or -EINVAL */

/* The order of the topology's PUs (physical os_index numbers) for a policy, into
 * order[0 .. topo->pus). NONE gives the topology order. Returns 0 or -ENOMEM. */
int cb_bind_order(const struct cb_topo *topo, enum cb_bind policy, int *order);

/* The plan for p workers: plan[i] = the PU (os_index) of worker i, or -1 for NONE. */
int cb_bind_plan(const struct cb_topo *topo, enum cb_bind policy, int p, int *plan);

/* Make the topology the one binding uses (this system's, loaded by the harness). */
void cb_bind_use(const struct cb_topo *topo);

/* Bind the calling thread, or process `pid`, to PU `pu` (os_index); pu < 0 does nothing.
 * Returns 0 or -errno. Does nothing (0) when the topology is not this system. */
int cb_bind_thread(int pu);
int cb_bind_process(int pid, int pu);

/* The CPU the calling thread runs on now (sched_getcpu), or -1. */
int cb_current_cpu(void);

#endif
