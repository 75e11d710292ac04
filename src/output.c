/*
 * output.c - see output.h.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "output.h"
#include "proc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every temporary file the suite creates in a results folder is named DIR/.NAME.RANDOM.tmp,
 * the Python driver's as well (scripts/cbench/common.py), so that one pattern, `.*.tmp`,
 * finds what an interrupted or killed run left behind (the driver's clean-up uses it). */
#define TMP_SUFFIX ".tmp"
#define TMP_SUFFIX_LEN 4

/* The temporary output file: its name is complete before tmp_live is set, so a handler
 * that sees tmp_live can unlink it. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

/* Why a write to stdout failed, for the line at exit: glibc drops the buffer that failed,
 * so the final fclose may have nothing left to fail with. */
static int stdout_errno;

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
    if (snprintf(tmp_path, sizeof tmp_path, "%s/.%s.XXXXXX" TMP_SUFFIX, dir, base) >=
        (int)sizeof tmp_path) {
        snprintf(err, errlen, "--output: path too long");
        return -ENAMETOOLONG;
    }
    /* armed before mkstemps creates the file, so that a signal between the creation and
     * the return cannot leave it behind (unlinking a name not created is harmless) */
    tmp_live = 1;
    int fd = mkstemps(tmp_path, TMP_SUFFIX_LEN);
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
        if (fwrite(buf, 1, len, stdout) == len)
            return cb_stdout_flush();
        stdout_errno = errno;
        return -1;
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

int cb_stdout_flush(void)
{
    if (fflush(stdout) != 0) {
        stdout_errno = errno;
        return -1;
    }
    return ferror(stdout) ? -1 : 0; /* (an earlier failure, its errno kept) */
}

void cb_output_discard(void)
{
    if (tmp_live)
        unlink(tmp_path);
    tmp_live = 0;
}

int cb_output_write_atomic(const char *path, const char *buf, size_t len)
{
    char dirbuf[PATH_MAX], basebuf[PATH_MAX];
    if (strlen(path) >= sizeof dirbuf)
        return -ENAMETOOLONG;
    strcpy(dirbuf, path);
    strcpy(basebuf, path);
    if (snprintf(tmp_path, sizeof tmp_path, "%s/.%s.XXXXXX" TMP_SUFFIX, dirname(dirbuf),
                 basename(basebuf)) >= (int)sizeof tmp_path)
        return -ENAMETOOLONG;
    tmp_live = 1; /* before mkstemps, as in cb_output_reserve */
    int fd = mkstemps(tmp_path, TMP_SUFFIX_LEN);
    if (fd < 0) {
        int e = errno;
        tmp_live = 0;
        return -e;
    }
    /* mkstemps creates the file private (0600) */
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        cb_output_discard();
        return -e;
    }
    int bad = fwrite(buf, 1, len, f) != len;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    int e = errno;
    bad |= fclose(f) != 0;
    if (!bad && rename(tmp_path, path) == 0) {
        tmp_live = 0;
        return 0;
    }
    e = errno ? errno : e;
    cb_output_discard();
    return -(e ? e : EIO);
}

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 if there is none: no
 * overlong form, no surrogate, nothing above U+10FFFF. */
static int utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (c >= 0xf5 || n == 0)
        return 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
        (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
        return 0;
    return n;
}

void cb_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p++);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(f, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            fputc(*p++, f);
        } else {
            int n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", f);
                p++;
            } else {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            }
        }
    }
    fputc('"', f);
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

/* At exit: flush and close stdout, and fail if anything written to it was lost, as
 * gnulib's close_stdout. A stdout closed by the caller (EBADF) with nothing to write is
 * not an error. */
static void close_stdout(void)
{
    int pending = __fpending(stdout) != 0, prev = ferror(stdout) != 0;
    errno = 0;
    int failed = fclose(stdout) != 0;
    int e = errno;
    if (!prev && !(failed && (pending || e != EBADF)))
        return;
    if (!failed || !e)
        e = stdout_errno ? stdout_errno : EIO;
    fprintf(stderr, "%s: cannot write to standard output: %s\n",
            program_invocation_short_name, strerror(e));
    _exit(1);
}

void cb_close_stdout_at_exit(void)
{
    static int registered;
    if (!registered && atexit(close_stdout) == 0)
        registered = 1;
}
