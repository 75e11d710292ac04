/*
 * environ.c - see environ.h.
 *
 * The cgroup is read as cgroup v2 lays it out: /proc/self/cgroup's "0::PATH" line, and the
 * files cpu.max ("QUOTA PERIOD" or "max PERIOD", in microseconds) and
 * cpuset.cpus.effective under the mount. A quota on any ancestor limits the process too,
 * so the smallest quota along the path is the one that holds. Nothing here fails: a
 * cgroup v1 system, a container without the files, or an unreadable file all read as
 * "unknown", which is also "unlimited" for the warnings.
 */
#define _GNU_SOURCE
#include "environ.h"

#include "build_info.h"
#include "context.h"
#include "base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The first line of root/dir/name into buf ("" when missing). */
static void first_line(const char *root, const char *dir, const char *name, char *buf,
                       size_t len)
{
    char path[1200];
    buf[0] = '\0';
    snprintf(path, sizeof path, "%s%s%s/%s", root, dir[0] == '/' ? "" : "/", dir, name);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* quota / period of a cpu.max text; 0 for "max", an empty or unreadable text. */
static double quota_of(const char *text)
{
    char *end;
    double q = strtod(text, &end);
    if (end == text || q <= 0)
        return 0;
    double period = strtod(end, &end);
    return period > 0 ? q / period : 0;
}

void cb_cgroup_read_at(const char *root, const char *path, struct cb_cgroup *cg)
{
    memset(cg, 0, sizeof *cg);
    snprintf(cg->path, sizeof cg->path, "%s", path);
    if (!path[0])
        return;
    first_line(root, path, "cpu.max", cg->cpu_max, sizeof cg->cpu_max);
    first_line(root, path, "cpuset.cpus.effective", cg->cpuset_effective,
               sizeof cg->cpuset_effective);
    /* every prefix of the path, the cgroup itself included, up to the root */
    char dir[sizeof cg->path], text[64];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        first_line(root, dir, "cpu.max", text, sizeof text);
        double q = quota_of(text);
        if (q > 0 && (cg->quota_cpus == 0 || q < cg->quota_cpus))
            cg->quota_cpus = q;
        char *slash = strrchr(dir, '/');
        if (!slash || (slash == dir && !dir[1]))
            break;
        if (slash == dir)
            dir[1] = '\0'; /* "/a" -> "/" */
        else
            *slash = '\0';
    }
}

void cb_cpu_quota(struct cb_cgroup *cg)
{
    const char *test_root = getenv("CB_CGROUP_ROOT");
    if (test_root && *test_root) {
        cb_cgroup_read_at(test_root, "/", cg);
        return;
    }
    char path[512] = "", line[512];
    FILE *f = fopen("/proc/self/cgroup", "re");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            memcpy(path, line + 3, strlen(line + 3) + 1);
            break;
        }
    if (f)
        fclose(f);
    /* a hybrid system mounts the v2 hierarchy at unified/ */
    const char *root = access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0 &&
                               access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0
                           ? "/sys/fs/cgroup/unified"
                           : "/sys/fs/cgroup";
    cb_cgroup_read_at(root, path[0] == '/' ? path : "", cg);
}

static int has_prefix(const char *s, const char *const *prefixes)
{
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* The placement and threading variables: they change where and how workers run. */
static const char *const placement[] = { "HWLOC_", "OMP_", "GOMP_", "KMP_", "OPENBLAS_",
                                          "GOTO_", NULL };

int cb_env_recorded(const char *entry)
{
    static const char *const recorded[] = { "HWLOC_", "OMP_", "GOMP_", "KMP_", "OPENBLAS_",
                                            "GOTO_", "OMPI_", "CB_", NULL };
    return has_prefix(entry, recorded) && strchr(entry, '=') != NULL;
}

/* Does this entry count in the context id? */
static int counts(const char *entry, int reexecuted)
{
    if (!has_prefix(entry, placement) || !strchr(entry, '='))
        return 0;
    if (reexecuted && (strncmp(entry, "OMP_PLACES=", 11) == 0 ||
                       strncmp(entry, "OMP_PROC_BIND=", 14) == 0))
        return 0; /* the harness's own, for bench-openmp's second start */
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return (h ^ 0xff) * UINT64_C(0x100000001b3); /* a field separator */
}

void cb_context_id(const struct cb_topo *topo, const struct cb_cgroup *cg, char id[17])
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    char buf[4096];
    snprintf(buf, sizeof buf, "schema %d", CB_SCHEMA_VERSION);
    h = fnv(h, buf);
    h = fnv(h, CB_GIT_COMMIT);
    h = fnv(h, CB_BUILD_FLAGS);
    h = fnv(h, CB_COMPILER);
    h = fnv(h, CB_LIBRARIES);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    h = fnv(h, host);
    buf[0] = '\0';
    if (topo && topo->t)
        hwloc_bitmap_list_snprintf(buf, sizeof buf, hwloc_topology_get_allowed_cpuset(topo->t));
    h = fnv(h, buf);
    if (cg->quota_cpus > 0)
        snprintf(buf, sizeof buf, "%.17g", cg->quota_cpus);
    else
        snprintf(buf, sizeof buf, "max");
    h = fnv(h, buf);
    int reexecuted = cb_omp_reexecuted();
    size_t n = 0;
    for (char **e = environ; *e; e++)
        n += counts(*e, reexecuted);
    const char **vars = n ? malloc(n * sizeof *vars) : NULL;
    if (vars) {
        size_t k = 0;
        for (char **e = environ; *e; e++)
            if (counts(*e, reexecuted))
                vars[k++] = *e;
        qsort(vars, n, sizeof *vars, cmp_str); /* a re-execution may reorder environ */
        for (size_t i = 0; i < n; i++)
            h = fnv(h, vars[i]);
        free(vars);
    } else if (n) {
        h = fnv(h, "(out of memory)"); /* never equal to a real context */
    }
    snprintf(id, 17, "%016llx", (unsigned long long)h);
}

const char *cb_foreign_topology_var(void)
{
    static const char *const vars[] = { "HWLOC_XMLFILE", "HWLOC_SYNTHETIC", "HWLOC_FSROOT",
                                        "HWLOC_CPUID_PATH", "HWLOC_THISSYSTEM", NULL };
    for (size_t i = 0; vars[i]; i++)
        if (getenv(vars[i]))
            return vars[i];
    return NULL;
}

int cb_topology_is_this_machine(const struct cb_topo *topo)
{
    return !cb_foreign_topology_var() && topo->thissystem;
}

void cb_run_env_init(struct cb_run_env *e, const struct cb_topo *topo)
{
    cb_cpu_quota(&e->cgroup);
    cb_context_id(topo, &e->cgroup, e->context_id);
}

void cb_run_env_csv(FILE *f, const struct cb_run_env *e)
{
    if (e->cgroup.quota_cpus > 0)
        fprintf(f, ",%.6g", e->cgroup.quota_cpus);
    else
        fputc(',', f);
    fprintf(f, ",%d,%s", CB_SCHEMA_VERSION, e->context_id);
}

int cb_quota_exceeded(const struct cb_run_env *e, int p)
{
    return e->cgroup.quota_cpus > 0 && p > e->cgroup.quota_cpus;
}

void cb_quota_warning(const struct cb_run_env *e, const char *prog, const int *workers,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cb_quota_exceeded(e, workers[i])) {
            fprintf(stderr, "%s: warning: %d workers with a CPU quota of %.3g CPUs (cgroup "
                    "cpu.max): they share that CPU time, so the times measure the quota, not "
                    "the PUs\n", prog, workers[i], e->cgroup.quota_cpus);
            return;
        }
}

int cb_foreign_topology_check(const struct cb_topo *topo, int allowed, char *err,
                              size_t errlen)
{
    const char *var = cb_foreign_topology_var();
    if (allowed || (!var && topo->thissystem))
        return 0;
    if (var)
        snprintf(err, errlen, "%s is set: hwloc would describe another machine than this one; "
                 "unset it, or give --foreign-topology to measure anyway (the rows are then "
                 "marked)", var);
    else
        snprintf(err, errlen, "hwloc says its topology is not this system's: it would "
                 "describe another machine than this one; give --foreign-topology to measure "
                 "anyway (the rows are then marked)");
    return CB_EXIT_USAGE;
}
