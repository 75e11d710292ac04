/*
 * fuzz.h - what the fuzz targets share. Each fuzz/fuzz-NAME.c defines LLVMFuzzerTestOneInput
 * on one of the suite's parsers and is built twice: with clang's libFuzzer for bounded
 * fuzzing (scripts/cbench.sh fuzz), and with replay.c's main, by any compiler, to replay a corpus
 * of malformed inputs in the normal test suites (fuzz/meson.build).
 *
 * A target checks the parser's contract itself and abort()s when it is broken, so a broken
 * contract is a finding in both builds, not only a crash or a sanitizer report: a refusal
 * must come with one non-empty line naming the problem, an acceptance with sane values.
 * It records its verdict in cb_fuzz_verdict, which the replay compares with the corpus
 * file's name (accept-* must be accepted, reject-* refused).
 */
#ifndef CB_FUZZ_H
#define CB_FUZZ_H

#include "topo.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The last input's verdict: 1 accepted, 0 refused, -1 not set. */
extern int cb_fuzz_verdict;

/* abort() with a message on stderr unless cond holds: a broken contract is a finding. */
#define FUZZ_ASSERT(cond)                                                                      \
    do {                                                                                       \
        if (!(cond))                                                                           \
            cb_fuzz_fail(__FILE__, __LINE__, #cond);                                           \
    } while (0)
void cb_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* The input as a file: a path (/proc/self/fd/N of a memory file, reused by every call)
 * that opens as a regular file holding exactly data[0..size). */
const char *cb_fuzz_file(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (bytes after the first NUL are dropped); free it. */
char *cb_fuzz_str(const uint8_t *data, size_t size);

/* Check that msg is one non-empty line (no newline, no other control character). */
void cb_fuzz_check_message(const char *msg);

/* Check every placement plan computed on a topology that loaded: each order is a
 * permutation of the topology's PUs, and plans for more workers than PUs wrap around. */
void cb_fuzz_check_plans(const struct cb_topo *topo);

/* The verdict on cb_topo_load's answer rc for a fuzzed topology: refused with one line and
 * nothing loaded (verdict 0), or loaded as a synthetic machine whose plans all hold
 * (verdict 1; the topology is destroyed). */
void cb_fuzz_topo_verdict(int rc, struct cb_topo *topo, const char *err);

#endif
