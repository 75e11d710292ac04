/*
 * output.c - see output.h.
 */
#include "output.h"
#include "proc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary output file: its name is complete before tmp_live is set, so a handler
 * that sees tmp_live can unlink it. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

int cb_output_reserve(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "--output: empty file name");
        return -EINVAL;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--output '%s': is a directory", path);
        return -EISDIR;
    }
    char dirbuf[PATH_MAX], basebuf[PATH_MAX];
    if (strlen(path) >= sizeof dirbuf) {
        snprintf(err, errlen, "--output: path too long");
        return -ENAMETOOLONG;
    }
    strcpy(dirbuf, path);
    strcpy(basebuf, path);
    const char *dir = dirname(dirbuf), *base = basename(basebuf);
    if (snprintf(tmp_path, sizeof tmp_path, "%s/.%s.XXXXXX", dir, base) >= (int)sizeof tmp_path) {
        snprintf(err, errlen, "--output: path too long");
        return -ENAMETOOLONG;
    }
    /* armed before mkstemp creates the file, so that a signal between the creation and
     * the return cannot leave it behind (unlinking a name not created is harmless) */
    tmp_live = 1;
    int fd = mkstemp(tmp_path);
    if (fd < 0) {
        int e = errno;
        tmp_live = 0;
        snprintf(err, errlen, "--output '%s': cannot write there: %s", path, strerror(e));
        return -e;
    }
    close(fd);
    return 0;
}

int cb_output_commit(const char *path, const char *buf, size_t len)
{
    if (!path) {
        if (fwrite(buf, 1, len, stdout) != len)
            return -1;
        return fflush(stdout) == 0 ? 0 : -1;
    }
    FILE *f = fopen(tmp_path, "w");
    int bad = !f;
    if (f) {
        bad |= fwrite(buf, 1, len, f) != len;
        bad |= fflush(f) != 0;
        bad |= fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
    }
    if (bad || rename(tmp_path, path) != 0) {
        int e = errno;
        cb_output_discard();
        errno = e;
        return -1;
    }
    tmp_live = 0;
    return 0;
}

void cb_output_discard(void)
{
    if (tmp_live)
        unlink(tmp_path);
    tmp_live = 0;
}

static void on_signal(int sig)
{
    cb_proc_emergency_cleanup();
    cb_output_discard();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cb_output_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
}
