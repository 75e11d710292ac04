/*
 * fuzzlib.c - see fuzz.h.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "bind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int cb_fuzz_verdict = -1;

void cb_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
    abort();
}

const char *cb_fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("cb-fuzz-input", MFD_CLOEXEC);
        FUZZ_ASSERT(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    FUZZ_ASSERT(ftruncate(fd, 0) == 0);
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_ASSERT(n > 0);
        done += (size_t)n;
    }
    return path;
}

char *cb_fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_ASSERT(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void cb_fuzz_check_message(const char *msg)
{
    FUZZ_ASSERT(msg != NULL && msg[0] != '\0');
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void cb_fuzz_check_plans(const struct cb_topo *topo)
{
    int n = topo->pus;
    FUZZ_ASSERT(n >= 1);
    int *pus = malloc(sizeof(int) * (size_t)n), *order = malloc(sizeof(int) * (size_t)n);
    int *plan = malloc(sizeof(int) * ((size_t)n + 3));
    FUZZ_ASSERT(pus && order && plan);
    for (int i = 0; i < n; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(topo->t, HWLOC_OBJ_PU, (unsigned)i);
        FUZZ_ASSERT(pu != NULL);
        pus[i] = (int)pu->os_index;
    }
    qsort(pus, (size_t)n, sizeof *pus, cmp_int);
    static const enum cb_bind policies[] = { CB_BIND_COMPACT, CB_BIND_CORES, CB_BIND_SCATTER };
    for (size_t k = 0; k < sizeof policies / sizeof policies[0]; k++) {
        int rc = cb_bind_order(topo, policies[k], order);
        /* a topology hwloc loaded but whose tree is not a plain tree of PUs may be refused,
         * never half-computed */
        FUZZ_ASSERT(rc == 0 || rc == -EINVAL);
        if (rc < 0)
            continue;
        rc = cb_bind_plan(topo, policies[k], n + 3, plan);
        FUZZ_ASSERT(rc == 0);
        for (int i = 0; i < n + 3; i++)
            FUZZ_ASSERT(plan[i] == order[i % n]);
        qsort(order, (size_t)n, sizeof *order, cmp_int);
        FUZZ_ASSERT(memcmp(order, pus, sizeof(int) * (size_t)n) == 0);
    }
    FUZZ_ASSERT(cb_bind_plan(topo, CB_BIND_NONE, 2, plan) == 0 && plan[0] == -1);
    free(pus);
    free(order);
    free(plan);
}

void cb_fuzz_topo_verdict(int rc, struct cb_topo *topo, const char *err)
{
    if (rc < 0) {
        cb_fuzz_check_message(err);
        FUZZ_ASSERT(topo->t == NULL);
        cb_fuzz_verdict = 0;
        return;
    }
    FUZZ_ASSERT(!topo->thissystem && topo->pus >= 1);
    cb_fuzz_check_plans(topo);
    cb_topo_destroy(topo);
    cb_fuzz_verdict = 1;
}
