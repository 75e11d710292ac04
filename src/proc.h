/*
 * proc.h - what every process model shares: setting up a worker process, describing how
 * one ended, the fault-injection hook, and the registry that lets a signal handler kill
 * and reap every live worker and remove named IPC objects before the program dies.
 */
#ifndef CB_PROC_H
#define CB_PROC_H

#include <mqueue.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/* In a new worker process (after fork, or at the start of a spawned one): default signal
 * dispositions, SIGKILL when the parent dies (PR_SET_PDEATHSIG, then checked against
 * `parent`, in case the parent died before it was set). Returns 0 or -errno. */
int cb_proc_child_init(pid_t parent);

/* Map [p, p + len) into this process before it is timed: a worker process's first touch
 * of each 4 KiB page of memory it did not fault in itself (the shared output, a fresh
 * buffer) costs a page fault, and on the project's VM about 8 us more for the first access
 * through the new page-table entry, fault or not (issue 17: 10368 pages of matmul's output
 * cost a forked worker 0.17 s of CPU inside its compute). MADV_POPULATE_WRITE maps every
 * page writable in one call without changing a byte, then one read per page pays the first
 * access. Content is never written, so it is safe on rows other workers own. A kernel
 * without MADV_POPULATE_WRITE (before 5.14) gets the reads alone. */
void cb_proc_prefault(void *p, size_t len);

/* (Blocking SIGINT, SIGTERM and SIGHUP between fork() or posix_spawn and
 * cb_proc_register(): cb_signals_hold and cb_signals_restore, base.h.) */

/* "exited with status 3", "was killed by signal 11 (Segmentation fault)". */
void cb_proc_describe(int status, char *buf, size_t len);

/* The fault-injection hook, a testing aid: the environment variable CB_FAULT holds
 * KIND:WORKER items separated by commas, KIND one of crash (SIGSEGV), exit (status 3),
 * hang (sleep until killed) or stack (overflow the stack). A worker calls cb_fault_point(w)
 * once, after the start gate; it returns only if no fault is set for w. Worker threads
 * use fault.h's cb_fault_thread_point instead. */
void cb_fault_point(int w);

/* The kind CB_FAULT-style `spec` sets for worker w ("crash", "exit", "hang", "stack"), or
 * NULL (also when spec is NULL). */
const char *cb_fault_kind_in(const char *spec, int w);

/* Overflow the calling thread's stack: never returns. */
void cb_fault_overflow(void) __attribute__((noreturn));

/* The registry of live worker processes and named IPC objects of this process. Signal
 * handlers call cb_proc_emergency_cleanup(): SIGKILL to every registered pid, reap each,
 * unlink the registered names. All are async-signal-safe. */
void cb_proc_register(pid_t pid);
void cb_proc_unregister(pid_t pid);
void cb_proc_register_mq(const char *name); /* NULL to clear */

/* A private POSIX message queue: created as `name` (O_RDWR | O_CREAT | O_EXCL | flags,
 * mode 0600), and the name unlinked at once, registered meanwhile for the signal handler;
 * the descriptor (inherited by forked workers) is all that is used, so nothing is left in
 * /dev/mqueue. Returns it, or (mqd_t)-1 with mq_open's errno kept (never the unlink's) and
 * one line in err saying why, naming the limit that refused it: RLIMIT_MSGQUEUE (ulimit -q,
 * bytes for all of the user's queues) for EMFILE, /proc/sys/fs/mqueue/queues_max for
 * ENOSPC, msg_max or msgsize_max for EINVAL. */
mqd_t cb_proc_mq_open(const char *name, int flags, struct mq_attr *attr, char *err,
                      size_t errlen);
void cb_proc_emergency_cleanup(void);

/* Kill (SIGKILL) and reap the given children (entries <= 0 are skipped), and unregister
 * them. */
void cb_proc_kill_all(const pid_t *pids, int n);

#endif
