/*
 * noise.c - see noise.h.
 */
#define _GNU_SOURCE
#include "noise.h"

#include "base.h"
#include "stats.h"
#include "topo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

const char *const cb_cause_names[CB_NCAUSES] = { "foreign", "steal", "clock", "switches",
                                                 "faults", "migrations" };

static unsigned char *watched; /* [nwatched]: 1 for a watched PU's OS index */
static int nwatched;
static double tick_s;
static int no_cpufreq;          /* a read found no cpufreq: not tried again */

static double clock_tick(void);

int cb_noise_watch(const int *pus, int n)
{
    int max = -1;
    for (int i = 0; i < n; i++)
        if (pus[i] > max)
            max = pus[i];
    unsigned char *w = max >= 0 ? calloc((size_t)max + 1, 1) : NULL;
    if (max >= 0 && !w)
        return -ENOMEM;
    for (int i = 0; i < n; i++)
        if (pus[i] >= 0)
            w[pus[i]] = 1;
    free(watched);
    watched = w;
    nwatched = max + 1;
    clock_tick();
    return 0;
}

int cb_noise_watch_topology(const struct cb_topo *topo)
{
    int *pus = malloc(sizeof(int) * (size_t)(topo->pus > 0 ? topo->pus : 1));
    if (!pus)
        return -ENOMEM;
    cb_topo_os_indexes(topo, pus);
    int rc = cb_noise_watch(pus, topo->pus);
    free(pus);
    return rc;
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

static ssize_t slurp(const char *path, char *buf, size_t len);

/* Seconds per clock tick (USER_HZ), the unit of /proc/stat and /proc/PID/stat. */
static double clock_tick(void)
{
    if (tick_s == 0) {
        long hz = sysconf(_SC_CLK_TCK);
        tick_s = hz > 0 ? 1.0 / (double)hz : 0.01;
    }
    return tick_s;
}

/* A growing list of process ids. */
struct pids {
    pid_t *v;
    size_t n, cap;
};

static void pids_push(struct pids *l, pid_t pid)
{
    pid_t *v = cb_grow(l->v, &l->cap, l->n, sizeof *v, 64);
    if (!v)
        return; /* short of memory: that process is not counted */
    l->v = v;
    l->v[l->n++] = pid;
}

/* The children of every thread of process `pid` ("self" for this one), from
 * /proc/PID/task/TID/children, appended to l. */
static void children_of(const char *pid, struct pids *l)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *d = opendir(path);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char file[160], buf[4096];
        snprintf(file, sizeof file, "%s/%.20s/children", path, e->d_name);
        if (slurp(file, buf, sizeof buf) <= 0)
            continue;
        char *p = buf, *end;
        for (long v; (v = strtol(p, &end, 10)) > 0 && end != p; p = end)
            pids_push(l, (pid_t)v);
    }
    closedir(d);
}

/* Add one live process's CPU time (and that of the children it reaped), page faults and
 * context switches, from /proc/PID/stat and /proc/PID/status. */
static void add_process(pid_t pid, struct cb_usage *u)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (slurp(path, buf, sizeof buf) <= 0)
        return;
    char *p = strrchr(buf, ')'); /* after the command name, which may hold anything */
    if (!p)
        return;
    /* from field 3: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime (man 5 proc) */
    double f[16];
    int n = 0;
    char *q = p + 1, *end;
    while (*q == ' ')
        q++;
    q++; /* the state, one letter */
    for (; n < 14; n++) {
        f[n] = (double)strtoll(q, &end, 10);
        if (end == q)
            return;
        q = end;
    }
    /* f[0..5]: ppid pgrp session tty_nr tpgid flags; f[6..13]: the counts wanted */
    u->minflt += f[6] + f[7];
    u->majflt += f[8] + f[9];
    u->user += (f[10] + f[12]) * clock_tick();
    u->sys += (f[11] + f[13]) * clock_tick();
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (slurp(path, buf, sizeof buf) <= 0)
        return;
    const char *v = strstr(buf, "\nvoluntary_ctxt_switches:");
    const char *nv = strstr(buf, "\nnonvoluntary_ctxt_switches:");
    if (v)
        u->vcsw += strtod(strchr(v + 1, ':') + 1, NULL);
    if (nv)
        u->ivcsw += strtod(strchr(nv + 1, ':') + 1, NULL);
}

void cb_usage_now(struct cb_usage *u)
{
    /* the live descendants first (a pool's workers, a team of processes: this run's own,
     * though not reaped yet), then getrusage: a child reaped in between would count twice,
     * and only this thread reaps while a mark is taken */
    struct cb_usage live = { 0 };
    struct pids l = { 0 };
    children_of("self", &l);
    for (size_t i = 0; i < l.n && i < 65536; i++) {
        char pid[24];
        snprintf(pid, sizeof pid, "%d", (int)l.v[i]);
        children_of(pid, &l);
        add_process(l.v[i], &live);
    }
    free(l.v);
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    u->user = tv(self.ru_utime) + tv(kids.ru_utime);
    u->sys = tv(self.ru_stime) + tv(kids.ru_stime);
    u->vcsw = (double)(self.ru_nvcsw + kids.ru_nvcsw);
    u->ivcsw = (double)(self.ru_nivcsw + kids.ru_nivcsw);
    u->minflt = (double)(self.ru_minflt + kids.ru_minflt);
    u->majflt = (double)(self.ru_majflt + kids.ru_majflt);
    cb_usage_add(u, &live);
}

void cb_usage_add(struct cb_usage *sum, const struct cb_usage *u)
{
    sum->user += u->user;
    sum->sys += u->sys;
    sum->vcsw += u->vcsw;
    sum->ivcsw += u->ivcsw;
    sum->minflt += u->minflt;
    sum->majflt += u->majflt;
}

void cb_usage_diff(const struct cb_usage *a, const struct cb_usage *b, struct cb_usage *d)
{
    *d = (struct cb_usage){
        .user = b->user - a->user, .sys = b->sys - a->sys, .vcsw = b->vcsw - a->vcsw,
        .ivcsw = b->ivcsw - a->ivcsw, .minflt = b->minflt - a->minflt,
        .majflt = b->majflt - a->majflt,
    };
}

/* Read a whole small file into buf (NUL-terminated). Returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got + 1 < len) {
        ssize_t r = read(fd, buf + got, len - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    return (ssize_t)got;
}

/* The watched PUs' busy and steal ticks from /proc/stat, in seconds. */
static void read_stat(double *busy, double *steal)
{
    *busy = *steal = NAN;
    if (nwatched == 0)
        return;
    /* about 150 bytes a PU: a buffer for 8192 PUs plus the other lines */
    static char *buf;
    static size_t cap;
    size_t need = (size_t)nwatched * 192 + 65536;
    if (cap < need) {
        char *b = realloc(buf, need);
        if (!b)
            return;
        buf = b;
        cap = need;
    }
    if (slurp("/proc/stat", buf, cap) <= 0)
        return;
    unsigned long long b = 0, s = 0;
    int seen = 0;
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1
                                                                    : NULL) {
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
            continue;
        char *end;
        long pu = strtol(line + 3, &end, 10);
        if (pu < 0 || pu >= nwatched || !watched[pu])
            continue;
        unsigned long long v[8] = { 0 };
        /* user nice system idle iowait irq softirq steal (guest is inside user) */
        if (sscanf(end, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7]) < 7)
            continue;
        b += v[0] + v[1] + v[2] + v[5] + v[6];
        s += v[7];
        seen++;
    }
    if (seen) {
        *busy = (double)b * clock_tick();
        *steal = (double)s * clock_tick();
    }
}

void cb_noise_mark(struct cb_noise_mark *m)
{
    read_stat(&m->busy_s, &m->steal_s);
    cb_usage_now(&m->own);
}

/* The mean clock of the PUs, MHz, from cpufreq; NAN where it is not exposed. */
static double read_freq(const int *pus, int n)
{
    if (no_cpufreq || n <= 0)
        return NAN;
    double sum = 0;
    int got = 0;
    for (int i = 0; i < n; i++) {
        if (pus[i] < 0)
            continue;
        char path[96], buf[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq",
                 pus[i]);
        if (slurp(path, buf, sizeof buf) <= 0)
            continue;
        char *end;
        double khz = strtod(buf, &end);
        if (end != buf && khz > 0) {
            sum += khz / 1000.0;
            got++;
        }
    }
    if (!got) {
        no_cpufreq = 1;
        return NAN;
    }
    return sum / got;
}

void cb_noise_between(const struct cb_noise_mark *a, const struct cb_noise_mark *b,
                      const struct cb_usage *other, const int *pus, int n,
                      struct cb_noise *out)
{
    struct cb_usage o;
    cb_usage_diff(&a->own, &b->own, &o);
    if (other)
        cb_usage_add(&o, other);
    double own = o.user + o.sys;
    double busy = b->busy_s - a->busy_s;
    /* below zero is the ticks' rounding against getrusage's exact time: nothing foreign */
    out->foreign_s = isnan(busy) ? NAN : busy - own > 0 ? busy - own : 0.0;
    out->steal_s = b->steal_s - a->steal_s;
    out->freq_mhz = read_freq(pus, n);
    out->vcsw = o.vcsw;
    out->ivcsw = o.ivcsw;
    out->minflt = o.minflt;
    out->majflt = o.majflt;
}

int cb_noise_loaded(double foreign_s, double wall_s)
{
    return wall_s > 0 && foreign_s >= CB_LOADED_MIN_S && foreign_s / wall_s > CB_LOADED_PU;
}

/* Ranks (1-based, ties averaged) of v[0..n-1] into r. idx is scratch of n. (qsort has
 * no context argument: the values being sorted, for the harness's and bench-summary's
 * single thread.) */
static const double *cmp_v;
static int by_value(const void *a, const void *b)
{
    double x = cmp_v[*(const size_t *)a], y = cmp_v[*(const size_t *)b];
    return (x > y) - (x < y);
}

static void ranks(const double *v, size_t n, size_t *idx, double *r)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    cmp_v = v;
    qsort(idx, n, sizeof *idx, by_value);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
            j++;
        double mean = (double)(i + j) / 2.0 + 1.0;
        for (size_t k = i; k <= j; k++)
            r[idx[k]] = mean;
        i = j + 1;
    }
}

double cb_spearman(const double *x, const double *y, size_t n)
{
    double *xs = malloc(n * sizeof *xs * 4 + 1), *ys, *rx, *ry;
    size_t *idx = malloc(n * sizeof *idx + 1);
    if (!xs || !idx) {
        free(xs);
        free(idx);
        return NAN;
    }
    ys = xs + n;
    rx = ys + n;
    ry = rx + n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            xs[m] = x[i];
            ys[m] = y[i];
            m++;
        }
    double rho = NAN;
    if (m >= 3) {
        ranks(xs, m, idx, rx);
        ranks(ys, m, idx, ry);
        double mx = (double)(m + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < m; i++) {
            sxy += (rx[i] - mx) * (ry[i] - mx);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - mx) * (ry[i] - mx);
        }
        if (sxx > 0 && syy > 0)
            rho = sxy / sqrt(sxx * syy);
    }
    free(xs);
    free(idx);
    return rho;
}

void cb_noise_causes(const double *wall, size_t n, const double *const cause[CB_NCAUSES],
                     char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < CB_NCAUSES; c++) {
        if (!cause[c])
            continue;
        size_t valid = 0;
        for (size_t i = 0; i < n; i++)
            valid += !isnan(cause[c][i]) && !isnan(wall[i]);
        if (valid < CB_CAUSE_MIN_N)
            continue;
        double rho = cb_spearman(wall, cause[c], n);
        if (isnan(rho))
            continue;
        if (c == CB_CAUSE_FREQ ? rho <= -CB_CAUSE_RHO : rho >= CB_CAUSE_RHO)
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                                     used ? ";" : "", cb_cause_names[c]);
        if (used >= len)
            used = len - 1;
    }
    if (!buf[0])
        snprintf(buf, len, "none");
}

int cb_noise_rounds(const double *wall, const size_t *run, size_t n)
{
    if (n < 2 * CB_ROUNDS_MIN_N)
        return 0;
    double *buf = malloc(2 * n * sizeof *buf);
    size_t *done = calloc(n, sizeof *done);
    if (!buf || !done) {
        free(buf);
        free(done);
        return -ENOMEM;
    }
    double *one = buf + n, lo = INFINITY, hi = -INFINITY;
    size_t rounds = 0;
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++)
            if (run[j] == run[i]) {
                done[j] = 1;
                one[m++] = wall[j];
            }
        if (m < CB_ROUNDS_MIN_N)
            continue;
        double med = cb_median(one, m);
        lo = med < lo ? med : lo;
        hi = med > hi ? med : hi;
        rounds++;
    }
    memcpy(buf, wall, n * sizeof *buf);
    double all = cb_median(buf, n);
    free(buf);
    free(done);
    return rounds >= CB_ROUNDS_MIN_N && all > 0 && hi - lo >= CB_ROUNDS_SPREAD * all;
}

void cb_noise_add_rounds(char *causes, size_t len)
{
    if (len == 0)
        return;
    if (strcmp(causes, "none") == 0 || !causes[0])
        snprintf(causes, len, "rounds");
    else if (strlen(causes) + sizeof ";rounds" <= len)
        strcat(causes, ";rounds");
}

/* The median of the non-NAN values among n, each `stride` bytes apart from *first. */
static double median_of(const double *first, size_t stride, size_t n, double *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double v = *(const double *)((const char *)first + i * stride);
        if (!isnan(v))
            scratch[m++] = v;
    }
    return m ? cb_median(scratch, m) : NAN;
}

void cb_noise_summarize(const struct cb_noise *rep, const double *wall, const double *moved,
                        size_t n, int noisy, struct cb_noise_summary *out)
{
    memset(out, 0, sizeof *out);
    double *scratch = malloc((n ? n : 1) * sizeof *scratch * (CB_NCAUSES + 1));
    struct cb_noise *m = &out->median;
    m->foreign_s = m->steal_s = m->freq_mhz = NAN;
    m->vcsw = m->ivcsw = m->minflt = m->majflt = NAN;
    out->foreign_pu = NAN;
    if (!scratch || n == 0) {
        free(scratch);
        return;
    }
    size_t st = sizeof *rep;
    m->foreign_s = median_of(&rep[0].foreign_s, st, n, scratch);
    m->steal_s = median_of(&rep[0].steal_s, st, n, scratch);
    m->freq_mhz = median_of(&rep[0].freq_mhz, st, n, scratch);
    m->vcsw = median_of(&rep[0].vcsw, st, n, scratch);
    m->ivcsw = median_of(&rep[0].ivcsw, st, n, scratch);
    m->minflt = median_of(&rep[0].minflt, st, n, scratch);
    m->majflt = median_of(&rep[0].majflt, st, n, scratch);

    double foreign = 0, spent = 0;
    size_t known = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(rep[i].foreign_s)) {
            foreign += rep[i].foreign_s;
            spent += wall[i];
            known++;
        }
    if (known && spent > 0) {
        out->foreign_pu = foreign / spent;
        out->loaded = cb_noise_loaded(foreign, spent);
    }
    if (noisy) {
        /* the per-repetition values of each cause, side by side with wall[] */
        double *c[CB_NCAUSES];
        for (int k = 0; k < CB_NCAUSES; k++)
            c[k] = scratch + (size_t)(k + 1) * n;
        for (size_t i = 0; i < n; i++) {
            c[CB_CAUSE_FOREIGN][i] = rep[i].foreign_s;
            c[CB_CAUSE_STEAL][i] = rep[i].steal_s;
            c[CB_CAUSE_FREQ][i] = rep[i].freq_mhz;
            c[CB_CAUSE_SWITCHES][i] = rep[i].ivcsw + rep[i].vcsw;
            c[CB_CAUSE_FAULTS][i] = rep[i].minflt + rep[i].majflt;
            c[CB_CAUSE_MIGRATIONS][i] = moved ? moved[i] : NAN;
        }
        const double *const *cc = (const double *const *)c;
        cb_noise_causes(wall, n, cc, out->causes, sizeof out->causes);
    }
    free(scratch);
}

void cb_noise_csv(FILE *f, const struct cb_noise *v, double foreign_pu, const char *causes)
{
    cb_put_fixed(f, 3, v->foreign_s);
    cb_put_fixed(f, 4, foreign_pu);
    cb_put_fixed(f, 3, v->steal_s);
    cb_put_fixed(f, 0, v->freq_mhz);
    cb_put_fixed(f, 0, v->vcsw);
    cb_put_fixed(f, 0, v->ivcsw);
    cb_put_fixed(f, 0, v->minflt);
    cb_put_fixed(f, 0, v->majflt);
    fprintf(f, ",%s", causes ? causes : "");
}
