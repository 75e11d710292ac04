/*
 * stats-machines.h - bench-stats machines A_DIR B_DIR: two results folders (two machines)
 * held against each other in numbers, from their raw rows (issue 18). See stats-machines.c.
 */
#ifndef CB_STATS_MACHINES_H
#define CB_STATS_MACHINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The help text of the subcommand (two-space indented, as bench-stats --help; no printf format). */
#define CB_MACHINES_HELP \
    "  machines A_DIR B_DIR [--seed N] [--resamples N]\n" \
    "      two results folders (two machines) from their raw rows (DIR/raw/*.csv,\n" \
    "      pooled as bench-summary pools them): one row per point (kernel, size,\n" \
    "      series, workers) in both, in summary.csv's order: kernel,size,series,model,\n" \
    "      workers,a_median_s,b_median_s,time_ratio (B/A),time_ratio_lo,time_ratio_hi,\n" \
    "      a_speedup,b_speedup (S = T_seq/T_p in each folder),speedup_ratio (B/A),\n" \
    "      speedup_ratio_lo,speedup_ratio_hi,verdict: b-faster (the time ratio's 95%\n" \
    "      percentile bootstrap interval is below 1), a-faster (above 1), same, or\n" \
    "      few-samples (a side with fewer than 2 samples: no interval). Each side is\n" \
    "      resampled apart (the speedup ratio: all four sample sets). Then, after a\n" \
    "      blank line, one row per kernel and size: kernel,size,models_p1,\n" \
    "      geomean_time_ratio_p1,geomean_lo,geomean_hi (the geometric mean over the\n" \
    "      series at p = 1, bench-seq included, with its bootstrap interval),\n" \
    "      time_verdict (as above; no-p1 without a point at p = 1),scaling\n" \
    "      (scales-same when every speedup-ratio interval at p > 1 holds 1;\n" \
    "      b-scales-better, a-scales-better or mixed otherwise; not-compared without\n" \
    "      one),b_scales_better,a_scales_better (the points, 'series p=N;...')\n"

/* Run it on argv[0..argc) (the two folders). Writes its CSV to out whole, after every input
 * is read and every figure computed. Returns 0, or -EINVAL (bad command line or input),
 * -ENOMEM, -EIO with one line in err. */
int cb_stats_machines(int argc, char **argv, uint64_t seed, int resamples, FILE *out,
                      char *err, size_t errlen);

#endif
