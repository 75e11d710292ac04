/*
 * noise.h - what else happened while a configuration was measured, and which of it moved
 * with a noisy point (issue 17: measurement a reader can trust).
 *
 * Recorded per repetition, around the timed call (a mark before, a mark after):
 *   - foreign CPU time: the busy time of the watched PUs (the run's allowed cpuset) in
 *     /proc/stat (user, nice, system, irq and softirq ticks) minus the CPU time of this
 *     run's own processes: this process and its reaped children (getrusage), its live
 *     descendants (a pool's workers: /proc/PID/task/TID/children, then each one's
 *     /proc/PID/stat and status), plus what the model reports for workers that are not
 *     its descendants (MPI's ranks, cb_rep.other);
 *   - steal: the watched PUs' steal ticks (time the hypervisor ran another guest);
 *   - the clock: the mean of scaling_cur_freq (cpufreq in sysfs) over the workers' planned
 *     PUs, read after the call; empty where the kernel exposes no cpufreq (most VMs);
 *   - this run's voluntary and involuntary context switches and minor and major page faults
 *     (the same processes).
 * /proc/stat counts in clock ticks (USER_HZ, 10 ms) while getrusage is exact, so a single
 * repetition's foreign time is uncertain by about a tick per watched PU; a configuration's
 * share is taken over all its repetitions together.
 *
 * `loaded` means exactly: other processes used more than CB_LOADED_PU of a PU on average
 * over the configuration's measured repetitions (foreign CPU seconds / wall seconds), and at
 * least CB_LOADED_MIN_S seconds in all (below that the ticks cannot tell).
 *
 * A point is `noisy` when its coefficient of variation exceeds CB_NOISY_CV. Its noise
 * causes are the recorded quantities whose per-repetition values move with the wall time:
 * a Spearman rank correlation of at least CB_CAUSE_RHO (the clock: at most -CB_CAUSE_RHO,
 * a slower clock making a slower repetition) over at least CB_CAUSE_MIN_N repetitions, the
 * quantity not being constant. "none" when none of them did.
 *
 * One more cause needs no per-repetition record: `rounds`. A sweep measures a configuration
 * in several rounds, each a separate run of the binary. When the rounds' medians differ by
 * at least CB_ROUNDS_SPREAD of the point's median, the machine ran the same work at another
 * speed from one run to the next. On a virtual machine that is the host (another guest on
 * the same cores or cache, its clock) when nothing recorded inside the guest moved with it.
 */
#ifndef CB_NOISE_H
#define CB_NOISE_H

#include "warnings.h"

#include <stddef.h>
#include <stdio.h>

#define CB_LOADED_PU 0.2      /* loaded: others used more than a fifth of a PU ... */
#define CB_LOADED_MIN_S 0.05  /* ... and at least 50 ms (5 ticks) over the configuration */
#define CB_CAUSE_RHO 0.5      /* a cause: |Spearman rho| with the wall time at least 0.5 */
#define CB_CAUSE_MIN_N 5      /* over at least 5 repetitions */
#define CB_ROUNDS_SPREAD 0.03 /* rounds: their medians differ by 3% (the noisy CV) or more */
#define CB_ROUNDS_MIN_N 2     /* each of at least two rounds with two or more repetitions */

/* This run's own resource use (getrusage), or a model's report of its unreaped workers'. */
struct cb_usage {
    double user, sys;          /* CPU seconds */
    double vcsw, ivcsw;        /* voluntary and involuntary context switches */
    double minflt, majflt;     /* minor and major page faults */
};

/* A point in time: the watched PUs' tick counters and this process's usage. */
struct cb_noise_mark {
    double busy_s, steal_s;    /* NAN when /proc/stat could not be read */
    struct cb_usage own;       /* RUSAGE_SELF + RUSAGE_CHILDREN */
};

/* What one repetition (or a sum of them) recorded; NAN where unknown. */
struct cb_noise {
    double foreign_s, steal_s, freq_mhz;
    double vcsw, ivcsw, minflt, majflt;
};

/* The causes, in the order of the noise_causes column's names. */
enum cb_cause { CB_CAUSE_FOREIGN, CB_CAUSE_STEAL, CB_CAUSE_FREQ, CB_CAUSE_SWITCHES,
                CB_CAUSE_FAULTS, CB_CAUSE_MIGRATIONS, CB_NCAUSES };
extern const char *const cb_cause_names[CB_NCAUSES];

/* Watch the PUs whose OS indexes are pus[0..n-1] (a copy is kept; n = 0: none, every mark
 * then has NAN busy and steal). Returns 0 or -ENOMEM. */
int cb_noise_watch(const int *pus, int n);

/* Watch the topology's PUs: cb_noise_watch over cb_topo_os_indexes. 0 or -ENOMEM. */
struct cb_topo;
int cb_noise_watch_topology(const struct cb_topo *topo);

/* This run's usage now: this process, its reaped children and its live descendants. */
void cb_usage_now(struct cb_usage *u);

/* *sum += *u, field by field; and *d = b - a. */
void cb_usage_add(struct cb_usage *sum, const struct cb_usage *u);
void cb_usage_diff(const struct cb_usage *a, const struct cb_usage *b, struct cb_usage *d);

/* Take a mark. */
void cb_noise_mark(struct cb_noise_mark *m);

/* What happened between marks a and b, with `other` the usage of workers the process does
 * not reap (may be NULL); freq_mhz is read now from the n PUs pus[] (n = 0: NAN). */
void cb_noise_between(const struct cb_noise_mark *a, const struct cb_noise_mark *b,
                      const struct cb_usage *other, const int *pus, int n,
                      struct cb_noise *out);

/* Whether foreign CPU seconds over wall seconds make a configuration `loaded`. */
int cb_noise_loaded(double foreign_s, double wall_s);

/* The noise causes of n repetitions: wall[i] against each cause's values (any array may be
 * NULL, and NAN entries are left out with their wall time). Writes the ';'-separated names,
 * or "none", into buf. */
void cb_noise_causes(const double *wall, size_t n, const double *const cause[CB_NCAUSES],
                     char *buf, size_t len);

/* Spearman's rank correlation of the pairs (x[i], y[i]) without NANs; NAN when fewer than
 * 3 pairs remain or either side is constant. (Ties get their mean rank.) */
double cb_spearman(const double *x, const double *y, size_t n);

/* Whether the rounds differ: wall[i] was measured in round run[i] (any numbering); rounds of
 * fewer than CB_ROUNDS_MIN_N repetitions are left out. 1 when at least CB_ROUNDS_MIN_N
 * rounds remain and (max - min) of their medians is at least CB_ROUNDS_SPREAD times the
 * median of all n; else 0 (-ENOMEM when out of memory). */
int cb_noise_rounds(const double *wall, const size_t *run, size_t n);

/* Add the cause `rounds` to a causes list as cb_noise_causes wrote it ("none" is replaced). */
void cb_noise_add_rounds(char *causes, size_t len);

/* A configuration's figures from its n repetitions: each field's median (NANs left out),
 * the foreign share (foreign seconds over wall seconds, all repetitions together), whether
 * that makes it `loaded`, and, when `noisy`, its causes (else ""). moved may be NULL. */
struct cb_noise_summary {
    struct cb_noise median;
    double foreign_pu;
    int loaded;
    char causes[96];
};
void cb_noise_summarize(const struct cb_noise *rep, const double *wall, const double *moved,
                        size_t n, int noisy, struct cb_noise_summary *out);

/* The CSV columns (raw and summary rows of the binaries, and summary.csv), and one row's
 * values: a comma, then each field (empty for NAN). */
#define CB_NOISE_COLUMNS \
    "foreign_cpu_s,foreign_pu,steal_s,freq_mhz,vcsw,ivcsw,minflt,majflt,noise_causes"
void cb_noise_csv(FILE *f, const struct cb_noise *v, double foreign_pu, const char *causes);

#endif
