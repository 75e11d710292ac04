/*
 * environ.h - what around a run decides what it measures, read in one place for
 * bench-info's context.json and for every model binary's rows (issue 16, a run's
 * integrity): the cgroup's CPU quota, the context id, and whether hwloc describes this
 * machine at all.
 *
 * The context id is a 16-hex-digit FNV-1a 64 hash of what defines where and how a run
 * measures, so that rows measured under different conditions are never pooled:
 *   - the schema version (CB_SCHEMA_VERSION);
 *   - the build: CB_GIT_COMMIT, CB_BUILD_FLAGS, CB_COMPILER, CB_LIBRARIES;
 *   - the hostname;
 *   - the topology's allowed cpuset as the harness sees it (hwloc's allowed cpuset after
 *     topo.c's restriction: the binding under taskset, CB_ALLOWED_CPUSET in bench-openmp's
 *     re-executed start);
 *   - the cgroup's CPU quota (quota_cpus, "max" when unlimited);
 *   - the placement and threading variables HWLOC_*, OMP_*, GOMP_*, KMP_*, OPENBLAS_*,
 *     GOTO_*, sorted by name, except OMP_PLACES and OMP_PROC_BIND while CB_OMP_BIND is set
 *     (the harness sets them itself when it re-executes bench-openmp). CB_* and OMPI_*
 *     never count: they are the suite's own and mpirun's.
 * So it comes out the same for bench-info and every model binary started in the same
 * environment, and differs under `taskset -c 0` or with OPENBLAS_NUM_THREADS=1.
 */
#ifndef CB_ENVIRON_H
#define CB_ENVIRON_H

#include "topo.h"

#include <stddef.h>
#include <stdio.h>

/* The process's cgroup (v2) and its CPU limits. Missing files leave fields empty. */
struct cb_cgroup {
    char path[512];              /* "/..." from /proc/self/cgroup's 0:: line; "" unknown */
    char cpu_max[64];            /* cpu.max of that cgroup as written ("max 100000") */
    double quota_cpus;           /* the smallest quota / period along the path up to the
                                  * root; 0 when unlimited or unknown */
    char cpuset_effective[1024]; /* cpuset.cpus.effective of that cgroup */
};

/* Read the limits of the cgroup `path` ("/a/b") under the folder `root` (the cgroup v2
 * mount). Never fails: what is missing stays empty or 0. */
void cb_cgroup_read_at(const char *root, const char *path, struct cb_cgroup *cg);

/* This process's limits: /sys/fs/cgroup (or its unified/ folder on a hybrid system) and
 * /proc/self/cgroup's path. For tests only, CB_CGROUP_ROOT=FOLDER replaces both: the
 * process's cgroup is then FOLDER itself (path "/"). */
void cb_cpu_quota(struct cb_cgroup *cg);

/* The context id (see the top of this file) as 16 hex digits and a NUL. */
void cb_context_id(const struct cb_topo *topo, const struct cb_cgroup *cg, char id[17]);

/* Whether context.json's "environment" records this environ entry ("NAME=value"). */
int cb_env_recorded(const char *entry);

/* The hwloc variable that makes it describe another machine (HWLOC_XMLFILE,
 * HWLOC_SYNTHETIC, HWLOC_FSROOT, HWLOC_CPUID_PATH, HWLOC_THISSYSTEM), or NULL. */
const char *cb_foreign_topology_var(void);

/* 1 when the topology is this machine's: no such variable set and hwloc says so. */
int cb_topology_is_this_machine(const struct cb_topo *topo);

/* What a measuring run records besides the samples: the CSV's last columns. */
struct cb_run_env {
    struct cb_cgroup cgroup;
    char context_id[17];
};

void cb_run_env_init(struct cb_run_env *e, const struct cb_topo *topo);

/* The columns quota_cpus, schema and context, each after a comma. */
void cb_run_env_csv(FILE *f, const struct cb_run_env *e);

/* Does a row of p workers exceed the quota (its warning `quota`)? */
int cb_quota_exceeded(const struct cb_run_env *e, int p);

/* On stderr, once: the first of the worker counts that exceeds the quota, if any. */
void cb_quota_warning(const struct cb_run_env *e, const char *prog, const int *workers,
                      size_t n);

/* For a measuring run: one line in err and CB_EXIT_USAGE when the topology is not this
 * machine and `allowed` (--foreign-topology) is 0; else 0. */
int cb_foreign_topology_check(const struct cb_topo *topo, int allowed, char *err,
                              size_t errlen);

#endif
