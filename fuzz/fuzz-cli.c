/*
 * fuzz-cli.c - a benchmark binary's whole command line (harness.c's option parsing: kernel
 * lists, --size K=N, worker lists, schedules, binding, --topology strings) through cb_main,
 * always with --plan first, so nothing is ever run or written: the harness only parses,
 * loads the topology and prints plans.
 *
 * The input is the arguments separated by NUL bytes; its first byte picks the model. The
 * contract is the one every binary keeps: exit status 0 or 2, and on 2 exactly one line on
 * stderr (captured here in a memory file) naming the problem.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "harness.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern const struct cb_model cb_model_threads, cb_model_seq, cb_model_procs,
    cb_model_threadpool, cb_model_procpool;

/* Sanitizers write their reports to stderr: keep them on the real one while fd 2 is
 * captured (weak: absent in a build without sanitizers). */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

#define MAX_ARGS 32

static int real_out = -1, real_err = -1, err_fd = -1, null_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    real_out = dup(1);
    real_err = dup(2);
    err_fd = memfd_create("cb-fuzz-stderr", MFD_CLOEXEC);
    null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FUZZ_ASSERT(real_out >= 0 && real_err >= 0 && err_fd >= 0 && null_fd >= 0);
    if (__sanitizer_set_report_fd)
        __sanitizer_set_report_fd((void *)(intptr_t)real_err);
    return 0;
}

/* What the call wrote on stderr, NUL-terminated (at most len - 1 bytes). */
static size_t captured(char *buf, size_t len)
{
    ssize_t n = pread(err_fd, buf, len - 1, 0);
    FUZZ_ASSERT(n >= 0);
    buf[n] = '\0';
    return (size_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct cb_model *const models[] = { &cb_model_threads, &cb_model_seq,
                                                     &cb_model_procs, &cb_model_threadpool,
                                                     &cb_model_procpool };
    if (size < 1 || real_err < 0)
        return 0;
    const struct cb_model *m = models[data[0] % (sizeof models / sizeof models[0])];
    size_t len = size - 1;
    char *text = malloc(len + 1);
    FUZZ_ASSERT(text != NULL);
    memcpy(text, data + 1, len);
    text[len] = '\0';
    char *argv[MAX_ARGS + 3] = { "bench-fuzz", "--plan" };
    int argc = 2;
    for (size_t off = 0; off < len && argc < MAX_ARGS + 2; off += strlen(text + off) + 1)
        argv[argc++] = text + off;
    argv[argc] = NULL;

    struct sigaction old[3];
    static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], NULL, &old[i]);
    FUZZ_ASSERT(ftruncate(err_fd, 0) == 0 && lseek(err_fd, 0, SEEK_SET) == 0);
    fflush(stdout);
    fflush(stderr);
    dup2(null_fd, 1);
    dup2(err_fd, 2);
    optind = 0; /* glibc: start a fresh scan */
    int rc = cb_main(argc, argv, m);
    fflush(stdout);
    fflush(stderr);
    dup2(real_out, 1);
    dup2(real_err, 2);
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);

    char msg[4096];
    size_t n = captured(msg, sizeof msg);
    if (rc == CB_EXIT_USAGE) {
        FUZZ_ASSERT(n > 1 && msg[n - 1] == '\n' && strchr(msg, '\n') == msg + n - 1);
        msg[n - 1] = '\0';
        cb_fuzz_check_message(msg);
        cb_fuzz_verdict = 0;
    } else {
        /* --plan, --help, --version and --model-info exit 0; nothing else is possible
         * without running, except a topology hwloc cannot load at all (1) */
        FUZZ_ASSERT(rc == CB_EXIT_OK || rc == CB_EXIT_ERROR);
        cb_fuzz_verdict = rc == CB_EXIT_OK;
    }
    free(text);
    return 0;
}
