/*
 * csvread.c - see csvread.h.
 */
#define _GNU_SOURCE
#include "csvread.h"

#include "base.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cb_csv_open(struct cb_csv *c, const char *path)
{
    memset(c, 0, sizeof *c);
    /* O_NONBLOCK: a FIFO named like a CSV file must not block the open; only regular
     * files are read (a folder would fail later, a device or FIFO might never end) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? -errno
           : S_ISDIR(st.st_mode) ? -EISDIR
           : !S_ISREG(st.st_mode) ? -ENODEV
           : fcntl(fd, F_SETFL, 0) < 0 ? -errno : 0;
    if (rc == 0 && !(c->f = fdopen(fd, "r")))
        rc = -errno;
    if (rc < 0)
        close(fd);
    return rc;
}

void cb_csv_close(struct cb_csv *c)
{
    if (c->f)
        fclose(c->f);
    free(c->line);
    free(c->field);
    memset(c, 0, sizeof *c);
}

static int push_field(struct cb_csv *c, char *start)
{
    char **f = cb_grow(c->field, &c->fieldcap, c->nfield, sizeof *f, 64);
    if (!f)
        return -ENOMEM;
    c->field = f;
    c->field[c->nfield++] = start;
    return 0;
}

int cb_csv_split(struct cb_csv *c, char *line)
{
    c->nfield = 0;
    char *p = line;
    for (;;) {
        int rc;
        if (*p == '"') {
            /* Quoted: unescape in place; the field ends at the closing quote, which must be
             * followed by a comma or the end of the line. */
            char *out = p, *in = p + 1;
            if ((rc = push_field(c, out)) < 0)
                return rc;
            for (;;) {
                if (*in == '\0')
                    return -EINVAL; /* unterminated quote */
                if (*in == '"') {
                    if (in[1] == '"') {
                        *out++ = '"';
                        in += 2;
                        continue;
                    }
                    in++;
                    break;
                }
                *out++ = *in++;
            }
            if (*in != ',' && *in != '\0')
                return -EINVAL; /* text after the closing quote */
            int last = *in == '\0';
            *out = '\0';
            if (last)
                return 0;
            p = in + 1;
        } else {
            if ((rc = push_field(c, p)) < 0)
                return rc;
            char *comma = strchr(p, ',');
            if (strchr(p, '"') && (!comma || strchr(p, '"') < comma))
                return -EINVAL; /* a quote inside an unquoted field */
            if (!comma)
                return 0;
            *comma = '\0';
            p = comma + 1;
        }
    }
}

/* Read one line, its newline included, into c->line; at most CB_CSV_MAX_LINE bytes, so a
 * file without line breaks cannot take all the memory. Returns its length (0 at the end of
 * the file), -E2BIG, -EIO or -ENOMEM. *nul is set when the line holds a NUL byte. */
static long read_line(struct cb_csv *c, int *nul)
{
    size_t len = 0;
    int ch;
    *nul = 0;
    while ((ch = getc_unlocked(c->f)) != EOF) {
        if (len + 1 >= c->cap) {
            if (c->cap >= CB_CSV_MAX_LINE + 1)
                return -E2BIG;
            size_t cap = c->cap ? 2 * c->cap : 256;
            if (cap > CB_CSV_MAX_LINE + 1)
                cap = CB_CSV_MAX_LINE + 1;
            char *nl = realloc(c->line, cap);
            if (!nl)
                return -ENOMEM;
            c->line = nl;
            c->cap = cap;
        }
        c->line[len++] = (char)ch;
        *nul |= ch == '\0';
        if (ch == '\n')
            break;
    }
    if (ferror(c->f))
        return -EIO;
    if (len)
        c->line[len] = '\0';
    return (long)len;
}

int cb_csv_read(struct cb_csv *c)
{
    for (;;) {
        int nul;
        long len = read_line(c, &nul);
        if (len <= 0)
            return (int)len;
        c->lineno++;
        if (nul)
            return -EINVAL; /* a NUL byte: binary data, not CSV */
        while (len > 0 && (c->line[len - 1] == '\n' || c->line[len - 1] == '\r'))
            c->line[--len] = '\0';
        if (len == 0)
            continue;
        int rc = cb_csv_split(c, c->line);
        return rc < 0 ? rc : 1;
    }
}

int cb_csv_index(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cb_csv_list_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int cb_csv_list(const char *dir, char ***paths, size_t *n)
{
    *paths = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    char **list = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".csv") != 0)
            continue;
        char **nl = cb_grow(list, &cap, cnt, sizeof *nl, 64);
        if (!nl) {
            rc = -ENOMEM;
            break;
        }
        list = nl;
        if (asprintf(&list[cnt], "%s/%s", dir, de->d_name) < 0) {
            rc = -ENOMEM;
            break;
        }
        cnt++;
    }
    closedir(d);
    if (rc < 0) {
        cb_csv_list_free(list, cnt);
        return rc;
    }
    if (cnt > 1) /* (no list at all when the folder holds no CSV) */
        qsort(list, cnt, sizeof *list, cmp_path); /* one folder: the names' order */
    *paths = list;
    *n = cnt;
    return 0;
}
