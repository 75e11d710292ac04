/*
 * plan.h - what a model binary prints for --plan: the PU of every worker for every worker
 * count, as text or (--plan --json) as one JSON object for a driver. Nothing is run.
 */
#ifndef CB_PLAN_H
#define CB_PLAN_H

#include "harness.h"
#include "topo.h"

/* The text --plan: the topology (this machine's, a synthetic description or an XML file)
 * and, for each worker count, the physical PU of each worker. */
void cb_plan_print(const struct cb_options *opts, const struct cb_topo *topo,
                   const char *synthetic, const char *xml);

/* --plan --json: the same as one JSON object on stdout (strings through cb_json_str, never
 * printed raw). Returns 0, or CB_EXIT_ERROR (out of memory, the line printed, nothing on
 * stdout). */
int cb_plan_print_json(const struct cb_model *model, const struct cb_options *opts,
                       const struct cb_topo *topo, const char *synthetic, const char *xml);

#endif
