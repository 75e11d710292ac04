/*
 * context.h - what machine, system and build produced a result set: recorded as JSON with
 * every result, so results whose context differs are never merged silently.
 */
#ifndef CB_CONTEXT_H
#define CB_CONTEXT_H

#include "topo.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* 2: the binaries' CSV ends with quota_cpus, schema and context; context.json has
 * "cgroup", run.context_id and topology.this_machine (issue 16).
 * 3: the binaries' CSV and summary.csv end with noise.h's columns (foreign CPU time, steal,
 * clock, context switches, page faults, noise causes), and `loaded` means noise.h's
 * measured foreign load, no longer the load average (issue 17). */
#define CB_SCHEMA_VERSION 3

/* What names one kind of CPU (issue 18): libcpuid's answers that tell parts apart, none
 * that varies between boots (no clock, no load, no hypervisor). Filled by
 * cb_cpu_identity_get; the unit tests fill it by hand. */
struct cb_cpu_identity {
    char vendor[32];    /* libcpuid's vendor_str, e.g. "AuthenticAMD" ("" unknown) */
    char brand[128];    /* brand_str as the CPU reports it */
    int family, model, stepping, ext_family, ext_model;
    int l1d_kib, l2_kib, l3_kib; /* libcpuid's cache sizes (-1 or 0: not reported) */
    char features[384]; /* the instruction-set extensions of CB_IDENTITY_FEATURES that the
                         * CPU has, comma-separated in that list's order */
    int cores, pus;     /* hwloc */
};

/* The features that go into the identity, a fixed list (a newer libcpuid that knows more
 * features does not change a machine's label). */
extern const char *const cb_identity_features[];

#define CB_LABEL_MAX 80 /* a label's buffer: labels are at most 63 characters */

/* This machine's identity: libcpuid (vendor, brand, family, model, stepping, caches,
 * features) and hwloc (cores, PUs). When libcpuid cannot answer, the CPU's fields are
 * empty or 0 (the label then starts with "cpu"). */
void cb_cpu_identity_get(const struct cb_topo *topo, struct cb_cpu_identity *id);

/* FNV-1a 64 of the identity's canonical text (every field but cores and PUs): equal for
 * the same kind of CPU, and different parts differ in at least one field. */
uint64_t cb_cpu_identity_hash(const struct cb_cpu_identity *id);

/* The label of an identity, a pure function: the vendor and the words of the brand that
 * name the part (lower case; no marks, filler words, clock or "N-Core"), at most 40
 * characters, then cores and PUs and 6 hex digits of cb_cpu_identity_hash, e.g.
 * "amd-epyc-7b13-2c2t-3fa9c1". Always [a-z0-9-], starting and ending with a letter or digit,
 * at most 63 characters (len >= 64 holds it). */
void cb_label_from_identity(const struct cb_cpu_identity *id, char *buf, size_t len);

/* The label of this machine: cb_label_from_identity(cb_cpu_identity_get()). */
void cb_machine_label(const struct cb_topo *topo, char *buf, size_t len);

/* Write the context as one JSON object. label may be NULL (then cb_machine_label).
 * Returns 0 or -errno. Measures the clock (about 0.2 s). */
int cb_context_write(FILE *f, const struct cb_topo *topo, const char *label);

#endif
