/*
 * fault.c - see fault.h.
 *
 * Everything a crash handler touches is written before it can run and read without
 * locks: the program's name, the repetition's context line (written by the main thread
 * between repetitions), the per-worker marks (atomics) and the thread-local worker number.
 * The handlers build their line by hand and write(2) it: no stdio, no malloc.
 *
 * One flag, `ending`, lets only the first of a crash handler and the watchdog speak and
 * end the process; any later one waits for the end.
 */
#define _GNU_SOURCE
#include "fault.h"

#include "base.h"
#include "output.h"
#include "proc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "bench";
static char context[160];          /* " (kernel K, size N, P workers)" or "" */
static atomic_int rep_workers;     /* workers of the repetition under way */
static atomic_uchar marks[CB_MAX_WORKERS]; /* MARK_* of each worker of the repetition */
static atomic_flag ending = ATOMIC_FLAG_INIT;
static _Thread_local int current_worker = -1;
static _Thread_local int stack_lent;  /* this thread's alternate stack is a lent buffer */
static _Thread_local int stack_checked; /* cb_fault_stack_keep ran on this thread */

enum { MARK_WAITING, MARK_RUNNING, MARK_DONE };

/* --- a line built without stdio --------------------------------------------------------- */

struct line {
    char buf[640];
    size_t len;
};

static void put(struct line *l, const char *s)
{
    while (*s && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = *s++;
}

static void put_int(struct line *l, long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        put(l, "-");
    while (n > 0 && l->len < sizeof l->buf - 1)
        l->buf[l->len++] = tmp[--n];
}

static void put_line(struct line *l)
{
    l->buf[l->len++] = '\n';
    const char *p = l->buf;
    size_t left = l->len;
    while (left) {
        ssize_t n = write(STDERR_FILENO, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
}

/* "worker 1 of 2" / "workers 0, 1, 3 of 4" (the first 16), those not yet done. */
static void put_unfinished(struct line *l, int p)
{
    int n = 0;
    for (int w = 0; w < p; w++)
        n += atomic_load_explicit(&marks[w], memory_order_relaxed) != MARK_DONE;
    put(l, n == 1 ? "worker " : "workers ");
    int listed = 0;
    for (int w = 0; w < p && listed < 16; w++)
        if (atomic_load_explicit(&marks[w], memory_order_relaxed) != MARK_DONE) {
            if (listed++)
                put(l, ", ");
            put_int(l, w);
        }
    if (n > listed) {
        put(l, " and ");
        put_int(l, n - listed);
        put(l, " more");
    }
    put(l, " of ");
    put_int(l, p);
}

/* End the process at once with `status`, from a handler or with threads still running:
 * the exit_group system call itself, which is what _exit() is, minus the interceptors a
 * sanitizer puts around _exit() (ThreadSanitizer would run its end-of-process checks from
 * inside a signal handler and report the unjoined threads that this exit is all about). */
static void die_now(int status) __attribute__((noreturn));
static void die_now(int status)
{
    syscall(SYS_exit_group, status);
    _exit(status); /* not reached */
}

/* --- crash handlers ------------------------------------------------------------------ */

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "Segmentation fault";
    case SIGBUS: return "Bus error";
    case SIGFPE: return "Floating point exception";
    case SIGILL: return "Illegal instruction";
    case SIGABRT: return "Aborted";
    default: return "a fatal signal";
    }
}

static void on_crash(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    if (atomic_flag_test_and_set(&ending))
        for (;;)
            pause(); /* another thread is already ending the process */
    int w = current_worker;
    struct line l = { .len = 0 };
    put(&l, prog);
    if (w >= 0) {
        put(&l, ": worker ");
        put_int(&l, w);
        put(&l, " of ");
        put_int(&l, atomic_load_explicit(&rep_workers, memory_order_relaxed));
        put(&l, " (a thread) was killed by signal ");
    } else {
        put(&l, ": killed by signal ");
    }
    put_int(&l, sig);
    put(&l, " (");
    put(&l, signal_name(sig));
    put(&l, ")");
    put(&l, context);
    put(&l, w >= 0 ? "; a thread cannot be stopped alone, so the whole process ends"
                   : " outside any worker");
    put_line(&l);
    cb_proc_emergency_cleanup();
    cb_output_discard();
    if (w >= 0)
        die_now(CB_EXIT_WORKER);
    /* not a worker's fault: die of the signal, as the process would have without us */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stack_lend(void *buf, size_t len)
{
    stack_t ss = { .ss_sp = buf, .ss_size = len, .ss_flags = buf ? 0 : SS_DISABLE };
    sigaltstack(&ss, NULL);
}

/* Whether the calling thread has an alternate stack already: a sanitizer's runtime gives
 * every thread one, and unmaps whatever is in place when the thread ends, so a thread
 * that has one keeps it. */
static int has_stack(void)
{
    stack_t cur;
    return sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE);
}

void cb_fault_stack_lend(void *buf, size_t len)
{
    if (buf) {
        if (!has_stack()) {
            stack_lend(buf, len);
            stack_lent = 1;
        }
    } else if (stack_lent) {
        stack_lend(NULL, 0);
        stack_lent = 0;
    }
}

static pthread_key_t stack_key;
static pthread_once_t stack_once = PTHREAD_ONCE_INIT;

static void stack_unmap(void *p)
{
    stack_lend(NULL, 0);
    munmap(p, CB_FAULT_STACK);
}

static void stack_key_make(void)
{
    pthread_key_create(&stack_key, stack_unmap);
}

void cb_fault_stack_keep(void)
{
    if (stack_checked)
        return;
    stack_checked = 1;
    if (has_stack())
        return;
    pthread_once(&stack_once, stack_key_make);
    void *p = mmap(NULL, CB_FAULT_STACK, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED)
        return; /* no alternate stack: a crash is still reported, an overflow not */
    stack_lend(p, CB_FAULT_STACK);
    pthread_setspecific(stack_key, p);
}

/* --- CB_FAULT for threads ------------------------------------------------------------- */

static char spec[256];
static int have_spec;
static pthread_once_t spec_once = PTHREAD_ONCE_INIT;

static void spec_load(void)
{
    const char *s = getenv("CB_FAULT");
    if (s && *s) {
        snprintf(spec, sizeof spec, "%s", s);
        have_spec = 1;
    }
}

int cb_fault_wanted(const char *kind)
{
    pthread_once(&spec_once, spec_load);
    size_t n = strlen(kind);
    for (const char *p = spec; have_spec && *p; p++)
        if ((p == spec || p[-1] == ',') && strncmp(p, kind, n) == 0 && p[n] == ':')
            return 1;
    return 0;
}

void cb_fault_thread_point(int w)
{
    pthread_once(&spec_once, spec_load);
    if (!have_spec)
        return;
    const char *kind = cb_fault_kind_in(spec, w);
    if (!kind)
        return;
    if (strcmp(kind, "crash") == 0) {
        raise(SIGSEGV); /* on this thread: its handler names the worker */
    } else if (strcmp(kind, "exit") == 0) {
        cb_fault_stack_lend(NULL, 0); /* the lent buffer is on the stack being left */
        current_worker = -1;
        pthread_exit(NULL);
    } else if (strcmp(kind, "hang") == 0) {
        for (;;)
            pause();
    } else if (strcmp(kind, "stack") == 0) {
        cb_fault_overflow();
    }
}

/* --- worker marks --------------------------------------------------------------------- */

void cb_fault_worker_begin(int w)
{
    current_worker = w;
    if (w >= 0 && w < CB_MAX_WORKERS)
        atomic_store_explicit(&marks[w], MARK_RUNNING, memory_order_relaxed);
}

void cb_fault_worker_end(int w)
{
    if (w >= 0 && w < CB_MAX_WORKERS)
        atomic_store_explicit(&marks[w], MARK_DONE, memory_order_relaxed);
    current_worker = -1;
}

void cb_fault_call_begin(int workers)
{
    for (int w = 0; w < workers && w < CB_MAX_WORKERS; w++)
        atomic_store_explicit(&marks[w], MARK_RUNNING, memory_order_relaxed);
}

void cb_fault_call_end(int workers)
{
    for (int w = 0; w < workers && w < CB_MAX_WORKERS; w++)
        atomic_store_explicit(&marks[w], MARK_DONE, memory_order_relaxed);
}

/* --- the watchdog --------------------------------------------------------------------- */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond;
static int wd_started, wd_armed; /* under wd_lock */
static struct timespec wd_deadline;
static double wd_timeout;

static int past(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* The deadline passed with the repetition under way: report and end. Called with wd_lock
 * held, so the main thread cannot finish the repetition and write results meanwhile. */
static void time_out(void)
{
    if (atomic_flag_test_and_set(&ending))
        for (;;)
            pause();
    char secs[32];
    snprintf(secs, sizeof secs, "%.3g", wd_timeout);
    struct line l = { .len = 0 };
    put(&l, prog);
    put(&l, ": timed out after ");
    put(&l, secs);
    put(&l, " s: ");
    put_unfinished(&l, atomic_load_explicit(&rep_workers, memory_order_relaxed));
    put(&l, " had not finished");
    put(&l, context);
    put(&l, "; a thread cannot be stopped alone, so the whole process ends");
    put_line(&l);
    cb_proc_emergency_cleanup();
    cb_output_discard();
    die_now(CB_EXIT_WORKER);
}

static void *watchdog(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wd_lock);
    for (;;) {
        while (!wd_armed)
            pthread_cond_wait(&wd_cond, &wd_lock);
        pthread_cond_timedwait(&wd_cond, &wd_lock, &wd_deadline);
        /* re-armed meanwhile: wd_deadline is the new repetition's */
        if (wd_armed && past(&wd_deadline))
            time_out();
    }
    return NULL;
}

/* Start the watchdog thread, with every signal blocked (they are for the other threads).
 * Called with wd_lock held. 0 or -errno. */
static int wd_start(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&wd_cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        return -rc;
    /* a small stack: it only sleeps and formats one line, and under an address-space
     * limit (ulimit -v) the default 8 MiB may be what is missing */
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setstacksize(&ta, 256 * 1024);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    rc = pthread_create(&t, &ta, watchdog, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&ta);
    if (rc != 0) {
        pthread_cond_destroy(&wd_cond);
        return -rc;
    }
    pthread_detach(t);
    wd_started = 1;
    return 0;
}

int cb_fault_rep_begin(const char *kernel, uint64_t size, int workers, double timeout)
{
    if (workers > CB_MAX_WORKERS)
        workers = CB_MAX_WORKERS;
    for (int w = 0; w < workers; w++)
        atomic_store_explicit(&marks[w], MARK_WAITING, memory_order_relaxed);
    pthread_mutex_lock(&wd_lock);
    snprintf(context, sizeof context, " (kernel %s, size %llu, %d workers)", kernel,
             (unsigned long long)size, workers);
    atomic_store_explicit(&rep_workers, workers, memory_order_relaxed);
    int rc = 0;
    if (timeout > 0 && !wd_started)
        rc = wd_start();
    if (timeout > 1e8)
        timeout = 1e8; /* about three years: the same as none, and fits a time_t */
    if (timeout > 0 && rc == 0) {
        clock_gettime(CLOCK_MONOTONIC, &wd_deadline);
        double whole = (double)(time_t)timeout;
        wd_deadline.tv_sec += (time_t)timeout;
        wd_deadline.tv_nsec += (long)((timeout - whole) * 1e9);
        if (wd_deadline.tv_nsec >= 1000000000L) {
            wd_deadline.tv_sec++;
            wd_deadline.tv_nsec -= 1000000000L;
        }
        wd_timeout = timeout;
        wd_armed = 1;
        pthread_cond_signal(&wd_cond);
    }
    pthread_mutex_unlock(&wd_lock);
    return rc;
}

void cb_fault_rep_end(void)
{
    pthread_mutex_lock(&wd_lock);
    wd_armed = 0; /* the watchdog wakes at the old deadline and finds nothing to do */
    pthread_mutex_unlock(&wd_lock);
}

/* --- installation --------------------------------------------------------------------- */

void cb_fault_install(const char *name)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    prog = name;
    /* a library that calls exit() (libgomp when it cannot start a thread) must not leave
     * the temporary result file behind either */
    atexit(cb_output_discard);
    pthread_once(&spec_once, spec_load);
    cb_fault_stack_keep();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}
