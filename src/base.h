/*
 * base.h - what every layer of the suite needs and no layer owns: the exit statuses of the
 * binaries and of worker processes, the limits of a command line, one-line error messages
 * and the blocking of termination signals. It includes nothing of the suite's own, so any
 * file may include it (tests/py/test_layers.py checks the layers).
 */
#ifndef CB_BASE_H
#define CB_BASE_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>

/* Exit statuses of every binary (documented in the README). */
enum {
    CB_EXIT_OK = 0,
    CB_EXIT_ERROR = 1,   /* a system error: out of memory, cannot create a thread, ... */
    CB_EXIT_USAGE = 2,   /* bad command line: one line on stderr, nothing written */
    CB_EXIT_VERIFY = 3,  /* a result failed verification */
    CB_EXIT_WORKER = 4,  /* a worker crashed, exited abnormally or timed out */
};

/* Exit statuses of a worker process (bench-procs, bench-procpool, the micro-benchmarks'
 * children): above the binaries' own and below 128 + N, so that the parent's report ("exited
 * with status 74") says which step of the worker failed. */
enum cb_worker_exit {
    CB_WEXIT_INIT = 70,      /* setting the process up (signals, parent-death signal) */
    CB_WEXIT_READY = 71,     /* telling the parent it is ready */
    CB_WEXIT_GATE = 72,      /* the start gate closed otherwise than by EOF */
    CB_WEXIT_BUFFER = 73,    /* no memory for the rows the channel carries home */
    CB_WEXIT_SEND = 74,      /* writing the result to a pipe or socket */
    CB_WEXIT_QUEUE = 75,     /* sending the result through the message queue */
    CB_WEXIT_PREPARE = 76,   /* a spawned worker could not prepare the kernel's input */
    CB_WEXIT_ATTACH = 77,    /* a spawned worker could not map the shared output */
    CB_WEXIT_SLOTS = 78,     /* a spawned worker could not map the shared slots */
};

/* Limits of a command line, checked before anything is allocated or started. */
#define CB_MAX_KERNELS 8
#define CB_MAX_WORKERS 4096
#define CB_MAX_REPS 100000

/* Replace every control character of s (a line break, an escape, a tab) by '?', in place:
 * an error message quotes what it was given and must stay one line on a terminal. */
void cb_clean_line(char *s);

/* Format an error message into buf (len bytes, truncated to fit), then clean it as
 * cb_clean_line does: the one line of a refusal, whatever the bytes it quotes. */
void cb_format_line(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cb_vformat_line(char *buf, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Room for element n of a growing array p of elements of elem bytes with *cap of them:
 * p itself while n < *cap, else p reallocated to twice *cap elements (first when *cap is
 * 0) and *cap updated. NULL when out of memory, p and *cap then unchanged. */
void *cb_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first);

/* Tables of names indexed by an enum's values (bind policies, schedules): the name of
 * value v among n names, or `other` for a value out of the table; and the value whose name
 * is `name`, or -1. One lookup for every such table, so their parsers agree. */
const char *cb_name_of(const char *const *names, unsigned n, unsigned v, const char *other);
int cb_name_index(const char *const *names, unsigned n, const char *name);

/* Block SIGINT, SIGTERM and SIGHUP in the calling thread (*old: the mask before), and put
 * the mask back. A process blocks them between creating a child and registering it, so a
 * signal cannot arrive while its handler would not know the child; the mask is inherited,
 * and a child unblocks them itself (cb_proc_child_init). */
void cb_signals_hold(sigset_t *old);
void cb_signals_restore(const sigset_t *old);
/* The set of those three signals. */
void cb_termination_signals(sigset_t *set);

#endif
