/*
 * ompregion.h - the one piece of bench-overhead that is compiled with OpenMP (meson builds
 * ompregion.c alone with -fopenmp, only when OpenMP is found): back-to-back parallel
 * regions, the construct the course's `#pragma omp parallel` costs.
 */
#ifndef CB_OMPREGION_H
#define CB_OMPREGION_H

#include <stdint.h>

struct cb_where;

/* Run `inner` parallel regions of p threads, one after the other, in each of which every
 * thread does cb_delay(iters); *seconds is the elapsed time of all of them. Thread t binds
 * itself to plan[t] in the first, untimed region (libgomp keeps its threads, and their
 * numbers, from region to region; thread 0 is the caller) and records where it ran each
 * time in where[t]. Returns 0, or -EAGAIN when the runtime gave a region fewer than p
 * threads (OMP_THREAD_LIMIT, ...). */
int cb_omp_regions(int p, uint64_t inner, uint64_t iters, const int *plan,
                   struct cb_where *where, double *seconds);

/* "OpenMP 4.5 (_OPENMP 201511)": what the runtime says it implements. */
const char *cb_omp_version(void);

#endif
