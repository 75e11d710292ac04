/*
 * plan.c - --plan and --plan --json (see plan.h).
 */
#include "plan.h"

#include "bind.h"
#include "output.h"
#include "prepare.h"

#include <stdio.h>
#include <stdlib.h>

/* --plan: the worker-to-PU plan for every worker count, nothing run. */
void cb_plan_print(const struct cb_options *opts, const struct cb_topo *topo,
                   const char *synthetic, const char *xml)
{
    printf("# topology: %s%s%s: %d packages, %d NUMA nodes, %d cores, %d PUs%s\n",
           synthetic ? "synthetic '" : xml ? "XML " : "this machine", synthetic ? synthetic : xml ? xml : "",
           synthetic ? "'" : "", topo->packages, topo->numa, topo->cores, topo->pus,
           topo->pus > topo->cores ? " (SMT)" : "");
    printf("# bind=%s: physical PU numbers (os_index) of workers 0, 1, ...\n",
           cb_bind_name(opts->bind));
    int *plan = malloc(sizeof(int) * CB_MAX_WORKERS);
    for (size_t i = 0; plan && i < opts->nworkers; i++) {
        int p = opts->workers[i];
        cb_bind_plan(topo, opts->bind, p, plan);
        printf("p=%d", p);
        if (p > topo->pus)
            printf(" (oversubscribed: %d workers on %d PUs)", p, topo->pus);
        printf(":");
        for (int w = 0; w < p; w++)
            if (plan[w] < 0)
                printf(" -");
            else
                printf(" %d", plan[w]);
        printf("\n");
    }
    free(plan);
}

/* --plan --json: what --plan prints, as one JSON object on stdout for a driver (strings
 * through cb_json_str, never printed raw). Returns 0, or CB_EXIT_ERROR (out of memory,
 * nothing printed). */
int cb_plan_print_json(const struct cb_model *model, const struct cb_options *opts,
                       const struct cb_topo *topo, const char *synthetic, const char *xml)
{
    int *plan = malloc(sizeof(int) * CB_MAX_WORKERS);
    if (!plan) {
        fprintf(stderr, "%s: out of memory\n", cb_harness_prog);
        return CB_EXIT_ERROR;
    }
    printf("{\"model\":");
    cb_json_str(stdout, model->name);
    printf(",\"serial\":%s,\"topology\":", model->flags & CB_MODEL_SERIAL ? "true" : "false");
    if (synthetic || xml) {
        printf("{\"%s\":", synthetic ? "synthetic" : "xml");
        cb_json_str(stdout, synthetic ? synthetic : xml);
        printf("}");
    } else {
        printf("null");
    }
    printf(",\"packages\":%d,\"numa\":%d,\"pus\":%d,\"cores\":%d,\"bind\":", topo->packages,
           topo->numa, topo->pus, topo->cores);
    cb_json_str(stdout, cb_bind_name(opts->bind));
    printf(",\"schedule\":");
    cb_json_str(stdout,
                model->flags & CB_MODEL_SCHEDULE ? cb_schedule_name(opts->schedule) : "static");
    if (opts->chunk_given)
        printf(",\"chunk\":%llu", (unsigned long long)opts->chunk);
    else
        printf(",\"chunk\":null");
    const char *start = cb_start_name(opts->start);
    const char *channel = cb_channel_name(opts->channel);
    printf(",\"start\":");
    cb_json_str(stdout, *start ? start : NULL);
    printf(",\"channel\":");
    cb_json_str(stdout, *channel ? channel : NULL);
    printf(",\"workers\":[");
    for (size_t i = 0; i < opts->nworkers; i++)
        printf("%s%d", i ? "," : "", opts->workers[i]);
    printf("],\"plans\":[");
    for (size_t i = 0; i < opts->nworkers; i++) {
        int p = opts->workers[i];
        cb_bind_plan(topo, opts->bind, p, plan);
        printf("%s[", i ? "," : "");
        for (int w = 0; w < p; w++)
            printf("%s%d", w ? "," : "", plan[w] < 0 ? -1 : plan[w]);
        printf("]");
    }
    printf("],\"kernels\":[");
    for (size_t i = 0; i < opts->nkernels; i++) {
        const struct cb_kernel *k = opts->kernels[i];
        char size_name[32];
        cb_kernel_size_name(k, size_name, sizeof size_name);
        printf("%s{\"name\":", i ? "," : "");
        cb_json_str(stdout, k->name);
        printf(",\"size\":%llu,\"default_size\":%llu,\"size_name\":",
               (unsigned long long)opts->sizes[i], (unsigned long long)k->default_size);
        cb_json_str(stdout, size_name);
        printf(",\"description\":");
        cb_json_str(stdout, k->description);
        printf("}");
    }
    printf("]}\n");
    free(plan);
    return 0;
}
