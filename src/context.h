/*
 * context.h - what machine, system and build produced a result set: recorded as JSON with
 * every result, so results whose context differs are never merged silently.
 */
#ifndef CB_CONTEXT_H
#define CB_CONTEXT_H

#include "topo.h"

#include <stddef.h>
#include <stdio.h>

/* 2: the binaries' CSV ends with quota_cpus, schema and context; context.json has
 * "cgroup", run.context_id and topology.this_machine (issue 16).
 * 3: the binaries' CSV and summary.csv end with noise.h's columns (foreign CPU time, steal,
 * clock, context switches, page faults, noise causes), and `loaded` means noise.h's
 * measured foreign load, no longer the load average (issue 17). */
#define CB_SCHEMA_VERSION 3

/* A label for result folders: stable for the same machine (CPU brand, cores and PUs),
 * lower case, [a-z0-9-] only. */
void cb_machine_label(const struct cb_topo *topo, char *buf, size_t len);

/* Write the context as one JSON object. label may be NULL (then cb_machine_label).
 * Returns 0 or -errno. Measures the clock (about 0.2 s). */
int cb_context_write(FILE *f, const struct cb_topo *topo, const char *label);

#endif
