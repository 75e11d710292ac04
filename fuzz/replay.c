/*
 * replay.c - the main of a fuzz target built without libFuzzer: runs the target on every
 * file named on the command line (a folder: every file in it, in name order), so a corpus
 * of malformed inputs and past findings replays in the normal test suites, under any
 * compiler and sanitizer.
 *
 * A file whose name starts with accept- must be accepted, one starting with reject- must be
 * refused (fuzz.h, cb_fuzz_verdict); other files (seeds, findings) need only not break the
 * target's contract. Exit status 0 when every check held, 1 otherwise, 77 (skipped) when
 * there was nothing to replay.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t inputs, accepted, refused, checked, failed;

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -errno;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return -ENOMEM;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return -EIO;
    }
    *data = buf;
    *size = len;
    return 0;
}

static void replay_one(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;
    int rc = read_file(path, &data, &size);
    if (rc < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
        failed++;
        return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    cb_fuzz_verdict = -1;
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    inputs++;
    accepted += cb_fuzz_verdict == 1;
    refused += cb_fuzz_verdict == 0;
    int want = strncmp(base, "accept-", 7) == 0 ? 1 : strncmp(base, "reject-", 7) == 0 ? 0 : -1;
    if (want < 0)
        return;
    checked++;
    if (cb_fuzz_verdict != want) {
        fprintf(stderr, "replay: %s: %s, expected %s\n", path,
                cb_fuzz_verdict == 1 ? "accepted" : cb_fuzz_verdict == 0 ? "refused" : "no verdict",
                want ? "accepted" : "refused");
        failed++;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                abort();
            names = nn;
        }
        if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
            abort();
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            replay_one(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            replay_dir(argv[i]);
        else
            replay_one(argv[i]);
    }
    const char *prog = strrchr(argv[0], '/');
    printf("%s: %zu inputs (%zu accepted, %zu refused), %zu verdicts checked, %zu failed\n",
           prog ? prog + 1 : argv[0], inputs, accepted, refused, checked, failed);
    if (failed)
        return 1;
    return inputs ? 0 : 77;
}
