/*
 * mpilaunch.c - bench-mpi started plainly: one MPI world per worker count, on this machine.
 *
 * The command line is parsed and checked exactly as every binary's (cb_parse_command_line:
 * a bad one is refused before anything starts, --output is reserved). Then, for each p of
 * --workers in the order given, the launcher runs
 *     mpirun -np p --bind-to none [--oversubscribe] THIS-BINARY OPTIONS --workers p
 * (--oversubscribe when p exceeds the cores, which is what Open MPI counts as slots; the
 * harness flags p above the PUs as oversubscribed in the CSV). Rank 0's CSV comes back on
 * mpirun's standard output; the rows of every world go into one CSV, written through the
 * harness's output module only when every world succeeded.
 *
 * Why one world per count, one after the other: a world's size is fixed, and the idle
 * ranks of a larger world would not sleep but poll (Open MPI busy-waits in its calls) beside
 * the ranks being measured. So bench-mpi does not interleave its worker counts within
 * rounds as the other models do; the driver's sweep still interleaves it with the other
 * models, round by round.
 *
 * mpirun's standard error passes through line by line, except its framed messages (between
 * lines of dashes) about a rank that failed: those are read for the rank, its host and how
 * it ended, and replaced by one line ("rank 1 of 2 (host h) was killed by signal 11 ...",
 * exit status 4). A rank 0 that stopped on its own (a failed verification, a timeout) has
 * already said why; its status is passed on. Framed messages the launcher does not
 * recognise are shown whole.
 *
 * Processes: mpirun dies with the launcher (PR_SET_PDEATHSIG, SIGTERM, so that it kills its
 * ranks). mpirun can exit before it has reaped every rank; the launcher is a child
 * subreaper, so such a rank becomes its child, not init's, and is reaped (or killed after
 * a grace period) before the next world starts. SIGINT, SIGTERM or SIGHUP make the
 * launcher send SIGTERM to mpirun, wait for it and for the ranks, remove the temporary
 * output, and die of the same signal.
 */
#define _GNU_SOURCE
#include "models/mpi.h"

#include "bind.h"
#include "options.h"
#include "output.h"
#include "proc.h"
#include "timer.h"
#include "topo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CB_MPIRUN
#define CB_MPIRUN "mpirun"
#endif

extern char **environ;

static const char *prog = "bench-mpi";

/* Open MPI's files of a world: its session directory (under TMPDIR: the PMIx store, the
 * contact file) and the ranks' shared-memory segments (vader, /dev/shm by default). An
 * mpirun stopped by a signal can leave them behind, so every world gets a private folder
 * for both (TMPDIR and OMPI_MCA_btl_vader_backing_directory point there), in /dev/shm when
 * it can (memory, as the segments need), and the launcher removes the folder whole once
 * mpirun and its ranks are reaped, after a signal too. A launcher killed outright (SIGKILL)
 * cannot: the folder is named cb-mpi-PID-XXXXXX after its owner, and every launch first
 * removes the folders of owners that are gone (remove_stale_world_dirs). */
static char world_dir[PATH_MAX];

/* Remove name (in the folder parent) and everything under it, without following links.
 * Only async-signal-safe system calls (getdents64, unlinkat, openat): the signal handler
 * uses it. */
struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};
static void rm_tree(int parent, const char *name, int depth)
{
    if (unlinkat(parent, name, 0) == 0 || errno != EISDIR || depth > 32)
        return;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[2048] __attribute__((aligned(8)));
    long got;
    int seen, passes = 0;
    do { /* entries were removed under the reader: read the folder again until it is empty */
        seen = 0;
        lseek(fd, 0, SEEK_SET);
        while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long i = 0; i < got;) {
                struct dirent64_raw *e = (struct dirent64_raw *)(void *)(buf + i);
                i += e->reclen;
                if (strcmp(e->name, ".") != 0 && strcmp(e->name, "..") != 0) {
                    rm_tree(fd, e->name, depth + 1);
                    seen++;
                }
            }
        }
    } while (seen > 0 && ++passes < 8); /* bounded: an entry that cannot go stays */
    close(fd);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* The running mpirun and the read ends of its pipes, for the signal handler. */
static volatile pid_t live_pid;
static volatile int live_fd[2] = { -1, -1 };

/* Every process left of a world: the launcher is a child subreaper, so a rank that mpirun
 * left behind (mpirun may exit before it has reaped every rank) is re-parented here, not to
 * init. Wait for them for up to `grace` seconds, then kill what still runs, and reap all.
 * Only async-signal-safe calls: the signal handler uses it too. */
static void reap_orphans(double grace)
{
    struct timespec start, now, nap = { 0, 10 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t pid = waitpid(-1, NULL, WNOHANG);
        if (pid > 0 || (pid < 0 && errno == EINTR))
            continue;
        if (pid < 0)
            return; /* ECHILD: none left */
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) * 1e-9 <
            grace) {
            nanosleep(&nap, NULL);
            continue;
        }
        /* still alive past the grace period: /proc/self/task/TID/children lists them */
        char path[64] = "/proc/self/task/", buf[4096];
        size_t n = strlen(path);
        pid_t self = getpid(); /* the launcher is single-threaded: its tid is its pid */
        char digits[16];
        int d = 0;
        do {
            digits[d++] = (char)('0' + self % 10);
            self /= 10;
        } while (self);
        while (d)
            path[n++] = digits[--d];
        memcpy(path + n, "/children", sizeof "/children");
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t got = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0)
            close(fd);
        for (ssize_t i = 0; i < got;) {
            pid_t child = 0;
            while (i < got && buf[i] >= '0' && buf[i] <= '9')
                child = child * 10 + (buf[i++] - '0');
            if (child > 0)
                kill(child, SIGKILL);
            while (i < got && (buf[i] < '0' || buf[i] > '9'))
                i++;
        }
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
            ;
        return;
    }
}

static void on_signal(int sig)
{
    int saved = errno;
    for (int i = 0; i < 2; i++)
        if (live_fd[i] >= 0)
            close(live_fd[i]); /* mpirun must never block on a pipe nobody reads */
    pid_t pid = live_pid;
    if (pid > 0) {
        kill(pid, SIGTERM);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        reap_orphans(5.0);
    }
    if (world_dir[0])
        rm_tree(AT_FDCWD, world_dir, 0);
    cb_output_discard();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns: the signal is blocked until then */
    errno = saved;
}

/* --- a growing argument vector --------------------------------------------------------- */

struct args {
    char **v;
    int n, cap;
    int bad; /* out of memory */
};

static void push(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(struct args *a, const char *fmt, ...)
{
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? 2 * a->cap : 32;
        char **v = realloc(a->v, sizeof(char *) * (size_t)cap);
        if (!v) {
            a->bad = 1;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s) {
        a->bad = 1;
        return;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static void args_free(struct args *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* mpirun's command line for p ranks, running self with the options of *o. */
static void world_args(struct args *a, const struct cb_options *o, const struct cb_topo *topo,
                       const char *self, int p)
{
    push(a, "%s", CB_MPIRUN);
    push(a, "-np");
    push(a, "%d", p);
    push(a, "--bind-to");
    push(a, "none");
    if (p > topo->cores)
        push(a, "--oversubscribe");
    push(a, "%s", self);
    char kernels[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < o->nkernels; i++)
        used += (size_t)snprintf(kernels + used, sizeof kernels - used, "%s%s", i ? "," : "",
                                 o->kernels[i]->name);
    push(a, "--kernel");
    push(a, "%s", kernels);
    for (size_t i = 0; i < o->nkernels; i++) {
        push(a, "--size");
        push(a, "%s=%llu", o->kernels[i]->name, (unsigned long long)o->sizes[i]);
    }
    push(a, "--reps");
    push(a, "%d", o->reps);
    push(a, "--warmup");
    push(a, "%d", o->warmup);
    push(a, "--seed");
    push(a, "%llu", (unsigned long long)o->seed);
    push(a, "--bind");
    push(a, "%s", cb_bind_name((enum cb_bind)o->bind));
    if (o->timeout > 0) {
        push(a, "--timeout");
        push(a, "%.9f", o->timeout);
    }
    if (o->raw)
        push(a, "--raw");
    if (o->quiet)
        push(a, "--quiet");
    if (!o->interleave)
        push(a, "--sequential-order");
    if (o->foreign_topology)
        push(a, "--foreign-topology");
    push(a, "--workers");
    push(a, "%d", p);
}

/* --- mpirun's standard error ------------------------------------------------------------- */

/* What mpirun's framed messages said about a failed rank (-1: nothing). */
struct verdict {
    int rank, signal, code;  /* a rank killed by a signal, or that exited with a code */
    int abort_rank, abort_code;
    char host[256];
};

/* One framed message, collected until its closing rule. */
struct errfilter {
    char line[8192];
    size_t len;
    int inbox;
    char *box;
    size_t boxlen, boxcap;
    int overflow;
    struct verdict v;
};

static int is_rule(const char *s)
{
    size_t n = strspn(s, "-");
    return n >= 20 && (s[n] == '\0' || s[n] == '\n');
}

/* Read one line of a framed message; 1 if it is one the launcher knows. */
static int read_box_line(struct verdict *v, const char *s)
{
    const char *q;
    int a, b;
    char host[256];
    while (*s == ' ')
        s++;
    if (sscanf(s, "mpirun noticed that process rank %d with PID %*d on node %255s exited on "
                  "signal %d", &a, host, &b) == 3) {
        v->rank = a;
        v->signal = b;
        snprintf(v->host, sizeof v->host, "%s", host);
        return 1;
    }
    if ((q = strstr(s, "Process name: [[")) && sscanf(q, "Process name: [[%*d,%*d],%d]", &a) == 1) {
        v->rank = a;
        return 1;
    }
    if (sscanf(s, "Exit code: %d", &a) == 1) {
        v->code = a;
        return 1;
    }
    if (sscanf(s, "MPI_ABORT was invoked on rank %d", &a) == 1) {
        v->abort_rank = a;
        return 1;
    }
    if (sscanf(s, "with errorcode %d", &a) == 1) {
        v->abort_code = a;
        return 1;
    }
    return strstr(s, "Primary job") || strstr(s, "mpirun detected that one or more processes") ||
           strstr(s, "NOTE: invoking MPI_ABORT");
}

static void box_append(struct errfilter *f, const char *s)
{
    size_t n = strlen(s);
    if (f->boxlen + n + 1 > f->boxcap) {
        size_t cap = f->boxcap ? 2 * f->boxcap : 4096;
        while (cap < f->boxlen + n + 1)
            cap *= 2;
        char *b = realloc(f->box, cap);
        if (!b) {
            f->overflow = 1;
            return;
        }
        f->box = b;
        f->boxcap = cap;
    }
    memcpy(f->box + f->boxlen, s, n + 1);
    f->boxlen += n;
}

/* Show a framed message unless it is one the launcher reads itself (one of its lines is
 * known: the others are mpirun's explanations around them). */
static void box_end(struct errfilter *f, const char *closing)
{
    int known = 0;
    struct verdict v = f->v;
    for (char *s = f->box, *nl; s && s < f->box + f->boxlen; s = nl + 1) {
        nl = strchr(s, '\n');
        if (!nl)
            nl = f->box + f->boxlen;
        char c = *nl;
        *nl = '\0';
        if (read_box_line(&v, s))
            known = 1;
        *nl = c;
    }
    if (known)
        f->v = v;
    if (f->overflow || !known) {
        fputs("--------------------------------------------------------------------------\n",
              stderr);
        if (f->box)
            fwrite(f->box, 1, f->boxlen, stderr);
        if (closing)
            fputs(closing, stderr);
    }
    f->boxlen = 0;
    f->overflow = 0;
    f->inbox = 0;
}

static void filter_line(struct errfilter *f, const char *s)
{
    if (is_rule(s)) {
        if (f->inbox)
            box_end(f, s);
        else
            f->inbox = 1;
        return;
    }
    if (f->inbox)
        box_append(f, s);
    else if (!(strstr(s, "ORTE_ERROR_LOG") && strstr(s, "show_help.c")))
        fputs(s, stderr);
    /* else: mpirun lost a framed report (Open MPI 4.1.4, when a rank dies while it is sent):
     * its own noise, not the run's; mpirun's exit status still tells (verdict) */
}

static void filter_bytes(struct errfilter *f, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        f->line[f->len++] = buf[i];
        if (buf[i] == '\n' || f->len == sizeof f->line - 1) {
            f->line[f->len] = '\0';
            filter_line(f, f->line);
            f->len = 0;
        }
    }
}

static void filter_end(struct errfilter *f)
{
    if (f->len) {
        f->line[f->len++] = '\n';
        f->line[f->len] = '\0';
        filter_line(f, f->line);
        f->len = 0;
    }
    if (f->inbox)
        box_end(f, NULL);
    free(f->box);
    f->box = NULL;
    f->boxcap = 0;
}

/* --- one world ---------------------------------------------------------------------------- */

/* In the child: become mpirun with stdout and stderr on the pipes. Never returns. */
static void exec_mpirun(char **argv, char **envp, pid_t parent, int out, int err)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* SIGTERM, not SIGKILL: mpirun then kills and reaps its ranks itself */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
        _exit(127);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(127);
    execve(argv[0], argv, envp);
    dprintf(2, "%s: cannot run %s: %s\n", prog, argv[0], strerror(errno));
    _exit(127);
}

/* Read mpirun's stdout into *csv and filter its stderr until both close. */
static void drain(int out, int err, FILE *csv, struct errfilter *f)
{
    struct pollfd pf[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
    char buf[65536];
    while (pf[0].fd >= 0 || pf[1].fd >= 0) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(pf[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                live_fd[i] = -1;
                close(pf[i].fd);
                pf[i].fd = -1;
                continue;
            }
            if (i == 0)
                fwrite(buf, 1, (size_t)n, csv);
            else
                filter_bytes(f, buf, (size_t)n);
        }
    }
    filter_end(f);
}

/* What the world's end means: 0, or the exit status after printing at most one line. */
static int verdict(const struct verdict *v, int status, int p)
{
    char how[128];
    if (v->abort_rank >= 0) /* the rank said why before it aborted */
        return v->abort_code >= 1 && v->abort_code <= CB_EXIT_WORKER ? v->abort_code
                                                                    : CB_EXIT_WORKER;
    if (v->rank >= 0 && v->signal > 0) {
        fprintf(stderr, "%s: rank %d of %d%s%s%s was killed by signal %d (%s)\n", prog, v->rank,
                p, v->host[0] ? " (host " : "", v->host, v->host[0] ? ")" : "", v->signal,
                strsignal(v->signal));
        return CB_EXIT_WORKER;
    }
    if (v->rank >= 0 && v->code >= 0) {
        if (v->rank == 0 && v->code >= CB_EXIT_ERROR && v->code <= CB_EXIT_WORKER)
            return v->code; /* rank 0, the harness, said why */
        fprintf(stderr, "%s: rank %d of %d exited with status %d\n", prog, v->rank, p, v->code);
        return CB_EXIT_WORKER;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    /* MPI_Abort's error code becomes mpirun's status: 3 or 4 only comes from rank 0, the
     * harness, which said why before it aborted, even when mpirun's framed report of the
     * abort was lost (see filter_line) */
    if (WIFEXITED(status) && (WEXITSTATUS(status) == CB_EXIT_VERIFY ||
                              WEXITSTATUS(status) == CB_EXIT_WORKER))
        return WEXITSTATUS(status);
    cb_proc_describe(status, how, sizeof how);
    fprintf(stderr, "%s: the world of %d ranks failed: mpirun %s\n", prog, p, how);
    return WIFEXITED(status) && WEXITSTATUS(status) < 128 ? CB_EXIT_ERROR : CB_EXIT_WORKER;
}

/* Run one world; its CSV is appended to *csv. Returns 0 or the exit status. */
static int run_world(char **argv, char **envp, char *t0, size_t t0len, int p, FILE *csv)
{
    int out[2], err[2];
    struct errfilter *f = calloc(1, sizeof *f);
    if (!f || pipe2(out, O_CLOEXEC) < 0) {
        free(f);
        fprintf(stderr, "%s: cannot start mpirun: %s\n", prog, strerror(errno));
        return CB_EXIT_ERROR;
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        fprintf(stderr, "%s: cannot start mpirun: %s\n", prog, strerror(errno));
        free(f);
        close(out[0]);
        close(out[1]);
        return CB_EXIT_ERROR;
    }
    f->v = (struct verdict){ .rank = -1, .signal = -1, .code = -1, .abort_rank = -1,
                             .abort_code = -1 };
    sigset_t old;
    cb_signals_hold(&old);
    fflush(stdout);
    fflush(stderr);
    snprintf(t0, t0len, "%s=%.9f", CB_MPI_T0_ENV, cb_now());
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        exec_mpirun(argv, envp, parent, out[1], err[1]);
    int e = errno;
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        cb_signals_restore(&old);
        free(f);
        close(out[0]);
        close(err[0]);
        fprintf(stderr, "%s: cannot start mpirun: %s\n", prog, strerror(e));
        return CB_EXIT_ERROR;
    }
    live_fd[0] = out[0];
    live_fd[1] = err[0];
    live_pid = pid;
    cb_signals_restore(&old);

    drain(out[0], err[0], csv, f);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    reap_orphans(5.0);
    live_pid = 0;
    int rc = verdict(&f->v, status, p);
    free(f);
    return rc;
}

/* Append the rows of one world's CSV (text) to all, the header once. 0, or -1 if the
 * world wrote no CSV or another header. */
static int merge(FILE *all, char **header, const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    if (!nl)
        return -1;
    size_t hlen = (size_t)(nl - text) + 1;
    if (!*header) {
        *header = strndup(text, hlen);
        if (!*header)
            return -1;
        fwrite(text, 1, hlen, all);
    } else if (strlen(*header) != hlen || memcmp(*header, text, hlen) != 0) {
        return -1;
    }
    fwrite(nl + 1, 1, len - hlen, all);
    return 0;
}

static int root_refused(void)
{
    if (geteuid() != 0)
        return 0;
    const char *a = getenv("OMPI_ALLOW_RUN_AS_ROOT"), *b = getenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM");
    return !a || !b || strcmp(a, "1") != 0 || strcmp(b, "1") != 0;
}

/* A copy of the environment with one more slot, t0, for CB_MPI_T0, and the world's private
 * folder (world_dir) as TMPDIR and vader's backing directory. NULL if memory is short. */
static char **env_with(char *t0, char *tmpdir, char *vader)
{
    static const char *const replaced[] = { CB_MPI_T0_ENV "=", "TMPDIR=",
                                            "OMPI_MCA_btl_vader_backing_directory=" };
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = malloc(sizeof(char *) * (n + 4));
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int keep = 1;
        for (size_t r = 0; r < sizeof replaced / sizeof replaced[0]; r++)
            keep &= strncmp(environ[i], replaced[r], strlen(replaced[r])) != 0;
        if (keep)
            env[k++] = environ[i];
    }
    env[k++] = t0;
    env[k++] = tmpdir;
    env[k++] = vader;
    env[k] = NULL;
    return env;
}

/* The folders where world_dir is made: /dev/shm, else $TMPDIR or /tmp. */
static void world_dir_bases(const char *bases[2])
{
    const char *tmp = getenv("TMPDIR");
    bases[0] = "/dev/shm";
    bases[1] = tmp && *tmp ? tmp : "/tmp";
}

/* Remove what killed launchers left: every cb-mpi-PID-* folder in the bases that is ours
 * (our uid, a folder, not a link) and whose PID no longer exists (kill(PID, 0) fails with
 * ESRCH). A live owner's folder, another user's, or one whose name is not of that form is
 * left alone. (A PID reused since only delays the removal to a later launch.) */
static void remove_stale_world_dirs(void)
{
    const char *bases[2];
    world_dir_bases(bases);
    for (size_t i = 0; i < 2; i++) {
        DIR *d = opendir(bases[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            char *end;
            if (strncmp(e->d_name, "cb-mpi-", 7) != 0)
                continue;
            errno = 0;
            long pid = strtol(e->d_name + 7, &end, 10);
            if (errno || end == e->d_name + 7 || *end != '-' || strlen(end) != 7 || pid <= 0 ||
                pid > INT_MAX)
                continue;
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
                continue;
            if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
                rm_tree(dirfd(d), e->d_name, 0);
        }
        closedir(d);
    }
}

/* Create world_dir: in /dev/shm, else in $TMPDIR or /tmp, named after this process
 * (cb-mpi-PID-XXXXXX). 0, or -1 with errno. The
 * signals the handler catches wait until world_dir names the folder: one between mkdtemp
 * and the copy left an empty cb-mpi-* folder in /dev/shm (tests/interrupt.sh, SIGTERM
 * 4 ms after the start). */
static int make_world_dir(void)
{
    const char *bases[2];
    world_dir_bases(bases);
    for (size_t i = 0; i < 2; i++) {
        char dir[PATH_MAX];
        if (snprintf(dir, sizeof dir, "%s/cb-mpi-%d-XXXXXX", bases[i], (int)getpid()) >=
            (int)sizeof dir) {
            errno = ENAMETOOLONG;
            continue;
        }
        sigset_t old;
        cb_signals_hold(&old);
        int made = mkdtemp(dir) != NULL;
        int e = errno;
        if (made)
            memcpy(world_dir, dir, sizeof dir);
        cb_signals_restore(&old);
        if (made)
            return 0;
        errno = e;
    }
    return -1;
}

static int launch_all(const struct cb_options *o, const struct cb_topo *topo)
{
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        fprintf(stderr, "%s: cannot find this program (/proc/self/exe): %s\n", prog,
                strerror(errno));
        return CB_EXIT_ERROR;
    }
    self[sl] = '\0';
    char t0[64] = CB_MPI_T0_ENV "=0";
    remove_stale_world_dirs();
    if (make_world_dir() < 0) {
        fprintf(stderr, "%s: cannot create a folder for Open MPI's files in /dev/shm or %s: "
                "%s\n", prog, getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
        return CB_EXIT_ERROR;
    }
    char tmpdir[PATH_MAX + 16], vader[PATH_MAX + 48];
    snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", world_dir);
    snprintf(vader, sizeof vader, "OMPI_MCA_btl_vader_backing_directory=%s", world_dir);
    char **envp = env_with(t0, tmpdir, vader);
    char *buf = NULL, *header = NULL;
    size_t len = 0;
    FILE *all = open_memstream(&buf, &len);
    if (!envp || !all) {
        rm_tree(AT_FDCWD, world_dir, 0);
        world_dir[0] = '\0';
        free(envp);
        if (all)
            fclose(all);
        free(buf);
        fprintf(stderr, "%s: out of memory\n", prog);
        return CB_EXIT_ERROR;
    }
    int rc = 0;
    for (size_t i = 0; i < o->nworkers && rc == 0; i++) {
        int p = o->workers[i];
        struct args a = { 0 };
        world_args(&a, o, topo, self, p);
        char *text = NULL;
        size_t tlen = 0;
        FILE *csv = a.bad ? NULL : open_memstream(&text, &tlen);
        if (!csv) {
            fprintf(stderr, "%s: out of memory\n", prog);
            rc = CB_EXIT_ERROR;
        } else {
            rc = run_world(a.v, envp, t0, sizeof t0, p, csv);
            fclose(csv);
            if (rc == 0 && merge(all, &header, text, tlen) < 0) {
                fprintf(stderr, "%s: the world of %d ranks wrote no CSV (or another header)\n",
                        prog, p);
                rc = CB_EXIT_ERROR;
            }
        }
        free(text);
        args_free(&a);
    }
    fclose(all);
    rm_tree(AT_FDCWD, world_dir, 0); /* every world is reaped */
    world_dir[0] = '\0';
    if (rc == 0 && cb_output_commit(o->output, buf, len) < 0) {
        if (o->output) /* (stdout's failure: its line at exit, cb_close_stdout_at_exit) */
            fprintf(stderr, "%s: cannot write %s: %s\n", prog, o->output, strerror(errno));
        rc = CB_EXIT_ERROR;
    }
    free(buf);
    free(header);
    free(envp);
    return rc;
}

int cb_mpi_launch(int argc, char **argv, const struct cb_model *model)
{
    if (argc > 0 && argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        prog = slash ? slash + 1 : argv[0];
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    struct cb_options o;
    struct cb_topo topo = { 0 };
    int rc = cb_parse_command_line(argc, argv, model, &o, &topo);
    if (rc == 0 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        fprintf(stderr, "%s: cannot become a subreaper: %s\n", prog, strerror(errno));
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0 && root_refused()) {
        fprintf(stderr, "%s: mpirun refuses to run as root: set OMPI_ALLOW_RUN_AS_ROOT=1 and "
                "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (as in a container), or run as another user\n",
                prog);
        rc = CB_EXIT_USAGE;
    }
    if (rc == 0 && access(CB_MPIRUN, X_OK) < 0) {
        fprintf(stderr, "%s: cannot run %s: %s\n", prog, CB_MPIRUN, strerror(errno));
        rc = CB_EXIT_ERROR;
    }
    if (rc == 0)
        rc = launch_all(&o, &topo);
    cb_output_discard();
    cb_topo_destroy(&topo);
    return rc < 0 ? CB_EXIT_OK : rc;
}
