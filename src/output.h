/*
 * output.h - what a run leaves behind: a result file that appears whole or not at all, and
 * the clean-up when a signal ends the run.
 *
 * The result file is reserved before any work (a temporary file created beside it,
 * DIR/.NAME.RANDOM.tmp as every temporary file of the suite, so an
 * unwritable path is a command-line error, not a lost run), written to the temporary file
 * when the run is done, synced, and renamed into place. Until then, a signal or a failure
 * removes the temporary file, and the target is never touched.
 */
#ifndef CB_OUTPUT_H
#define CB_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/* Reserve `path`: create its temporary file. Returns 0, or -errno with one line (no
 * newline) in err naming the problem ("--output '...': is a directory", ...). */
int cb_output_reserve(const char *path, char *err, size_t errlen);

/* Write buf to the reserved path (temporary file, fsync, rename), or to stdout when path is
 * NULL. Returns 0, or -1 with errno set; the temporary file is gone either way. A failure
 * of stdout is for the caller to count, not to report: cb_close_stdout_at_exit prints its
 * line (with this errno) at exit. */
int cb_output_commit(const char *path, const char *buf, size_t len);

/* fflush(stdout): 0, or -1 with errno set, which the line at exit then gives (see
 * cb_close_stdout_at_exit); the caller reports nothing. */
int cb_stdout_flush(void);

/* Remove the temporary file, if one is reserved. Async-signal-safe. */
void cb_output_discard(void);

/* Write buf to path at once, for the tools that compute everything before writing (one
 * file after another, never while a path is reserved above: they share the temporary
 * file's slot): a temporary file beside path, readable as any file the user creates
 * (0666 less the umask), synced and renamed into place. A signal meanwhile removes it
 * (cb_output_signals). Returns 0 or -errno; the temporary file is gone either way. */
int cb_output_write_atomic(const char *path, const char *buf, size_t len);

/* Write s to f as a JSON string, quotes included: '"' and '\\' escaped, control
 * characters (and DEL) as \u00XX, valid UTF-8 as it is, any other byte as \ufffd, so the
 * output always parses whatever bytes s holds. NULL is written as null. */
void cb_json_str(FILE *f, const char *s);

/* Install the handler for SIGINT, SIGTERM and SIGHUP: kill and reap every registered worker
 * process and remove named IPC objects (proc.h), discard the temporary file, then die of
 * the same signal, so the exit status is the conventional 128 + signal. */
void cb_output_signals(void);

/* Check standard output at exit (atexit; once, whoever calls it): flush and close it, and
 * if any of it could not be written, print "PROG: cannot write to standard output: REASON"
 * and end with exit status 1 instead of the one main returned. Every binary registers it
 * before it prints anything (cb_main, cb_parse_command_line, cb_micro_parse, the tools'
 * mains), so a write to stdout that fails is never reported as a success; the callers
 * themselves report no failure of stdout, this is its one line. */
void cb_close_stdout_at_exit(void);

#endif
