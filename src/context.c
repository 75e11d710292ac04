/*
 * context.c - see context.h.
 *
 * Identity comes from libcpuid (vendor, brand, family/model, features, hypervisor, a
 * measured clock) and counts from hwloc (packages, NUMA nodes, cores, PUs, caches,
 * cpusets). libcpuid is recorded as it answers, with its known VM pitfalls in mind (in a
 * VM it may name the host's family, not the guest's model): its codename is stored under a name that says it is libcpuid's guess, and
 * its core counts are not used. cpuid_get_raw_data may move the calling thread, so the
 * thread's binding is saved and restored around it.
 *
 * The machine label (issue 18) is a pure function of struct cb_cpu_identity: readable words
 * from the vendor and brand, cores and PUs, and 6 hex digits of a hash of everything
 * libcpuid reports that tells parts apart (vendor, brand, family, model, stepping and their
 * extended forms, caches, a fixed list of features). Two generations behind the same brand
 * ("AMD EPYC" in a VM) get different labels; nothing that varies between boots goes in.
 *
 * run.context_id (environ.c computes it; the binaries write the same id in their rows'
 * `context` column) is the FNV-1a 64 hash of: the schema version, CB_GIT_COMMIT,
 * CB_BUILD_FLAGS, CB_COMPILER, CB_LIBRARIES, the hostname, hwloc's allowed cpuset after
 * topo.c's restriction, the cgroup CPU quota, and the variables HWLOC_*, OMP_*, GOMP_*,
 * KMP_*, OPENBLAS_*, GOTO_* (sorted; not OMP_PLACES and OMP_PROC_BIND while CB_OMP_BIND
 * marks bench-openmp's re-executed start; never CB_* or OMPI_*). "cgroup" records the
 * CPU quota (cb_cpu_quota, shared with the harness); topology.this_machine is false when
 * HWLOC_XMLFILE and the like make hwloc describe another machine.
 */
#define _GNU_SOURCE
#include "context.h"

#include "build_info.h"
#include "environ.h"
#include "output.h"
#include "timer.h"
#include "warnings.h"

#include <ctype.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <libcpuid.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

struct cpu_info {
    int ok;
    struct cpu_id_t id;
    const char *hypervisor;
    int clock_mhz;
    char error[128];
};

static const char *hypervisor_name(hypervisor_vendor_t h)
{
    switch (h) {
    case HYPERVISOR_NONE: return "none";
    case HYPERVISOR_BHYVE: return "bhyve";
    case HYPERVISOR_HYPERV: return "hyperv";
    case HYPERVISOR_KVM: return "kvm";
    case HYPERVISOR_PARALLELS: return "parallels";
    case HYPERVISOR_QEMU: return "qemu";
    case HYPERVISOR_VIRTUALBOX: return "virtualbox";
    case HYPERVISOR_VMWARE: return "vmware";
    case HYPERVISOR_XEN: return "xen";
    default: return "unknown";
    }
}

static void cpu_query(const struct cb_topo *topo, struct cpu_info *ci, int measure_clock)
{
    memset(ci, 0, sizeof *ci);
    struct cpu_raw_data_t raw;
    hwloc_bitmap_t saved = hwloc_bitmap_alloc();
    int have_saved = saved && topo->thissystem &&
                     hwloc_get_cpubind(topo->t, saved, HWLOC_CPUBIND_THREAD) == 0;
    if (!cpuid_present()) {
        snprintf(ci->error, sizeof ci->error, "cpuid not present");
    } else if (cpuid_get_raw_data(&raw) < 0 || cpu_identify(&raw, &ci->id) < 0) {
        snprintf(ci->error, sizeof ci->error, "%s", cpuid_error());
    } else {
        ci->ok = 1;
        ci->hypervisor = hypervisor_name(cpuid_get_hypervisor(&raw, &ci->id));
        ci->clock_mhz = measure_clock ? cpu_clock_measure(200, 1) : -1;
    }
    if (have_saved)
        hwloc_set_cpubind(topo->t, saved, HWLOC_CPUBIND_THREAD);
    hwloc_bitmap_free(saved);
}

const char *const cb_identity_features[] = {
    "ssse3", "sse4_1", "sse4_2", "sse4a", "popcnt", "movbe", "aes", "pclmul", "f16c", "rdrand",
    "rdseed", "adx", "sha_ni", "bmi1", "bmi2", "avx", "fma3", "fma4", "xop", "avx2",
    "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512pf", "avx512er",
    "avx512vnni", "avx512vbmi", "avx512vbmi2", NULL,
};
static const cpu_feature_t identity_feature_ids[] = {
    CPU_FEATURE_SSSE3, CPU_FEATURE_SSE4_1, CPU_FEATURE_SSE4_2, CPU_FEATURE_SSE4A,
    CPU_FEATURE_POPCNT, CPU_FEATURE_MOVBE, CPU_FEATURE_AES, CPU_FEATURE_PCLMUL,
    CPU_FEATURE_F16C, CPU_FEATURE_RDRAND, CPU_FEATURE_RDSEED, CPU_FEATURE_ADX,
    CPU_FEATURE_SHA_NI, CPU_FEATURE_BMI1, CPU_FEATURE_BMI2, CPU_FEATURE_AVX, CPU_FEATURE_FMA3,
    CPU_FEATURE_FMA4, CPU_FEATURE_XOP, CPU_FEATURE_AVX2, CPU_FEATURE_AVX512F,
    CPU_FEATURE_AVX512DQ, CPU_FEATURE_AVX512CD, CPU_FEATURE_AVX512BW, CPU_FEATURE_AVX512VL,
    CPU_FEATURE_AVX512PF, CPU_FEATURE_AVX512ER, CPU_FEATURE_AVX512VNNI, CPU_FEATURE_AVX512VBMI,
    CPU_FEATURE_AVX512VBMI2,
};

static void identity_of(const struct cpu_info *ci, const struct cb_topo *topo,
                        struct cb_cpu_identity *id)
{
    memset(id, 0, sizeof *id);
    id->cores = topo->cores;
    id->pus = topo->pus;
    if (!ci->ok)
        return;
    snprintf(id->vendor, sizeof id->vendor, "%s", ci->id.vendor_str);
    snprintf(id->brand, sizeof id->brand, "%s", ci->id.brand_str);
    id->family = ci->id.family;
    id->model = ci->id.model;
    id->stepping = ci->id.stepping;
    id->ext_family = ci->id.ext_family;
    id->ext_model = ci->id.ext_model;
    id->l1d_kib = ci->id.l1_data_cache;
    id->l2_kib = ci->id.l2_cache;
    id->l3_kib = ci->id.l3_cache;
    size_t o = 0;
    for (size_t i = 0; cb_identity_features[i]; i++)
        if (ci->id.flags[identity_feature_ids[i]] && o + 16 < sizeof id->features)
            o += (size_t)snprintf(id->features + o, sizeof id->features - o, "%s%s",
                                  o ? "," : "", cb_identity_features[i]);
}

void cb_cpu_identity_get(const struct cb_topo *topo, struct cb_cpu_identity *id)
{
    struct cpu_info ci;
    cpu_query(topo, &ci, 0);
    identity_of(&ci, topo, id);
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The brand without the blanks around it (CPUs pad it with spaces). */
static void trimmed(const char *s, char *out, size_t len)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    snprintf(out, len, "%.*s", (int)n, s);
}

uint64_t cb_cpu_identity_hash(const struct cb_cpu_identity *id)
{
    char brand[sizeof id->brand], vendor[sizeof id->vendor], text[1024];
    trimmed(id->brand, brand, sizeof brand);
    trimmed(id->vendor, vendor, sizeof vendor);
    /* the canonical text; changing it changes every machine's label */
    snprintf(text, sizeof text,
             "cb-cpu-identity-1\nvendor=%s\nbrand=%s\nfamily=%d\nmodel=%d\nstepping=%d\n"
             "ext_family=%d\next_model=%d\nl1d_kib=%d\nl2_kib=%d\nl3_kib=%d\nfeatures=%s\n",
             vendor, brand, id->family, id->model, id->stepping, id->ext_family, id->ext_model,
             id->l1d_kib, id->l2_kib, id->l3_kib, id->features);
    return fnv1a(14695981039346656037ULL, text);
}

/* Append word (already [a-z0-9-]) to out[*o], a '-' between words, unless it would take
 * out past max characters. Returns 0 when it did not fit. */
static int add_word(char *out, size_t *o, size_t max, const char *word)
{
    size_t n = strlen(word);
    if (!n)
        return 1;
    if (*o + (*o ? 1 : 0) + n > max)
        return 0;
    if (*o)
        out[(*o)++] = '-';
    memcpy(out + *o, word, n);
    *o += n;
    out[*o] = '\0';
    return 1;
}

/* word lower-cased, marks ("(r)", "(tm)") removed, every run of other characters made one
 * '-', none at either end */
static void clean_word(const char *w, char *out, size_t len)
{
    char low[128];
    size_t n = 0;
    for (const char *p = w; *p && n + 1 < sizeof low; p++)
        low[n++] = (char)tolower((unsigned char)*p);
    low[n] = '\0';
    char *mark;
    while ((mark = strstr(low, "(r)")) || (mark = strstr(low, "(tm)"))) {
        char *end = strchr(mark, ')') + 1;
        memmove(mark, end, strlen(end) + 1);
    }
    size_t o = 0;
    for (const char *p = low; *p && o + 1 < len; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            out[o++] = *p;
        else if (o && out[o - 1] != '-')
            out[o++] = '-';
    while (o && out[o - 1] == '-')
        o--;
    out[o] = '\0';
}

void cb_label_from_identity(const struct cb_cpu_identity *id, char *buf, size_t len)
{
    enum { MAX_NAME = 40 };
    static const struct { const char *str, *word; } vendors[] = {
        { "GenuineIntel", "intel" }, { "AuthenticAMD", "amd" }, { "HygonGenuine", "hygon" },
        { "CentaurHauls", "centaur" }, { "Shanghai", "zhaoxin" }, { NULL, NULL },
    };
    static const char *const filler[] = { "cpu", "processor", "with", "radeon", "graphics",
                                          "apu", NULL };
    char vendor[sizeof id->vendor], vword[40] = "";
    trimmed(id->vendor, vendor, sizeof vendor);
    for (int i = 0; vendors[i].str; i++)
        if (strcmp(vendor, vendors[i].str) == 0)
            snprintf(vword, sizeof vword, "%s", vendors[i].word);
    if (!vword[0])
        clean_word(vendor, vword, 13);

    /* the brand's words that name the part */
    char brand[sizeof id->brand], words[sizeof id->brand * 2] = "";
    trimmed(id->brand, brand, sizeof brand);
    size_t wo = 0;
    int has_vendor = 0;
    char *save = NULL;
    for (char *w = strtok_r(brand, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (w[0] == '@')
            break; /* the nominal clock: not part of the name */
        char c[128];
        clean_word(w, c, sizeof c);
        int skip = !c[0];
        for (int i = 0; filler[i] && !skip; i++)
            skip = strcmp(c, filler[i]) == 0;
        /* "64-Core": the part's cores, not this machine's (those follow) */
        size_t digits = strspn(c, "0123456789");
        if (digits && (strcmp(c + digits, "-core") == 0 || strcmp(c + digits, "-cores") == 0))
            skip = 1;
        if (skip)
            continue;
        if (vword[0] && strcmp(c, vword) == 0)
            has_vendor = 1;
        if (wo + strlen(c) + 2 < sizeof words) {
            wo += (size_t)snprintf(words + wo, sizeof words - wo, "%s%s", wo ? " " : "", c);
        }
    }
    /* vendor first (unless the brand names it), then the words, up to MAX_NAME characters */
    char name[MAX_NAME + 1] = "";
    size_t o = 0;
    if (vword[0] && !has_vendor)
        add_word(name, &o, MAX_NAME, vword);
    save = NULL;
    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (!add_word(name, &o, MAX_NAME, w)) {
            if (!o) { /* one word longer than the limit: its start */
                snprintf(name, sizeof name, "%.*s", MAX_NAME, w);
                o = strlen(name);
                while (o && name[o - 1] == '-')
                    name[--o] = '\0';
            }
            break;
        }
    if (!o)
        snprintf(name, sizeof name, "cpu");
    int cores = id->cores > 0 ? id->cores : 0, pus = id->pus > 0 ? id->pus : 0;
    snprintf(buf, len, "%s-%dc%dt-%06x", name, cores, pus,
             (unsigned)(cb_cpu_identity_hash(id) >> 40));
}

void cb_machine_label(const struct cb_topo *topo, char *buf, size_t len)
{
    struct cb_cpu_identity id;
    cb_cpu_identity_get(topo, &id);
    cb_label_from_identity(&id, buf, len);
}

/* "key": "value", */
static void kv(FILE *f, const char *key, const char *val, int last)
{
    fprintf(f, "    ");
    cb_json_str(f, key);
    fprintf(f, ": ");
    cb_json_str(f, val ? val : "");
    fprintf(f, last ? "\n" : ",\n");
}

static void kvi(FILE *f, const char *key, long long v, int last)
{
    fprintf(f, "    \"%s\": %lld%s\n", key, v, last ? "" : ",");
}

/* First line of a small sysfs file, or "unknown" when it is not there (a VM has no cpufreq). */
static void read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    snprintf(buf, len, "unknown");
    if (!f)
        return;
    if (fgets(buf, (int)len, f))
        buf[strcspn(buf, "\n")] = '\0';
    else
        snprintf(buf, len, "unknown");
    fclose(f);
}

static uint64_t cache_size(hwloc_topology_t t, hwloc_obj_type_t type)
{
    hwloc_obj_t o = hwloc_get_obj_by_type(t, type, 0);
    return o && o->attr ? o->attr->cache.size : 0;
}

static int cache_count(hwloc_topology_t t, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(t, type);
    return n > 0 ? n : 0;
}

/* context.json's "cpu": what libcpuid says, or why it could not. */
static void write_cpu(FILE *f, const struct cpu_info *ci, const struct cb_cpu_identity *ident)
{
    fprintf(f, "  \"cpu\": {\n");
    kv(f, "source", "libcpuid", 0);
    kv(f, "libcpuid_version", cpuid_lib_version(), 0);
    if (!ci->ok) {
        kv(f, "error", ci->error, 1);
        return;
    }
    kv(f, "vendor", ci->id.vendor_str, 0);
    kv(f, "brand", ci->id.brand_str, 0);
    kvi(f, "family", ci->id.family, 0);
    kvi(f, "model", ci->id.model, 0);
    kvi(f, "ext_family", ci->id.ext_family, 0);
    kvi(f, "ext_model", ci->id.ext_model, 0);
    kvi(f, "stepping", ci->id.stepping, 0);
    kv(f, "libcpuid_codename_guess", ci->id.cpu_codename, 0);
    kv(f, "hypervisor", ci->hypervisor, 0);
    kvi(f, "measured_clock_mhz", ci->clock_mhz, 0);
    kvi(f, "libcpuid_l1d_kib", ci->id.l1_data_cache, 0);
    kvi(f, "libcpuid_l2_kib", ci->id.l2_cache, 0);
    kvi(f, "libcpuid_l3_kib", ci->id.l3_cache, 0);
    fprintf(f, "    \"features\": {\"sse4_2\": %s, \"avx\": %s, \"fma3\": %s, \"avx2\": %s, "
            "\"avx512f\": %s},\n", ci->id.flags[CPU_FEATURE_SSE4_2] ? "true" : "false",
            ci->id.flags[CPU_FEATURE_AVX] ? "true" : "false",
            ci->id.flags[CPU_FEATURE_FMA3] ? "true" : "false",
            ci->id.flags[CPU_FEATURE_AVX2] ? "true" : "false",
            ci->id.flags[CPU_FEATURE_AVX512F] ? "true" : "false");
    kv(f, "identity_features", ident->features, 0);
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)cb_cpu_identity_hash(ident));
    kv(f, "identity_hash", hash, 0); /* the label's last 6 digits are its first 6 */
    kv(f, "error", "", 1);
}

/* context.json's "topology": what hwloc says, with the cpusets this process may use and is
 * bound to. */
static void write_topology(FILE *f, const struct cb_topo *topo, const char *allowed,
                           const char *bound)
{
    fprintf(f, "  },\n  \"topology\": {\n");
    kv(f, "source", "hwloc", 0);
    kv(f, "hwloc_version", HWLOC_VERSION, 0);
    kvi(f, "packages", topo->packages, 0);
    kvi(f, "numa_nodes", topo->numa, 0);
    kvi(f, "cores", topo->cores, 0);
    kvi(f, "pus", topo->pus, 0);
    fprintf(f, "    \"smt\": %s,\n", topo->pus > topo->cores ? "true" : "false");
    kvi(f, "l1d_bytes", (long long)cache_size(topo->t, HWLOC_OBJ_L1CACHE), 0);
    kvi(f, "l2_bytes", (long long)cache_size(topo->t, HWLOC_OBJ_L2CACHE), 0);
    kvi(f, "l3_bytes", (long long)cache_size(topo->t, HWLOC_OBJ_L3CACHE), 0);
    kvi(f, "l3_count", cache_count(topo->t, HWLOC_OBJ_L3CACHE), 0);
    kvi(f, "cpukinds", hwloc_cpukinds_get_nr(topo->t, 0), 0);
    kvi(f, "memory_bytes", (long long)topo->memory, 0);
    kvi(f, "hwloc_memory_bytes", (long long)topo->hwloc_memory, 0);
    kv(f, "allowed_cpuset", allowed, 0);
    kv(f, "bound_cpuset", bound, 0);
    /* false under HWLOC_XMLFILE and the like: the figures above are another machine's */
    fprintf(f, "    \"this_machine\": %s\n", cb_topology_is_this_machine(topo) ? "true" : "false");
}

/* context.json's "system" and "cgroup": the kernel, the C library, the frequency policy,
 * and the cgroup's limits. */
static void write_system(FILE *f, const struct utsname *u, const struct cb_cgroup *cg)
{
    char governor[64], boost[64], no_turbo[64];
    read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", governor, sizeof governor);
    read_line("/sys/devices/system/cpu/cpufreq/boost", boost, sizeof boost);
    read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", no_turbo, sizeof no_turbo);
    fprintf(f, "  },\n  \"system\": {\n");
    kv(f, "kernel", u->release, 0);
    kv(f, "kernel_version", u->version, 0);
    kv(f, "machine", u->machine, 0);
    kv(f, "libc", gnu_get_libc_version(), 0);
    kv(f, "governor", governor, 0);
    kv(f, "boost", boost, 0);
    kv(f, "intel_no_turbo", no_turbo, 1);
    fprintf(f, "  },\n  \"cgroup\": {\n");
    kv(f, "path", cg->path, 0);
    kv(f, "cpu_max", cg->cpu_max, 0);
    if (cg->quota_cpus > 0)
        fprintf(f, "    \"cpu_quota_cpus\": %.6g,\n", cg->quota_cpus);
    else
        fprintf(f, "    \"cpu_quota_cpus\": null,\n");
    kv(f, "cpuset_effective", cg->cpuset_effective, 1);
}

/* context.json's "environment": the variables that change how a run behaves
 * (cb_env_recorded), and the end of the object. */
static void write_environment(FILE *f)
{
    fprintf(f, "  },\n  \"environment\": {");
    extern char **environ;
    int first = 1;
    for (char **e = environ; *e; e++)
        if (cb_env_recorded(*e)) { /* execve lets a parent pass an entry without '=': not */
            const char *eq = strchr(*e, '=');
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(eq - *e), *e);
            fprintf(f, "%s\n    ", first ? "" : ",");
            cb_json_str(f, key);
            fprintf(f, ": ");
            cb_json_str(f, eq + 1);
            first = 0;
        }
    fprintf(f, "%s}\n}\n", first ? "" : "\n  ");
}

int cb_context_write(FILE *f, const struct cb_topo *topo, const char *label)
{
    struct cpu_info ci;
    cpu_query(topo, &ci, 1);
    struct cb_cpu_identity ident;
    identity_of(&ci, topo, &ident);
    char lab[256], when[64], host[256] = "unknown", set[1024] = "", bound[1024] = "";
    if (label)
        snprintf(lab, sizeof lab, "%s", label);
    else
        cb_label_from_identity(&ident, lab, sizeof lab);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    gethostname(host, sizeof host - 1);
    struct utsname u;
    uname(&u);
    hwloc_bitmap_list_snprintf(set, sizeof set, hwloc_topology_get_allowed_cpuset(topo->t));
    hwloc_bitmap_t b = hwloc_bitmap_alloc();
    if (b && topo->thissystem && hwloc_get_cpubind(topo->t, b, HWLOC_CPUBIND_PROCESS) == 0)
        hwloc_bitmap_list_snprintf(bound, sizeof bound, b);
    hwloc_bitmap_free(b);
    double load[3] = { -1, -1, -1 };
    getloadavg(load, 3);
    struct cb_cgroup cg;
    cb_cpu_quota(&cg);
    char id[17];
    cb_context_id(topo, &cg, id);

    fprintf(f, "{\n  \"schema_version\": %d,\n  \"suite\": {\n", CB_SCHEMA_VERSION);
    kv(f, "version", CB_VERSION, 0);
    kv(f, "commit", CB_GIT_COMMIT, 0);
    kv(f, "compiler", CB_COMPILER, 0);
    kv(f, "build_flags", CB_BUILD_FLAGS, 0);
    kv(f, "libraries", CB_LIBRARIES, 0); /* the versions the build found */
    kvi(f, "debug_build", CB_DEBUG_BUILD, 1);
    fprintf(f, "  },\n  \"run\": {\n");
    kv(f, "date", when, 0);
    kv(f, "hostname", host, 0);
    kv(f, "label", lab, 0);
    kv(f, "context_id", id, 0); /* environ.h: equal in every model binary's rows */
    fprintf(f, "    \"load_average\": [%.2f, %.2f, %.2f],\n", load[0], load[1], load[2]);
    fprintf(f, "    \"timer_resolution_s\": %.3g,\n    \"timer_cost_s\": %.3g\n  },\n",
            cb_timer_resolution(), cb_timer_cost());
    cb_warnings_json(f, "  ", 1); /* the rules the rows' warnings follow (warnings.h) */
    write_cpu(f, &ci, &ident);
    write_topology(f, topo, set, bound);
    write_system(f, &u, &cg);
    write_environment(f);
    return ferror(f) ? -EIO : 0;
}
