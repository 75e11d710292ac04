/*
 * topo.c - see topo.h.
 */
#include "topo.h"

#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define XML_TRIAL_S 60 /* seconds hwloc may take to load an XML file in the trial */

/* Present in sanitizer builds only (weak: NULL elsewhere). */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static int count(hwloc_topology_t t, hwloc_obj_type_t type)
{
    int n = hwloc_get_nbobjs_by_type(t, type);
    return n > 0 ? n : 0;
}

/* Is a synthetic description larger than hwloc builds in a few seconds? hwloc reads each
 * level's count with strtoul (base 0, so 0x10 is 16 and 010 is 8) after a type's ':', at the
 * start of a word, or right where the previous count or attribute list ended ("0690690" is
 * 06 then 90690). So every run of digits outside the parenthesised attributes that does not
 * follow a letter (the 3 of l3 is part of a name) is read here as a count, the same way;
 * their product bounds the PUs. Reading more counts than hwloc does only makes the bound
 * larger, never smaller. */
static int synthetic_too_big(const char *s)
{
    unsigned long total = 1;
    int depth = 0;
    for (const char *p = s; *p;) {
        if (*p == '(' || *p == ')') {
            depth += *p == '(' ? 1 : depth > 0 ? -1 : 0;
            p++;
            continue;
        }
        if (depth || *p < '0' || *p > '9' || (p > s && isalpha((unsigned char)p[-1]))) {
            p++;
            continue;
        }
        char *end;
        unsigned long n = strtoul(p, &end, 0);
        if (n > CB_TOPO_MAX_ARITY || (n && total > CB_TOPO_MAX_PUS / n))
            return 1;
        total *= n ? n : 1;
        p = end > p ? end : p + 1;
    }
    return 0;
}

/* Read an XML topology file: a regular file of at most CB_TOPO_XML_MAX bytes without NUL
 * bytes, NUL-terminated in *buf (free it). hwloc would read a FIFO or a device forever, and
 * builds a huge file's objects before it could be refused. Returns 0 or -errno, with err. */
static int read_xml(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "--topology-xml '%s': cannot read the XML file: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--topology-xml '%s': not a regular file, not an XML topology", path);
        rc = -EINVAL;
    } else if (st.st_size > CB_TOPO_XML_MAX) {
        snprintf(err, errlen, "--topology-xml '%s': %lld bytes, more than the %d MiB of an "
                 "hwloc XML topology of %d PUs", path, (long long)st.st_size,
                 CB_TOPO_XML_MAX >> 20, CB_TOPO_MAX_PUS);
        rc = -EFBIG;
    } else if (!(*buf = malloc((size_t)st.st_size + 1))) {
        snprintf(err, errlen, "--topology-xml '%s': out of memory", path);
        rc = -ENOMEM;
    }
    size_t n = 0;
    while (rc == 0 && n < (size_t)st.st_size) {
        ssize_t got = read(fd, *buf + n, (size_t)st.st_size - n);
        if (got > 0) {
            n += (size_t)got;
        } else if (got == 0) {
            break; /* the file shrank: read what it holds now */
        } else if (errno != EINTR) {
            rc = -errno;
            snprintf(err, errlen, "--topology-xml '%s': cannot read the XML file: %s", path,
                     strerror(-rc));
        }
    }
    close(fd);
    if (rc == 0 && memchr(*buf, '\0', n)) {
        snprintf(err, errlen, "--topology-xml '%s': binary data, not an hwloc XML topology",
                 path);
        rc = -EINVAL;
    }
    if (rc < 0) {
        free(*buf);
        *buf = NULL;
        return rc;
    }
    (*buf)[n] = '\0';
    *len = n;
    return 0;
}

/* Load the XML in a child process first and report whether hwloc could. hwloc 2.9.0
 * crashes on some malformed files (a PU object without complete_cpuset: a NULL dereference
 * in hwloc_bitmap_compare_first, lstopo crashes on it too; an empty bitmap attribute such as
 * nodeset="": a read past the string in hwloc_bitmap_sscanf) and leaks on some refusals, so
 * only a file the trial loaded is loaded here. The child's stderr goes to /dev/null: it
 * only answers yes or no. Returns 0 or -EINVAL with err. */
static int xml_trial(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        snprintf(err, errlen, "--topology-xml '%s': cannot fork to check it: %s", path,
                 strerror(e));
        return -e;
    }
    if (pid == 0) {
        /* die of what goes wrong, never run the parent's handlers (they clean up the
         * parent's files and workers) nor a sanitizer runtime's death callback */
        static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM,
                                    SIGINT, SIGTERM, SIGHUP };
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        if (__sanitizer_set_death_callback)
            __sanitizer_set_death_callback(NULL);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0)
            dup2(null, 2);
        alarm(XML_TRIAL_S);
        hwloc_topology_t t;
        int ok = hwloc_topology_init(&t) == 0 &&
                 hwloc_topology_set_xmlbuffer(t, buf, (int)len + 1) == 0 &&
                 hwloc_topology_load(t) == 0;
        _exit(ok ? 0 : 1);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            int e = errno;
            snprintf(err, errlen, "--topology-xml '%s': waiting for the check: %s", path,
                     strerror(e));
            return -e;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(err, errlen, "--topology-xml '%s': hwloc did not load it in %d s", path,
                 XML_TRIAL_S);
    else if (WIFSIGNALED(status))
        snprintf(err, errlen, "--topology-xml '%s': hwloc crashed loading it (%s): a "
                 "malformed XML topology", path, strsignal(WTERMSIG(status)));
    else
        snprintf(err, errlen, "--topology-xml '%s': cannot load it as an hwloc XML topology",
                 path);
    return -EINVAL;
}

static int load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                size_t errlen);

int cb_topo_load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                 size_t errlen)
{
    int rc = load(topo, synthetic, xml, err, errlen);
    if (rc < 0)
        cb_clean_line(err); /* the message quotes the description or the path */
    return rc;
}

/* Check a synthetic description's size, or read and try an XML file into *xmlbuf (the
 * caller frees it). 0, or a negative errno with one line in err. */
static int read_description(const char *synthetic, const char *xml, char **xmlbuf,
                            size_t *xmllen, char *err, size_t errlen)
{
    if (synthetic && synthetic_too_big(synthetic)) {
        snprintf(err, errlen, "--topology '%s': more than %d PUs or %d objects under one "
                 "parent (hwloc would take minutes to build it)", synthetic, CB_TOPO_MAX_PUS,
                 CB_TOPO_MAX_ARITY);
        return -EINVAL;
    }
    if (!synthetic && xml) {
        int rc = read_xml(xml, xmlbuf, xmllen, err, errlen);
        if (rc == 0 && *xmllen == 0) {
            snprintf(err, errlen, "--topology-xml '%s': an empty file, not an XML topology",
                     xml);
            rc = -EINVAL;
        }
        if (rc == 0)
            rc = xml_trial(xml, *xmlbuf, *xmllen, err, errlen);
        if (rc < 0) {
            free(*xmlbuf);
            *xmlbuf = NULL;
            return rc == -ENOMEM ? rc : -EINVAL;
        }
    }
    return 0;
}

/* Tell hwloc what to describe: the synthetic machine, the XML file, or this machine
 * restricted to the CPUs this process may use. 0, or -1 with one line in err. */
static int set_source(struct cb_topo *topo, const char *synthetic, const char *xml,
                      const char *xmlbuf, size_t xmllen, char *err, size_t errlen)
{
    if (synthetic) {
        if (hwloc_topology_set_synthetic(topo->t, synthetic) < 0) {
            snprintf(err, errlen, "--topology '%s': not a valid hwloc synthetic description",
                     synthetic);
            return -1;
        }
    } else if (xml) {
        if (hwloc_topology_set_xmlbuffer(topo->t, xmlbuf, (int)xmllen + 1) < 0) {
            snprintf(err, errlen, "--topology-xml '%s': cannot load it as an hwloc XML topology",
                     xml);
            return -1;
        }
    } else {
        /* RESTRICT alone fails with EINVAL; both flags honour taskset's affinity. A program
         * that re-executed itself for OpenMP (harness.c) was bound by the runtime before
         * main, so it passes the cpuset it was started with in CB_ALLOWED_CPUSET instead. */
        unsigned long flags = HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM;
        if (!cb_omp_reexecuted())
            flags |= HWLOC_TOPOLOGY_FLAG_RESTRICT_TO_CPUBINDING;
        if (hwloc_topology_set_flags(topo->t, flags) < 0) {
            snprintf(err, errlen, "hwloc: cannot restrict the topology to this process's CPUs: %s",
                     strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* A program re-executed for OpenMP: the loaded topology restricted to the cpuset it was
 * first started with (CB_ALLOWED_CPUSET). 0, or -1 with one line in err. */
static int restrict_to_allowed(struct cb_topo *topo, const char *synthetic, const char *xml,
                               char *err, size_t errlen)
{
    const char *allowed = synthetic || xml || !cb_omp_reexecuted() ? NULL
                                                                    : getenv("CB_ALLOWED_CPUSET");
    if (!allowed)
        return 0;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    int bad = !set || hwloc_bitmap_list_sscanf(set, allowed) < 0 ||
              hwloc_topology_restrict(topo->t, set, 0) < 0;
    hwloc_bitmap_free(set);
    if (bad) {
        snprintf(err, errlen, "hwloc: cannot restrict the topology to CB_ALLOWED_CPUSET '%s'",
                 allowed);
        return -1;
    }
    return 0;
}

/* The loaded topology's counts and memory into *topo. 0, or -1 with one line in err when
 * it has no PU or more than the suite takes. */
static int describe(struct cb_topo *topo, char *err, size_t errlen)
{
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
        return -1;
    }
    if (topo->pus > CB_TOPO_MAX_PUS) {
        snprintf(err, errlen, "hwloc: the topology has %d PUs, more than %d", topo->pus,
                 CB_TOPO_MAX_PUS);
        return -1;
    }
    return 0;
}

static int load(struct cb_topo *topo, const char *synthetic, const char *xml, char *err,
                size_t errlen)
{
    memset(topo, 0, sizeof *topo);
    char *xmlbuf = NULL;
    size_t xmllen = 0;
    int rc = read_description(synthetic, xml, &xmlbuf, &xmllen, err, errlen);
    if (rc < 0)
        return rc;
    if (hwloc_topology_init(&topo->t) < 0) {
        int e = errno;
        snprintf(err, errlen, "hwloc: cannot initialise a topology: %s", strerror(e));
        free(xmlbuf);
        topo->t = NULL;
        return -e;
    }
    if (set_source(topo, synthetic, xml, xmlbuf, xmllen, err, errlen) < 0)
        goto fail;
    if (hwloc_topology_load(topo->t) < 0) {
        if (xml)
            snprintf(err, errlen, "--topology-xml '%s': cannot load it as an hwloc XML "
                     "topology", xml);
        else
            snprintf(err, errlen, "hwloc: cannot load the topology: %s", strerror(errno));
        goto fail;
    }
    free(xmlbuf); /* hwloc is done with it once loaded */
    xmlbuf = NULL;
    if (restrict_to_allowed(topo, synthetic, xml, err, errlen) < 0 ||
        describe(topo, err, errlen) < 0)
        goto fail;
    return 0;
fail:
    hwloc_topology_destroy(topo->t);
    topo->t = NULL;
    free(xmlbuf);
    return -EINVAL;
}

int cb_omp_reexecuted(void)
{
    const char *v = getenv("CB_OMP_BIND");
    char *end;
    if (!v)
        return 0;
    errno = 0;
    long pid = strtol(v, &end, 10);
    return errno == 0 && end != v && *end == ':' && pid == (long)getpid();
}

void cb_topo_destroy(struct cb_topo *topo)
{
    if (topo->t)
        hwloc_topology_destroy(topo->t);
    topo->t = NULL;
}

void cb_topo_os_indexes(const struct cb_topo *topo, int *out)
{
    for (int i = 0; i < topo->pus; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(topo->t, HWLOC_OBJ_PU, (unsigned)i);
        out[i] = pu ? (int)pu->os_index : -1;
    }
}
