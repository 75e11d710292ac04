/*
 * csvread.c - see csvread.h.
 */
#define _GNU_SOURCE
#include "csvread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cb_csv_open(struct cb_csv *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->f = fopen(path, "r");
    return c->f ? 0 : -errno;
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
    if (c->nfield == c->fieldcap) {
        size_t cap = c->fieldcap ? 2 * c->fieldcap : 64;
        char **f = realloc(c->field, cap * sizeof *f);
        if (!f)
            return -ENOMEM;
        c->field = f;
        c->fieldcap = cap;
    }
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

int cb_csv_read(struct cb_csv *c)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&c->line, &c->cap, c->f);
        if (len < 0) {
            if (errno == ENOMEM)
                return -ENOMEM;
            return ferror(c->f) ? -EIO : 0;
        }
        c->lineno++;
        if (strlen(c->line) != (size_t)len)
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
