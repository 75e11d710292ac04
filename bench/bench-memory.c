/*
 * bench-memory - what workers cost in memory (issue 7, part 4): the total resident set
 * (RSS) and proportional set (PSS) of a program and its workers, from the kernel's own
 * accounting in /proc/PID/smaps_rollup, for threads, forked processes (copy-on-write) and
 * spawned processes, at p = 1..CPUs, for a small and a large matmul input.
 *
 * The parent prepares the matmul job of order n (A and B filled, the output memfd
 * poisoned: everything touched) before any worker starts. Then p workers start; each
 * reads every page of A and B and writes its own block of output rows in place (the
 * shared output, as bench-procs' shm channel does), then reports ready and waits. While
 * all wait, the parent reads smaps_rollup of itself and of each worker process and adds
 * them up; then it releases and joins (reaps) them.
 *
 *   threads  p threads in the parent: the parent's own figures
 *   fork     p forked children: they share the parent's pages until one writes them, so
 *            RSS counts the inputs in every process while PSS splits them
 *   spawn    p fresh processes of this binary (--cb-child) that rebuild A and B from the
 *            seed, as bench-procs --start spawn does, and map the parent's output
 *
 * RSS adds up pages shared between processes once per process; PSS charges each shared
 * page 1/k to each of the k processes mapping it, so the PSS total is the memory the
 * whole program really occupies. Both are summed over the parent and its workers.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "timer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

enum { M_THREADS, M_FORK, M_SPAWN, M_N };
static const char *const names[] = { "threads", "fork", "spawn", NULL };

#define FD_CTL 10  /* where a spawned worker finds the control block ... */
#define FD_OUT 11  /* ... and the parent's output */
#define HIGH_FD 100

struct mctl {
    sem_t ready, release;
    struct cb_where where[]; /* [largest p]: where each worker touched its memory */
};

struct mem {
    const struct cb_mopts *o;
    struct cb_job job;
    struct mctl *ctl;
    int ctl_fd;
    int p;
    uint64_t seed;
    int *plan;        /* the --bind plan for the largest p (each p's is a prefix) */
    size_t ctl_bytes; /* the control block with its records */
};

static size_t ctl_size(int p)
{
    return sizeof(struct mctl) + (size_t)p * sizeof(struct cb_where);
}

/* Read every page of A and B and write rows [lo, hi) of the output: what a worker holds
 * while it computes. Returns a value that depends on what was read, so nothing is skipped. */
static double touch(const struct cb_job *job, int w, int p)
{
    const double *a, *b;
    if (cb_matmul_inputs(job, &a, &b) < 0)
        return 0;
    size_t n = (size_t)job->size, step = 4096 / sizeof(double);
    double sum = 0;
    for (size_t i = 0; i < n * n; i += step)
        sum += a[i] + b[i];
    uint64_t lo = job->space * (uint64_t)w / (uint64_t)p;
    uint64_t hi = job->space * (uint64_t)(w + 1) / (uint64_t)p;
    if (hi > lo)
        memset(cb_job_row(job, lo), 0, (size_t)(hi - lo) * job->out_stride);
    return sum;
}

static int wait_release(struct mctl *c)
{
    if (sem_post(&c->ready) < 0)
        return 72;
    while (sem_wait(&c->release) < 0)
        if (errno != EINTR)
            return 71;
    return 0;
}

static int mem_worker(int w, void *arg)
{
    struct mem *m = arg;
    int cpu0 = cb_current_cpu();
    volatile double sink = touch(&m->job, w, m->p);
    (void)sink;
    cb_where_note(&m->ctl->where[w], m->plan[w], cpu0, cb_current_cpu());
    return wait_release(m->ctl);
}

/* A spawned worker: argv = --cb-child N SEED W P PARENT PU (PU -1: unbound). */
static int child_main(int argc, char **argv)
{
    /* checked like any command line: it can be typed by hand */
    const struct cb_kernel *k = cb_kernel_find("matmul");
    uint64_t n, seed, w, p, parent;
    int pu;
    if (argc != 8 || cb_micro_child_pu(argv[7], &pu) < 0 ||
        cb_parse_dec(argv[2], k->max_size, &n) < 0 ||
        cb_parse_dec(argv[3], UINT64_MAX, &seed) < 0 ||
        cb_parse_dec(argv[4], CB_MAX_WORKERS - 1, &w) < 0 ||
        cb_parse_dec(argv[5], CB_MAX_WORKERS, &p) < 0 || w >= p ||
        cb_parse_dec(argv[6], 0x7fffffff, &parent) < 0 || parent == 0 ||
        !cb_memory_fits(k->memory(n))) {
        fprintf(stderr, "bench-memory: --cb-child N SEED W P PARENT PU: bad arguments\n");
        return CB_EXIT_USAGE;
    }
    /* bound by itself, first */
    if (cb_micro_child_init((pid_t)parent, pu) < 0)
        return CB_WEXIT_INIT;
    size_t bytes = ctl_size((int)p);
    struct mctl *c = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, FD_CTL, 0);
    if (c == MAP_FAILED)
        return 73;
    struct cb_job job;
    if (cb_job_prepare(&job, k, n, seed) < 0)
        return 74;
    if (cb_job_attach_out(&job, FD_OUT) < 0)
        return 75;
    int cpu0 = cb_current_cpu();
    volatile double sink = touch(&job, (int)w, (int)p);
    (void)sink;
    cb_where_note(&c->where[w], pu, cpu0, cb_current_cpu());
    int rc = wait_release(c);
    cb_job_cleanup(&job);
    munmap(c, bytes);
    return rc;
}

/* Spawn worker w; registered for emergency clean-up on success. Returns 0 or an errno. */
static int spawn_worker(struct mem *m, int w, pid_t *pid)
{
    char nb[32], sb[32], wb[16], pb[16], pp[16], pu[16];
    snprintf(nb, sizeof nb, "%" PRIu64, m->job.size);
    snprintf(sb, sizeof sb, "%" PRIu64, m->seed);
    snprintf(wb, sizeof wb, "%d", w);
    snprintf(pb, sizeof pb, "%d", m->p);
    snprintf(pp, sizeof pp, "%d", (int)getpid());
    snprintf(pu, sizeof pu, "%d", m->plan[w]);
    char *argv[] = { "bench-memory-child", "--cb-child", nb, sb, wb, pb, pp, pu, NULL };
    /* move the sources above HIGH_FD first, so no dup2 clobbers a later source */
    int src[2] = { m->ctl_fd, m->job.out_fd }, high[2] = { -1, -1 };
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0)
        return rc;
    for (int i = 0; i < 2 && rc == 0; i++) {
        high[i] = fcntl(src[i], F_DUPFD_CLOEXEC, HIGH_FD);
        rc = high[i] < 0 ? errno : posix_spawn_file_actions_adddup2(&fa, high[i], FD_CTL + i);
    }
    /* the child starts with the normal signal mask; no signal comes between the spawn and
     * the registration */
    posix_spawnattr_t attr;
    sigset_t normal, saved;
    pthread_sigmask(SIG_SETMASK, NULL, &normal);
    int attr_ok = posix_spawnattr_init(&attr) == 0;
    if (rc == 0 && (!attr_ok || posix_spawnattr_setsigmask(&attr, &normal) != 0 ||
                    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK) != 0))
        rc = EINVAL;
    if (rc == 0) {
        cb_signals_hold(&saved);
        rc = posix_spawn(pid, "/proc/self/exe", &fa, &attr, argv, environ);
        if (rc == 0)
            cb_proc_register(*pid);
        cb_signals_restore(&saved);
    }
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 2; i++)
        if (high[i] >= 0)
            close(high[i]);
    return rc;
}

/* Rss and Pss of a process in KiB, from /proc/PID/smaps_rollup. 0 or -errno. */
static int rollup(pid_t pid, double *rss, double *pss)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    int got = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (sscanf(line, "Rss: %llu kB", &kb) == 1) {
            *rss = (double)kb;
            got |= 1;
        } else if (sscanf(line, "Pss: %llu kB", &kb) == 1) {
            *pss = (double)kb;
            got |= 2;
        }
    }
    fclose(f);
    return got == 3 ? 0 : -EIO;
}

/* One sample: start p workers, add up the figures while they wait, release and join. */
static int sample(struct mem *m, int model, double *rss, double *pss, char *err,
                  size_t errlen)
{
    const int p = m->p;
    struct cb_team team;
    int rc;
    if (model == M_SPAWN) {
        memset(&team, 0, sizeof team);
        team.processes = 1;
        team.timeout = m->o->timeout;
        team.pids = malloc((size_t)p * sizeof *team.pids);
        if (!team.pids) {
            snprintf(err, errlen, "out of memory");
            return CB_EXIT_ERROR;
        }
        rc = 0;
        for (int w = 0; w < p && rc == 0; w++) {
            int e = spawn_worker(m, w, &team.pids[w]);
            if (e != 0) {
                snprintf(err, errlen, "cannot spawn worker %d of %d: %s", w, p, strerror(e));
                rc = -e;
            } else {
                team.n = w + 1; /* registered by spawn_worker */
            }
        }
        if (rc != 0)
            cb_team_kill(&team);
    } else {
        /* threads and forked children bind themselves to the plan, as in the models */
        rc = cb_team_start_placed(&team, model == M_FORK, p, m->plan, mem_worker, m,
                                  m->o->timeout, err, errlen);
    }
    if (rc != 0) {
        /* threads already started wait for their release */
        for (int w = 0; w < team.n; w++)
            sem_post(&m->ctl->release);
        cb_team_join(&team, NULL, 0);
        return CB_EXIT_ERROR;
    }
    for (int w = 0; w < p && rc == 0; w++)
        rc = cb_team_sem_wait(&team, &m->ctl->ready, err, errlen);
    if (rc != 0) {
        if (team.processes)
            cb_team_join(&team, NULL, 0);
        return rc;
    }
    double r, s;
    *rss = *pss = 0;
    if ((rc = rollup(getpid(), &r, &s)) == 0) {
        *rss += r;
        *pss += s;
    }
    for (int w = 0; w < team.n && rc == 0 && team.processes; w++)
        if ((rc = rollup(team.pids[w], &r, &s)) == 0) {
            *rss += r;
            *pss += s;
        }
    if (rc != 0)
        snprintf(err, errlen, "cannot read /proc/PID/smaps_rollup: %s", strerror(-rc));
    for (int w = 0; w < p; w++)
        sem_post(&m->ctl->release);
    int jrc = cb_team_join(&team, rc == 0 ? err : NULL, rc == 0 ? errlen : 0);
    *rss /= 1024;
    *pss /= 1024;
    return rc != 0 ? CB_EXIT_ERROR : jrc;
}

/* One matmul input size: every selected model at every worker count, the input touched
 * before the workers start (so the parent's share shows in the sums); CB_EXIT_ERROR with the
 * reason in err on failure */
static int measure_size(struct mem *m, struct cb_mout *out, size_t si, int *idx, double *rss,
                        double *pss, char *err, size_t errsz)
{
    const struct cb_mopts *o = m->o;
    size_t total = (size_t)o->reps + 1;
    uint64_t n = o->sizes[si];
    int rc = 0;
    int prc = cb_job_prepare(&m->job, cb_kernel_find("matmul"), n, m->seed);
    if (prc < 0) {
        snprintf(err, errsz, "cannot prepare matmul n = %llu: %s", (unsigned long long)n,
                 strerror(-prc));
        return CB_EXIT_ERROR;
    }
    m->job.kernel->reset(&m->job); /* touch the output too */
    double inputs_mib = 3.0 * (double)n * (double)n * sizeof(double) / 1048576.0;
    for (int model = 0; model < M_N && rc == 0; model++) {
        if (!cb_micro_selected(o, model))
            continue;
        cb_micro_order(o, (uint64_t)(si * M_N + (size_t)model), idx, (int)o->nworkers);
        for (size_t i = 0; i < o->nworkers && rc == 0; i++) {
            m->p = o->workers[idx[i]];
            cb_where_reset(m->ctl->where, m->p);
            /* the first sample is a warm-up, discarded */
            for (size_t r = 0; r < total && rc == 0; r++)
                rc = sample(m, model, &rss[r], &pss[r], err, errsz);
            if (rc != 0)
                break;
            char note[200];
            snprintf(note, sizeof note, "sum over the parent and its %s; matmul n = %llu "
                     "inputs and output %.3g MiB touched first",
                     model == M_THREADS ? "threads (one process)" : "worker processes",
                     (unsigned long long)n, inputs_mib);
            for (int metric = 0; metric < 2 && rc == 0; metric++) {
                struct cb_mrow row = {
                    .bench = "memory", .construct = names[model],
                    .between = model == M_THREADS ? "threads" : "processes",
                    .metric = metric ? "pss" : "rss", .unit = "MiB",
                    .size = (long long)n, .workers = m->p, .note = note,
                    .vals = (metric ? pss : rss) + 1, .n = (size_t)o->reps,
                    .plan = m->plan, .where = m->ctl->where, .nplan = m->p,
                };
                if (cb_mout_row(out, &row) < 0) {
                    snprintf(err, errsz, "out of memory");
                    rc = CB_EXIT_ERROR;
                }
            }
        }
    }
    cb_job_cleanup(&m->job);
    return rc;
}

/* Every figure comes from /proc/PID/smaps_rollup: without it, nothing can be measured. */
static int smaps_readable(const char *prog)
{
    if (access("/proc/self/smaps_rollup", R_OK) == 0)
        return 0;
    fprintf(stderr, "%s: /proc/self/smaps_rollup cannot be read (Linux 4.14 or later has "
            "it): %s\n", prog, strerror(errno));
    return CB_EXIT_ERROR;
}

int main(int argc, char **argv)
{
    static const struct cb_mspec spec = {
        .prog = "bench-memory",
        .purpose = "The total resident (RSS) and proportional (PSS) memory of a program and "
                   "its p workers, threads, forked or spawned processes, from "
                   "/proc/PID/smaps_rollup, with a matmul input of each size touched before "
                   "the workers start",
        .names = names,
        .flags = CB_MOPT_WORKERS | CB_MOPT_SIZES,
        .default_workers = "1-all",
        .default_sizes = "256,2048",
        .quick_sizes = "64,256",
        .sizes_meaning = "matrix orders n of the matmul input (3 n^2 doubles)",
        .size_min = 1,
        .size_max = 16384,
        .check = smaps_readable,
        .child = child_main,
    };
    struct cb_mopts o;
    struct cb_mout *out;
    int rc = cb_micro_start(argc, argv, &spec, &o, &out);
    if (!out)
        return rc;
    struct mem m = { .o = &o, .seed = o.seed, .ctl_fd = -1 };
    int maxp = cb_micro_maxp(&o);
    m.ctl_bytes = ctl_size(maxp);
    m.plan = malloc((size_t)maxp * sizeof *m.plan);
    size_t total = (size_t)o.reps + 1;
    double *rss = malloc(total * sizeof *rss), *pss = malloc(total * sizeof *pss);
    int *idx = malloc(o.nworkers * sizeof *idx);
    char err[512] = "";
    m.ctl_fd = memfd_create("cb-memory-ctl", MFD_CLOEXEC);
    if (m.ctl_fd < 0 || ftruncate(m.ctl_fd, (off_t)m.ctl_bytes) < 0 ||
        (m.ctl = mmap(NULL, m.ctl_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m.ctl_fd, 0)) ==
            MAP_FAILED) {
        snprintf(err, sizeof err, "cannot create the control block: %s", strerror(errno));
        m.ctl = NULL;
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0 && (sem_init(&m.ctl->ready, 1, 0) < 0 || sem_init(&m.ctl->release, 1, 0) < 0)) {
        snprintf(err, sizeof err, "sem_init: %s", strerror(errno));
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0 && (!rss || !pss || !idx || !m.plan || cb_micro_plan(&o, maxp, m.plan) < 0)) {
        snprintf(err, sizeof err, "out of memory");
        rc = CB_EXIT_ERROR;
    }
    for (size_t si = 0; si < o.nsizes && rc == 0; si++)
        rc = measure_size(&m, out, si, idx, rss, pss, err, sizeof err);
    rc = cb_micro_finish(out, rc, err);
    if (m.ctl) {
        sem_destroy(&m.ctl->ready);
        sem_destroy(&m.ctl->release);
        munmap(m.ctl, m.ctl_bytes);
    }
    if (m.ctl_fd >= 0)
        close(m.ctl_fd);
    free(m.plan);
    free(rss);
    free(pss);
    free(idx);
    return rc;
}
