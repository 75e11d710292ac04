/*
 * fault.h - what happens when a worker that is a thread fails: it crashes, leaves early or
 * hangs. A process model kills and reaps one failed worker and reports it (proc.h); a
 * thread cannot be stopped or reaped alone, since it shares the process. So here the
 * honest end of a crash or a hang is the end of the process: one line on stderr that
 * names the worker and the cause, the temporary result file removed (output.h), any
 * worker processes and IPC names cleaned up (proc.h), and exit status 4. A worker that
 * leaves its thread early (pthread_exit) is noticed by its model, which returns an error.
 *
 * The pieces:
 *  - crash handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, run on an alternate
 *    signal stack so a stack overflow is caught too; they name the worker the crashing
 *    thread was running (a thread-local number set by cb_fault_worker_begin);
 *  - a watchdog thread for --timeout: it sleeps until the repetition's deadline and, if
 *    the repetition is still under way then, names the workers that had not finished;
 *  - the CB_FAULT hook for worker threads (proc.h describes the variable).
 */
#ifndef CB_FAULT_H
#define CB_FAULT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of an alternate signal stack: room for the handlers, sanitizers included. */
#define CB_FAULT_STACK (64 * 1024)

/* Install the crash handlers (process-wide) and give the calling thread an alternate
 * stack. `prog` starts every line. Call once, from main, before any thread exists. */
void cb_fault_install(const char *prog);

/* A repetition of `workers` workers of `kernel` at `size` begins: the handlers' lines name
 * it, every worker is marked not started, and with timeout > 0 the watchdog is armed: if
 * cb_fault_rep_end is not called within `timeout` seconds, it reports and ends the process
 * (exit 4). Returns 0, or -errno if the watchdog thread cannot be started. */
int cb_fault_rep_begin(const char *kernel, uint64_t size, int workers, double timeout);
void cb_fault_rep_end(void);

/* Alternate signal stacks of worker threads (a stack per thread: a signal runs on the
 * stack of the thread it hits). A thread created for one repetition lends a buffer of its
 * own stack, CB_FAULT_STACK bytes, and takes it back (buf NULL) before the buffer goes
 * away; a long-lived thread (a pool's, OpenMP's) calls cb_fault_stack_keep() once: a
 * stack is mapped for it on the first call and unmapped when the thread exits. */
void cb_fault_stack_lend(void *buf, size_t len);
void cb_fault_stack_keep(void);

/* The calling thread runs worker w (begin) / is done with it (end): the crash handlers
 * and the watchdog name workers by these marks. */
void cb_fault_worker_begin(int w);
void cb_fault_worker_end(int w);

/* For a library call that runs on threads we cannot see (OpenBLAS): workers 0..workers-1
 * are all running it (begin) / are all done (end). The calling thread is not marked: a
 * crash on it is reported as outside any worker. */
void cb_fault_call_begin(int workers);
void cb_fault_call_end(int workers);

/* The CB_FAULT hook for a worker thread, called once per repetition after the start
 * gate: crash raises SIGSEGV (the crash handler reports it), exit ends the thread with
 * pthread_exit without finishing, hang sleeps forever (until the watchdog or a signal ends
 * the process), stack overflows the thread's stack. Returns only if no fault is set for w. */
void cb_fault_thread_point(int w);

/* Whether CB_FAULT sets a fault of this kind ("crash", "exit", "hang", "stack") for any
 * worker: for a model that cannot inject it to refuse. */
int cb_fault_wanted(const char *kind);

#endif
