/*
 * fuzz-worker-args.c - a spawned worker's command line (`bench-procs --cb-worker ...`,
 * harness.h): the input is the arguments separated by NUL bytes. Arguments that parse are
 * in range (the kernel's sizes, 0 <= W < P <= CB_MAX_WORKERS, a channel, a pid); refused
 * ones leave one line naming the argument.
 */
#include "fuzz.h"

#include "harness.h"
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    FUZZ_ASSERT(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[16];
    int argc = 0;
    for (size_t off = 0; off < size && argc < 16; off += strlen(text + off) + 1)
        argv[argc++] = text + off;
    struct cb_worker_args a;
    char err[256] = "";
    int rc = cb_worker_args_parse(argc, argv, &a, err, sizeof err);
    if (rc < 0) {
        FUZZ_ASSERT(rc == -EINVAL);
        cb_fuzz_check_message(err);
        cb_fuzz_verdict = 0;
    } else {
        FUZZ_ASSERT(rc == 0 && a.kernel != NULL);
        FUZZ_ASSERT(a.size >= a.kernel->min_size && a.size <= a.kernel->max_size);
        FUZZ_ASSERT(a.p >= 1 && a.p <= CB_MAX_WORKERS && a.w >= 0 && a.w < a.p);
        FUZZ_ASSERT(a.channel >= CB_CHANNEL_PIPE && a.channel <= CB_CHANNEL_SHM);
        FUZZ_ASSERT(a.parent >= 1);
        cb_fuzz_verdict = 1;
    }
    free(text);
    return 0;
}
