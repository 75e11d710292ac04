/*
 * csvread.h - a small reader for the CSV files the suite writes (RFC 4180 subset).
 *
 * One record per line: fields separated by commas, a field may be quoted with double quotes
 * (a doubled quote inside stands for one quote). Quoted fields may not span lines, which the
 * suite never writes. Empty lines are skipped. The reader never guesses: anything it cannot
 * read exactly (an unterminated quote, text after a closing quote, a NUL byte) is an error,
 * so a corrupt file is reported rather than half-read.
 */
#ifndef CB_CSVREAD_H
#define CB_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

struct cb_csv {
    FILE *f;
    char *line;        /* the current line; fields point into it */
    size_t cap;
    char **field;      /* field[0..nfield): the current record's fields, NUL-terminated */
    size_t nfield, fieldcap;
    size_t lineno;     /* 1-based number of the line just read (0 before the first) */
};

/* The longest line read, newline included: far above what the suite writes (a few hundred
 * bytes), low enough that a file without line breaks is refused before it fills memory. */
#define CB_CSV_MAX_LINE (1u << 20)

/* Open path for reading. Returns 0 or -errno: -EISDIR for a folder, -ENODEV for anything
 * else that is not a regular file (a FIFO, a device), never blocking on it. Nothing to close
 * on failure. */
int cb_csv_open(struct cb_csv *c, const char *path);

/* Read the next record into c->field. Returns 1 when a record was read, 0 at the end of the
 * file, -EINVAL for a malformed line (see above), -E2BIG for a line longer than
 * CB_CSV_MAX_LINE, -EIO on a read error, -ENOMEM. The fields stay valid until the next
 * call. */
int cb_csv_read(struct cb_csv *c);

/* Split one line in place into c->field (used by cb_csv_read; exposed for tests). The line
 * must be NUL-terminated without its newline. Returns 0, -EINVAL or -ENOMEM. */
int cb_csv_split(struct cb_csv *c, char *line);

void cb_csv_close(struct cb_csv *c);

/* The CSV files of folder dir: every NAME.csv but hidden ones (the temporary files of an
 * interrupted run start with a dot), as paths "dir/NAME.csv" sorted by name, byte by byte
 * (as in the C locale). Returns 0 with *n >= 0 paths in *paths (free with
 * cb_csv_list_free), or -errno: opendir's (-ENOENT, -ENOTDIR, ...) or -ENOMEM. */
int cb_csv_list(const char *dir, char ***paths, size_t *n);

void cb_csv_list_free(char **paths, size_t n);

/* Index of the field equal to name among names[0..n), or -1. */
int cb_csv_index(char *const *names, size_t n, const char *name);

#endif
