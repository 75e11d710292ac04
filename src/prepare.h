/*
 * prepare.h - a model binary's command line and the preparation of its run: the options
 * parsed (the shared ones through cli.c, the models' own here), then the topology loaded,
 * the kernels, sizes and worker counts chosen, the limits checked, --plan printed, another
 * machine's topology refused, OpenMP's places exported and the output reserved. Nothing
 * is measured here: harness.c runs what this prepared.
 */
#ifndef CB_PREPARE_H
#define CB_PREPARE_H

#include "harness.h"
#include "topo.h"

/* The program's name, which starts every line the harness prints on stderr ("bench" until
 * cb_harness_set_prog). */
extern const char *cb_harness_prog;

/* Take the program's name from argv[0] (its last component). */
void cb_harness_set_prog(int argc, char **argv);

/* Parse the command line into *opts, then prepare the run (above): 0; -1 when it has
 * already done what was asked (--help, --version, --model-info, --plan); or an exit status
 * after printing one line. The caller destroys topo. */
int cb_prepare_run(int argc, char **argv, const struct cb_model *model,
                   struct cb_options *opts, struct cb_topo *topo);

#endif
