/*
 * kernels.h - what several kernels share beyond kernel.h's descriptor: steps that more
 * than one kernel would otherwise write the same way. Only the kernels include it.
 */
#ifndef CB_KERNELS_KERNELS_H
#define CB_KERNELS_KERNELS_H

#include "kernel.h"

/* The finish step of a kernel whose result is a count (the workers' partials summed
 * exactly): the sum as the checksum, in its two 64-bit halves, and as the value. */
void cb_finish_count(const struct cb_job *job, const struct cb_partial *total,
                     struct cb_result *res);

#endif
