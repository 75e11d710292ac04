/*
 * summary.c - see summary.h.
 *
 * A point is identified by every configuration column of the binaries' CSV: model, kernel,
 * size, workers, bind, schedule, chunk, start, channel. Samples of the same point from
 * several files (the rounds of a sweep) are pooled. The series a point belongs to (one line
 * in a chart) is its model, qualified by its variant only when one folder holds several
 * variants of the same model.
 *
 * Only files that belong together are pooled (issue 16): every file of a set must have
 * the first file's header (other columns are another schema version), and where the
 * header has the schema 2 columns `schema` and `context`, every row must carry the first
 * row's values (another context id is another build, machine, CPU set or environment:
 * environ.h). Files of schema 1 have neither column and are pooled on their header alone.
 */
#define _GNU_SOURCE
#include "summary.h"

#include "csvread.h"
#include "kernel.h"
#include "noise.h"
#include "warnings.h"
#include "base.h"
#include "rng.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WARN_LEN 256
#define NAME_LEN 64       /* the longest model, kernel or variant name read */
#define WALL_MAX 1e9      /* seconds: no repetition of the suite lasts 30 years */

/* Warnings that depend on the samples: recomputed from the pooled samples, never carried
 * over from the binaries' per-run summary rows. */
static const char *const recomputed[] = { "noisy", "outliers", "short", "no-ci",
                                          "unverified", NULL };

enum { F_MODEL, F_KERNEL, F_BIND, F_SCHEDULE, F_CHUNK, F_START, F_CHANNEL, F_NSTR };
static const char *const str_cols[F_NSTR] = { "model", "kernel", "bind", "schedule", "chunk",
                                              "start", "channel" };

struct group {
    char *s[F_NSTR];
    char *series;          /* the chart line: model, or model-variant */
    uint64_t size;
    int workers;
    double *wall, *util;   /* the pooled raw samples */
    struct cb_noise *noise; /* [n]: what else happened in each (NAN fields: not recorded) */
    double *moved;         /* [n]: workers that ended on another CPU */
    size_t *run;           /* [n]: the file (round) each sample came from */
    int measured_load;     /* some raw row recorded the foreign CPU time (schema 3) */
    size_t n, cap;
    size_t runs;           /* summary rows seen: the invocations (rounds) that measured it */
    int unverified;        /* some row said verified=no */
    char warn[WARN_LEN];   /* carried warnings, ';'-separated, each once */
    /* computed */
    struct cb_summary st;
    double util_med;
};

struct cb_sumset {
    struct group *g;
    size_t n, cap;
    size_t files;
    /* An open-addressing index of g by configuration: slot[i] is a group's index + 1, 0 for
     * an empty slot; nslot a power of two, at least twice n. Rebuilt when it is too small
     * or was dropped (cb_sumset_write sorts g). */
    size_t *slot, nslot;
    /* what every file must share with the first: its header (the fields joined by
     * commas) and, for schema 2, the schema and context of its rows */
    char *header, *header_path;
    char *schema, *context, *context_path;
};

int cb_sumset_create(struct cb_sumset **set)
{
    *set = calloc(1, sizeof **set);
    return *set ? 0 : -ENOMEM;
}

static void group_free(struct group *g)
{
    for (int i = 0; i < F_NSTR; i++)
        free(g->s[i]);
    free(g->series);
    free(g->wall);
    free(g->util);
    free(g->noise);
    free(g->moved);
    free(g->run);
}

void cb_sumset_free(struct cb_sumset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        group_free(&set->g[i]);
    free(set->g);
    free(set->slot);
    free(set->header);
    free(set->header_path);
    free(set->schema);
    free(set->context);
    free(set->context_path);
    free(set);
}

/* The hash of a configuration, for the index only (the bootstrap streams use group_hash). */
static uint64_t key_hash(char *const *s, uint64_t size, int workers)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (int f = 0; f < F_NSTR; f++) {
        for (const char *p = s[f]; *p; p++)
            h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
        h = (h ^ 0xff) * UINT64_C(0x100000001b3);
    }
    return cb_mix64(h ^ cb_mix64(size ^ ((uint64_t)(unsigned)workers << 40)));
}

static int same_key(const struct group *g, char *const *s, uint64_t size, int workers)
{
    if (g->size != size || g->workers != workers)
        return 0;
    for (int f = 0; f < F_NSTR; f++)
        if (strcmp(g->s[f], s[f]) != 0)
            return 0;
    return 1;
}

/* The slot of a configuration in the index: the one holding it, or the empty one where it
 * goes. The index is never full (at least half its slots are empty). */
static size_t find_slot(const struct cb_sumset *set, char *const *s, uint64_t size, int workers)
{
    size_t mask = set->nslot - 1, i = (size_t)key_hash(s, size, workers) & mask;
    while (set->slot[i] && !same_key(&set->g[set->slot[i] - 1], s, size, workers))
        i = (i + 1) & mask;
    return i;
}

/* Make the index hold every group with room for one more. Returns 0 or -ENOMEM. */
static int index_fit(struct cb_sumset *set)
{
    if (set->slot && set->nslot >= 2 * (set->n + 1))
        return 0;
    size_t nslot = 64;
    while (nslot < 4 * (set->n + 1))
        nslot *= 2;
    size_t *slot = calloc(nslot, sizeof *slot);
    if (!slot)
        return -ENOMEM;
    free(set->slot);
    set->slot = slot;
    set->nslot = nslot;
    for (size_t g = 0; g < set->n; g++)
        slot[find_slot(set, set->g[g].s, set->g[g].size, set->g[g].workers)] = g + 1;
    return 0;
}

/* The group of this configuration, created if new. NULL when out of memory. */
static struct group *group_get(struct cb_sumset *set, char *const *s, uint64_t size,
                               int workers)
{
    if (index_fit(set) < 0)
        return NULL;
    size_t i = find_slot(set, s, size, workers);
    if (set->slot[i])
        return &set->g[set->slot[i] - 1];
    struct group *ng = cb_grow(set->g, &set->cap, set->n, sizeof *ng, 64);
    if (!ng)
        return NULL;
    set->g = ng;
    struct group *g = &set->g[set->n];
    memset(g, 0, sizeof *g);
    for (int f = 0; f < F_NSTR; f++)
        if (!(g->s[f] = strdup(s[f]))) {
            group_free(g);
            return NULL;
        }
    g->size = size;
    g->workers = workers;
    set->n++;
    set->slot[i] = set->n;
    return g;
}

/* Make array `ptr` hold `cap` elements, or return -ENOMEM from the calling function (what
 * it held stays valid and is freed with the group). */
#define GROW_OR_FAIL(ptr, cap)                                                              \
    do {                                                                                    \
        void *grown_ = realloc((ptr), (cap) * sizeof *(ptr));                               \
        if (!grown_)                                                                        \
            return -ENOMEM;                                                                 \
        (ptr) = grown_;                                                                     \
    } while (0)

static int group_push(struct group *g, double wall, double util, const struct cb_noise *nz,
                      double moved, size_t run)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        GROW_OR_FAIL(g->wall, cap);
        GROW_OR_FAIL(g->util, cap);
        GROW_OR_FAIL(g->noise, cap);
        GROW_OR_FAIL(g->moved, cap);
        GROW_OR_FAIL(g->run, cap);
        g->cap = cap;
    }
    g->wall[g->n] = wall;
    g->util[g->n] = util;
    g->noise[g->n] = *nz;
    g->moved[g->n] = moved;
    g->run[g->n] = run;
    g->measured_load |= !isnan(nz->foreign_s);
    g->n++;
    return 0;
}

/* The noise.h columns of a raw row (those of schema 3; NAN where the header lacks one or
 * the field is empty or not a number). */
enum { N_FOREIGN, N_STEAL, N_FREQ, N_VCSW, N_IVCSW, N_MINFLT, N_MAJFLT, N_COLS };
static const char *const noise_cols[N_COLS] = { "foreign_cpu_s", "steal_s", "freq_mhz",
                                                "vcsw", "ivcsw", "minflt", "majflt" };

static int parse_double_strict(const char *s, double *v);

static double field_num(const struct cb_csv *c, int col)
{
    double v;
    if (col < 0 || !c->field[col][0] || parse_double_strict(c->field[col], &v) < 0 ||
        !(v >= 0))
        return NAN;
    return v;
}

static void read_noise(const struct cb_csv *c, const int *col, struct cb_noise *nz)
{
    *nz = (struct cb_noise){
        .foreign_s = field_num(c, col[N_FOREIGN]), .steal_s = field_num(c, col[N_STEAL]),
        .freq_mhz = field_num(c, col[N_FREQ]), .vcsw = field_num(c, col[N_VCSW]),
        .ivcsw = field_num(c, col[N_IVCSW]), .minflt = field_num(c, col[N_MINFLT]),
        .majflt = field_num(c, col[N_MAJFLT]),
    };
}

/* Workers that moved in a raw row: its pu_map writes a>b for one that started on a and
 * ended on b. NAN without the column. */
static double moved_in(const struct cb_csv *c, int col)
{
    if (col < 0)
        return NAN;
    double n = 0;
    for (const char *p = c->field[col]; *p; p++)
        n += *p == '>';
    return n;
}

static int is_recomputed(const char *w)
{
    for (size_t i = 0; recomputed[i]; i++)
        if (strcmp(w, recomputed[i]) == 0)
            return 1;
    return 0;
}

/* Add w to a ';'-separated list unless it is there already. A warning that no longer fits
 * is left out whole, never cut. */
/* Can s be written back into a CSV field unquoted, as the binaries write names: at most
 * max printable ASCII characters other than the comma and the double quote (and, unless
 * it is a list of warnings, the ';' that separates them)? The summary never quotes, so a
 * name that would need quotes is refused when read, not written as a broken row. */
static int plain_text(const char *s, size_t max, int list)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        if (*p <= 0x20 || *p >= 0x7f || *p == ',' || *p == '"' || (*p == ';' && !list))
            return 0;
    return n <= max;
}

static int parse_u64_strict(const char *s, uint64_t *v)
{
    if (!*s || *s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *v = x;
    return 0;
}

static int parse_double_strict(const char *s, double *v)
{
    if (!*s)
        return -EINVAL;
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    if (errno || *end || !isfinite(x))
        return -EINVAL;
    *v = x;
    return 0;
}

/* Is this file's header the set's? The first file's header becomes the set's. 0, -EINVAL
 * with err, or -ENOMEM. */
static int same_header(struct cb_sumset *set, const char *path, char **hdr, size_t nhdr,
                       char *err, size_t errlen)
{
    size_t len = 1;
    for (size_t i = 0; i < nhdr; i++)
        len += strlen(hdr[i]) + 1;
    char *joined = malloc(len), *p = joined;
    if (!joined)
        return -ENOMEM;
    for (size_t i = 0; i < nhdr; i++)
        p += sprintf(p, "%s%s", i ? "," : "", hdr[i]);
    *p = '\0';
    if (!set->header) {
        set->header = joined;
        set->header_path = strdup(path);
        return set->header_path ? 0 : -ENOMEM;
    }
    int same = strcmp(set->header, joined) == 0;
    free(joined);
    if (same)
        return 0;
    cb_format_line(err, errlen, "%s: other columns than %s (another schema version): not pooled",
                   path, set->header_path);
    return -EINVAL;
}

/* A schema 2 row's schema and context against the set's first. 0, -EINVAL or -ENOMEM. */
static int same_context(struct cb_sumset *set, const char *path, const char *schema,
                        const char *context, char *err, size_t errlen)
{
    if (!set->schema) {
        set->schema = strdup(schema);
        set->context = strdup(context);
        set->context_path = strdup(path);
        return set->schema && set->context && set->context_path ? 0 : -ENOMEM;
    }
    if (strcmp(set->schema, schema) != 0) {
        cb_format_line(err, errlen, "%s: schema version %s, not %s as in %s: not pooled", path,
                       schema, set->schema, set->context_path);
        return -EINVAL;
    }
    if (strcmp(set->context, context) != 0) {
        cb_format_line(err, errlen, "%s: measured in another context (context id %s, not %s as "
                       "in %s: another build, machine, CPU set or environment): not pooled", path,
                       context, set->context, set->context_path);
        return -EINVAL;
    }
    return 0;
}

/* Out of memory while reading `path`: the message, and rc returned. */
static int no_memory(const char *path, int rc, char *err, size_t errlen)
{
    cb_format_line(err, errlen, "%s: out of memory", path);
    return rc;
}

/* A line the reader refused (cb_csv_read's negative rc): its message, and rc returned. */
static int read_error(const struct cb_csv *c, const char *path, int rc, char *err,
                      size_t errlen)
{
    if (rc == -EINVAL)
        cb_format_line(err, errlen, "%s:%zu: malformed CSV line (unbalanced quote or binary data)",
                       path, c->lineno);
    else if (rc == -E2BIG)
        cb_format_line(err, errlen, "%s:%zu: line longer than %u bytes: not a result file", path,
                       c->lineno, CB_CSV_MAX_LINE);
    else if (rc == -ENOMEM)
        return no_memory(path, rc, err, errlen);
    else
        cb_format_line(err, errlen, "%s: read error: %s", path, strerror(-rc));
    return rc;
}

/* Read the header line and keep a copy of it in *hdr (the reader reuses its line buffer;
 * the caller frees the copy, even after a failure). 0, or a negative errno with the
 * message in err. */
static int read_header(struct cb_csv *c, const char *path, char ***hdr, size_t *nhdr,
                       char *err, size_t errlen)
{
    int rc = cb_csv_read(c);
    if (rc == 0) {
        cb_format_line(err, errlen, "%s: empty file", path);
        return -EINVAL;
    }
    if (rc < 0)
        return read_error(c, path, rc, err, errlen);
    *nhdr = c->nfield;
    *hdr = calloc(*nhdr, sizeof **hdr);
    if (!*hdr)
        return no_memory(path, -ENOMEM, err, errlen);
    for (size_t i = 0; i < *nhdr; i++)
        if (!((*hdr)[i] = strdup(c->field[i])))
            return no_memory(path, -ENOMEM, err, errlen);
    return 0;
}

/* The columns of a result file that the summary reads: their indices in its header, -1
 * for one it does not have. */
struct columns {
    int str[F_NSTR]; /* str_cols */
    int row, size, workers, wall, util, verified, warn, schema, context, map;
    int noise[N_COLS]; /* noise_cols */
};

/* Find the columns in the header: NULL, or the name of a required column it lacks. */
static const char *find_columns(char **hdr, size_t nhdr, struct columns *col)
{
    for (int f = 0; f < F_NSTR; f++)
        col->str[f] = cb_csv_index(hdr, nhdr, str_cols[f]);
    col->row = cb_csv_index(hdr, nhdr, "row");
    col->size = cb_csv_index(hdr, nhdr, "size");
    col->workers = cb_csv_index(hdr, nhdr, "workers");
    col->wall = cb_csv_index(hdr, nhdr, "wall_s");
    col->util = cb_csv_index(hdr, nhdr, "util");
    col->verified = cb_csv_index(hdr, nhdr, "verified");
    col->warn = cb_csv_index(hdr, nhdr, "warnings");
    col->schema = cb_csv_index(hdr, nhdr, "schema");
    col->context = cb_csv_index(hdr, nhdr, "context");
    col->map = cb_csv_index(hdr, nhdr, "pu_map");
    for (int k = 0; k < N_COLS; k++)
        col->noise[k] = cb_csv_index(hdr, nhdr, noise_cols[k]);
    const char *missing = col->row < 0 ? "row" : col->size < 0 ? "size"
                        : col->workers < 0 ? "workers" : col->wall < 0 ? "wall_s"
                        : col->verified < 0 ? "verified" : col->warn < 0 ? "warnings" : NULL;
    for (int f = 0; !missing && f < F_NSTR; f++)
        if (col->str[f] < 0)
            missing = str_cols[f];
    return missing;
}

/* What names a row's group, checked: its kind, size, worker count, verification, names and
 * warnings. */
struct row_key {
    int is_raw;
    uint64_t size, workers;
    char *s[F_NSTR];
};

/* Check the row just read and fill *key. 0, or -EINVAL with the message in err. */
static int check_row(const struct cb_csv *c, const struct columns *col, const char *path,
                     struct row_key *key, char *err, size_t errlen)
{
    const char *row = c->field[col->row];
    key->is_raw = strcmp(row, "raw") == 0;
    if (!key->is_raw && strcmp(row, "summary") != 0) {
        cb_format_line(err, errlen, "%s:%zu: row kind '%s' (expected summary or raw)", path,
                       c->lineno, row);
        return -EINVAL;
    }
    if (parse_u64_strict(c->field[col->size], &key->size) < 0 || key->size == 0) {
        cb_format_line(err, errlen, "%s:%zu: size '%s' is not a positive integer", path, c->lineno,
                       c->field[col->size]);
        return -EINVAL;
    }
    if (parse_u64_strict(c->field[col->workers], &key->workers) < 0 || key->workers == 0 ||
        key->workers > 1000000) {
        cb_format_line(err, errlen, "%s:%zu: workers '%s' is not a positive count", path, c->lineno,
                       c->field[col->workers]);
        return -EINVAL;
    }
    const char *verified = c->field[col->verified];
    if (strcmp(verified, "yes") != 0 && strcmp(verified, "no") != 0) {
        cb_format_line(err, errlen, "%s:%zu: verified '%s' (expected yes or no)", path, c->lineno,
                       verified);
        return -EINVAL;
    }
    for (int f = 0; f < F_NSTR; f++)
        key->s[f] = c->field[col->str[f]];
    if (!*key->s[F_MODEL] || !*key->s[F_KERNEL]) {
        cb_format_line(err, errlen, "%s:%zu: empty model or kernel", path, c->lineno);
        return -EINVAL;
    }
    for (int f = 0; f < F_NSTR; f++)
        if (!plain_text(key->s[f], NAME_LEN, 0)) {
            cb_format_line(err, errlen, "%s:%zu: %s '%s' is not a name (at most %d printable "
                           "characters, no comma, quote or semicolon)", path, c->lineno,
                           str_cols[f], key->s[f], NAME_LEN);
            return -EINVAL;
        }
    if (!plain_text(c->field[col->warn], WARN_LEN, 1)) {
        cb_format_line(err, errlen, "%s:%zu: warnings '%s' is not a list of names", path,
                       c->lineno, c->field[col->warn]);
        return -EINVAL;
    }
    return 0;
}

/* Add a checked row to its group: a raw row's sample, a summary row's warnings. 0, or a
 * negative errno with the message in err. */
static int add_row(struct cb_sumset *set, struct group *g, const struct cb_csv *c,
                   const struct columns *col, int is_raw, const char *path, char *err,
                   size_t errlen)
{
    if (is_raw) {
        double wall, util = NAN;
        if (parse_double_strict(c->field[col->wall], &wall) < 0 || !(wall > 0) ||
            wall > WALL_MAX) {
            cb_format_line(err, errlen, "%s:%zu: wall_s '%s' is not a positive number of seconds",
                           path, c->lineno, c->field[col->wall]);
            return -EINVAL;
        }
        if (col->util >= 0 && parse_double_strict(c->field[col->util], &util) < 0)
            util = NAN;
        struct cb_noise nz;
        read_noise(c, col->noise, &nz);
        int rc = group_push(g, wall, util, &nz, moved_in(c, col->map), set->files);
        return rc < 0 ? no_memory(path, rc, err, errlen) : 0;
    }
    g->runs++;
    char *save = NULL;
    for (char *w = strtok_r(c->field[col->warn], ";", &save); w;
         w = strtok_r(NULL, ";", &save))
        /* schema 3 measures the foreign load: `loaded` is recomputed from the
         * pooled samples; before, it was the load average, carried over */
        if (!is_recomputed(w) && !(col->noise[N_FOREIGN] >= 0 && strcmp(w, "loaded") == 0))
            cb_warn_add(g->warn, sizeof g->warn, w);
    return 0;
}

/* Every row after the header, checked and added to its group; *raws counts the raw rows.
 * 0, or a negative errno with the message in err. */
static int read_rows(struct cb_sumset *set, struct cb_csv *c, const struct columns *col,
                     size_t nhdr, const char *path, size_t *raws, char *err, size_t errlen)
{
    int rc;
    while ((rc = cb_csv_read(c)) == 1) {
        if (c->nfield != nhdr) {
            cb_format_line(err, errlen, "%s:%zu: %zu fields, the header has %zu", path, c->lineno,
                           c->nfield, nhdr);
            return -EINVAL;
        }
        if (col->schema >= 0 && col->context >= 0 &&
            (rc = same_context(set, path, c->field[col->schema], c->field[col->context], err,
                               errlen)) < 0)
            return rc == -ENOMEM ? no_memory(path, rc, err, errlen) : rc;
        struct row_key key;
        if ((rc = check_row(c, col, path, &key, err, errlen)) < 0)
            return rc;
        struct group *g = group_get(set, key.s, key.size, (int)key.workers);
        if (!g)
            return no_memory(path, -ENOMEM, err, errlen);
        if (strcmp(c->field[col->verified], "no") == 0)
            g->unverified = 1;
        if ((rc = add_row(set, g, c, col, key.is_raw, path, err, errlen)) < 0)
            return rc;
        *raws += (size_t)key.is_raw;
    }
    return rc < 0 ? read_error(c, path, rc, err, errlen) : 0;
}

/* The file held raw rows, and every configuration so far has raw rows beside its summary
 * row. 0, or -EINVAL with the message in err. */
static int check_complete(const struct cb_sumset *set, const char *path, size_t raws,
                          char *err, size_t errlen)
{
    if (raws == 0) {
        cb_format_line(err, errlen, "%s: no raw rows (row=raw): was it written with --raw?", path);
        return -EINVAL;
    }
    /* a binary writes a configuration's raw rows beside its summary row: a summary row
     * alone (earlier files were checked already) is a cut or edited file */
    for (size_t i = 0; i < set->n; i++)
        if (set->g[i].n == 0) {
            const struct group *g = &set->g[i];
            cb_format_line(err, errlen, "%s: %s %s size %llu p=%d has a summary row but no raw "
                           "rows", path, g->s[F_MODEL], g->s[F_KERNEL], (unsigned long long)g->size,
                           g->workers);
            return -EINVAL;
        }
    return 0;
}

int cb_sumset_add_file(struct cb_sumset *set, const char *path, char *err, size_t errlen)
{
    struct cb_csv c;
    int rc = cb_csv_open(&c, path);
    if (rc == -EISDIR || rc == -ENODEV) {
        cb_format_line(err, errlen, "%s: %s, not a CSV file", path,
                       rc == -EISDIR ? "a folder" : "not a regular file");
        return rc;
    }
    if (rc < 0) {
        cb_format_line(err, errlen, "%s: cannot read: %s", path, strerror(-rc));
        return rc;
    }
    char **hdr = NULL;
    size_t nhdr = 0, raws = 0;
    struct columns col;
    const char *missing;
    if ((rc = read_header(&c, path, &hdr, &nhdr, err, errlen)) < 0)
        goto out;
    if ((missing = find_columns(hdr, nhdr, &col)) != NULL) {
        cb_format_line(err, errlen, "%s:1: not a benchmark CSV (no column '%s' in the header)",
                       path, missing);
        rc = -EINVAL;
        goto out;
    }
    if ((rc = same_header(set, path, hdr, nhdr, err, errlen)) < 0) {
        if (rc == -ENOMEM)
            no_memory(path, rc, err, errlen);
        goto out;
    }
    if ((rc = read_rows(set, &c, &col, nhdr, path, &raws, err, errlen)) == 0 &&
        (rc = check_complete(set, path, raws, err, errlen)) == 0)
        set->files++;
out:
    for (size_t i = 0; hdr && i < nhdr; i++)
        free(hdr[i]);
    free(hdr);
    cb_csv_close(&c);
    return rc;
}

int cb_sumset_add_dir(struct cb_sumset *set, const char *dir, char *err, size_t errlen)
{
    char **paths;
    size_t n;
    int rc = cb_csv_list(dir, &paths, &n);
    if (rc == -ENOMEM) {
        cb_format_line(err, errlen, "%s: out of memory", dir);
        return rc;
    }
    if (rc < 0) {
        cb_format_line(err, errlen, "%s: %s", dir, strerror(-rc));
        return rc == -ENOTDIR ? -ENOENT : rc;
    }
    if (n == 0) {
        cb_format_line(err, errlen, "%s: no CSV files", dir);
        rc = -ENOENT;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = cb_sumset_add_file(set, paths[i], err, errlen);
    cb_csv_list_free(paths, n);
    return rc;
}

/* --- statistics ------------------------------------------------------------------------- */

double cb_karp_flatt(double s, int p)
{
    if (p <= 1 || !(s > 0))
        return NAN;
    return (1.0 / s - 1.0 / p) / (1.0 - 1.0 / p);
}

/* FNV-1a over a point's identity: its bootstrap stream, so a point's interval does not
 * depend on which other points the folder holds or in which order they were read. */
static uint64_t group_hash(const struct group *g, uint64_t tag)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ tag;
    char num[64];
    snprintf(num, sizeof num, "%llu/%d", (unsigned long long)g->size, g->workers);
    for (int f = 0; f <= F_NSTR; f++) {
        const char *s = f < F_NSTR ? g->s[f] : num;
        for (; *s; s++)
            h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
        h = (h ^ 0xff) * UINT64_C(0x100000001b3);
    }
    return h;
}

/* Same model, kernel, size and worker count: variants of one point. */
static int cmp_point(const void *pa, const void *pb)
{
    const struct group *a = *(const struct group *const *)pa;
    const struct group *b = *(const struct group *const *)pb;
    int c = strcmp(a->s[F_MODEL], b->s[F_MODEL]);
    if (!c)
        c = strcmp(a->s[F_KERNEL], b->s[F_KERNEL]);
    if (!c)
        c = (a->size > b->size) - (a->size < b->size);
    if (!c)
        c = (a->workers > b->workers) - (a->workers < b->workers);
    return c;
}

/* The series of a group (one line in a chart): its model, qualified by those variant fields
 * (bind, schedule, chunk, start, channel) that tell apart two points of the same model,
 * kernel, size and worker count. A field that only varies with p (the default chunk of a
 * dynamic schedule is computed from p) never splits a series. The groups are sorted by point
 * so that a model's variant fields are compared between neighbours only: a field differs
 * within some point exactly when it differs between two neighbours of that point. */
static int name_series(struct cb_sumset *set)
{
    size_t n = set->n;
    struct group **by = malloc((n ? n : 1) * sizeof *by);
    if (!by)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        by[i] = &set->g[i];
    qsort(by, n, sizeof *by, cmp_point);
    int rc = 0;
    for (size_t m0 = 0, m1; m0 < n && rc == 0; m0 = m1) {
        int differs[F_NSTR] = { 0 };
        for (m1 = m0 + 1; m1 < n && strcmp(by[m1]->s[F_MODEL], by[m0]->s[F_MODEL]) == 0; m1++) {
            const struct group *a = by[m1 - 1], *o = by[m1];
            if (strcmp(a->s[F_KERNEL], o->s[F_KERNEL]) != 0 || a->size != o->size ||
                a->workers != o->workers)
                continue;
            for (int f = F_BIND; f < F_NSTR; f++)
                differs[f] |= strcmp(a->s[f], o->s[f]) != 0;
        }
        for (size_t i = m0; i < m1 && rc == 0; i++) {
            struct group *g = by[i];
            char buf[512];
            snprintf(buf, sizeof buf, "%s", g->s[F_MODEL]);
            for (int f = F_BIND; f < F_NSTR; f++) {
                size_t used = strlen(buf);
                if (differs[f])
                    snprintf(buf + used, sizeof buf - used, "-%s",
                             *g->s[f] ? g->s[f] : "default");
            }
            free(g->series);
            if (!(g->series = strdup(buf)))
                rc = -ENOMEM;
        }
    }
    free(by);
    return rc;
}

static int kernel_rank(const char *name)
{
    for (int i = 0; cb_kernels[i]; i++)
        if (strcmp(cb_kernels[i]->name, name) == 0)
            return i;
    return 1000;
}

int cb_point_order(const char *kernel_a, uint64_t size_a, const char *model_a,
                   const char *series_a, const char *kernel_b, uint64_t size_b,
                   const char *model_b, const char *series_b)
{
    int c = kernel_rank(kernel_a) - kernel_rank(kernel_b);
    if (!c)
        c = strcmp(kernel_a, kernel_b);
    if (!c)
        c = (size_a > size_b) - (size_a < size_b);
    if (!c)
        c = (strcmp(model_b, "seq") == 0) - (strcmp(model_a, "seq") == 0);
    if (!c)
        c = strcmp(series_a, series_b);
    return c;
}

/* Order: the points' order, then workers. */
static int cmp_group(const void *pa, const void *pb)
{
    const struct group *a = pa, *b = pb;
    int c = cb_point_order(a->s[F_KERNEL], a->size, a->s[F_MODEL], a->series, b->s[F_KERNEL],
                           b->size, b->s[F_MODEL], b->series);
    return c ? c : a->workers - b->workers;
}

/* The sequential baseline of a point: bench-seq on the same kernel and size, preferring the
 * same binding. NULL when the folder has none. */
static const struct group *find_seq(const struct cb_sumset *set, const struct group *g)
{
    const struct group *best = NULL;
    for (size_t i = 0; i < set->n; i++) {
        const struct group *s = &set->g[i];
        if (strcmp(s->s[F_MODEL], "seq") != 0 || strcmp(s->s[F_KERNEL], g->s[F_KERNEL]) != 0 ||
            s->size != g->size)
            continue;
        if (!best || strcmp(s->s[F_BIND], g->s[F_BIND]) == 0)
            best = s;
    }
    return best;
}

/* The same series at p = 1, or NULL (series named already). */
static const struct group *find_p1(const struct cb_sumset *set, const struct group *g)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct group *s = &set->g[i];
        if (s->workers == 1 && s->size == g->size && strcmp(s->series, g->series) == 0 &&
            strcmp(s->s[F_KERNEL], g->s[F_KERNEL]) == 0)
            return s;
    }
    return NULL;
}

static const char *const header =
    "kernel,size,size_name,model,series,bind,schedule,chunk,start,channel,workers,n,runs,"
    "median_s,ci_low_s,ci_high_s,min_s,max_s,mean_s,stddev_s,cv,outliers,util,gflops,"
    "seq_median_s,seq_ci_low_s,seq_ci_high_s,p1_median_s,"
    "speedup,speedup_lo,speedup_hi,rel_speedup,rel_speedup_lo,rel_speedup_hi,"
    "efficiency,efficiency_lo,efficiency_hi,karp_flatt,karp_flatt_lo,karp_flatt_hi,"
    "verified,warnings,resamples,boot_seed," CB_NOISE_COLUMNS "\n";

int cb_sumset_points(struct cb_sumset *set, size_t *n)
{
    int rc = name_series(set);
    if (rc < 0)
        return rc;
    qsort(set->g, set->n, sizeof *set->g, cmp_group);
    free(set->slot); /* the index points at the order before sorting */
    set->slot = NULL;
    set->nslot = 0;
    *n = set->n;
    return 0;
}

void cb_sumset_point(const struct cb_sumset *set, size_t i, struct cb_sum_point *pt)
{
    const struct group *g = &set->g[i];
    const struct group *sq = find_seq(set, g);
    *pt = (struct cb_sum_point){
        .model = g->s[F_MODEL], .kernel = g->s[F_KERNEL], .series = g->series,
        .bind = g->s[F_BIND], .size = g->size, .workers = g->workers, .wall = g->wall,
        .n = g->n, .warnings = g->warn, .unverified = g->unverified,
        .seq_wall = sq ? sq->wall : NULL, .seq_n = sq ? sq->n : 0, .is_seq = sq == g,
    };
}

int cb_sumset_seq_of(const struct cb_sumset *set, size_t i, size_t *j)
{
    const struct group *s = find_seq(set, &set->g[i]);
    if (!s)
        return -ENOENT;
    *j = (size_t)(s - set->g);
    return 0;
}

uint64_t cb_sumset_speedup_key(const struct cb_sumset *set, size_t i, uint64_t seed)
{
    return cb_rng_key(seed, group_hash(&set->g[i], 1));
}

/* A point's ratios with their percentile intervals: the speedup over seq (S) and over its
 * own model at p = 1 (R). NAN where there is no such point. */
struct point_ratios {
    double S, Slo, Shi, R, Rlo, Rhi;
};

static int point_ratios(const struct cb_sumset *set, size_t i, const struct group *sq,
                        const struct group *p1, int resamples, uint64_t seed,
                        struct point_ratios *r)
{
    const struct group *g = &set->g[i];
    *r = (struct point_ratios){ NAN, NAN, NAN, NAN, NAN, NAN };
    int rc;
    /* A point compared with itself (the baseline, or p = 1 relative to itself) has the
     * ratio 1 exactly: the same samples, not two independent sets. */
    if (sq == g) {
        r->S = r->Slo = r->Shi = 1.0;
    } else if (sq) {
        rc = cb_boot_ratio(sq->wall, sq->n, g->wall, g->n, resamples,
                           cb_sumset_speedup_key(set, i, seed), &r->S, &r->Slo, &r->Shi);
        if (rc < 0)
            return rc;
    }
    if (p1 == g) {
        r->R = r->Rlo = r->Rhi = 1.0;
    } else if (p1) {
        rc = cb_boot_ratio(p1->wall, p1->n, g->wall, g->n, resamples,
                           cb_rng_key(seed, group_hash(g, 2)), &r->R, &r->Rlo, &r->Rhi);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* What else happened at a point (noise.h) and its warnings: the files' own, then those
 * recomputed from the pooled samples; *cnt counts the points without seq and the
 * unverified ones. 0, or a negative errno. */
static int point_warnings(const struct group *g, const struct group *sq,
                          struct cb_noise_summary *nz, char *warn, size_t len,
                          struct cb_sum_counts *cnt)
{
    const struct cb_summary *st = &g->st;
    cb_noise_summarize(g->noise, g->wall, g->moved, g->n, st->cv > CB_NOISY_CV, nz);
    /* a noisy point whose rounds (the binary's separate runs) differ: `rounds` */
    if (st->cv > CB_NOISY_CV) {
        int differ = cb_noise_rounds(g->wall, g->run, g->n);
        if (differ < 0)
            return differ;
        if (differ)
            cb_noise_add_rounds(nz->causes, sizeof nz->causes);
    }
    snprintf(warn, len, "%s", g->warn);
    if (nz->loaded)
        cb_warn_add(warn, len, "loaded");
    cb_warn_samples(warn, len, st->cv, st->outliers, st->median, st->ci_valid);
    if (g->unverified)
        cb_warn_add(warn, len, "unverified");
    if (!sq) {
        cb_warn_add(warn, len, "no-seq");
        cnt->no_seq++;
    }
    if (sq && sq->unverified)
        cb_warn_add(warn, len, "seq-unverified");
    if (g->unverified)
        cnt->unverified++;
    return 0;
}

/* One point's row of summary.csv. */
static void write_point(FILE *f, const struct group *g, const struct group *sq,
                        const struct group *p1, const struct point_ratios *r,
                        const struct cb_noise_summary *nz, const char *warn, int resamples,
                        uint64_t seed)
{
    const struct cb_summary *st = &g->st;
    int p = g->workers;
    /* E = S/p and e(S) are monotone in S: their percentile bounds are S's, mapped
     * (e decreases as S grows, so its bounds swap). */
    double E = r->S / p, Elo = r->Slo / p, Ehi = r->Shi / p;
    double e = cb_karp_flatt(r->S, p), elo = cb_karp_flatt(r->Shi, p),
           ehi = cb_karp_flatt(r->Slo, p);
    const struct cb_kernel *k = cb_kernel_find(g->s[F_KERNEL]);
    char size_name[32];
    cb_kernel_size_name(k, size_name, sizeof size_name);
    double gflops = k && k->flops && st->median > 0 ? k->flops(g->size) / st->median / 1e9
                                                    : NAN;

    fprintf(f, "%s,%llu,%s,%s,%s,%s,%s,%s,%s,%s,%d,%zu,%zu", g->s[F_KERNEL],
            (unsigned long long)g->size, size_name, g->s[F_MODEL], g->series, g->s[F_BIND],
            g->s[F_SCHEDULE], g->s[F_CHUNK], g->s[F_START], g->s[F_CHANNEL], p, st->n,
            g->runs);
    cb_put_fixed(f, 9, st->median);
    cb_put_fixed(f, 9, st->ci_valid ? st->ci_low : NAN);
    cb_put_fixed(f, 9, st->ci_valid ? st->ci_high : NAN);
    cb_put_fixed(f, 9, st->min);
    cb_put_fixed(f, 9, st->max);
    cb_put_fixed(f, 9, st->mean);
    cb_put_fixed(f, 9, st->stddev);
    cb_put_fixed(f, 6, st->cv);
    fprintf(f, ",%zu", st->outliers);
    cb_put_fixed(f, 4, g->util_med);
    cb_put_fixed(f, 3, gflops);
    cb_put_fixed(f, 9, sq ? sq->st.median : NAN);
    cb_put_fixed(f, 9, sq && sq->st.ci_valid ? sq->st.ci_low : NAN);
    cb_put_fixed(f, 9, sq && sq->st.ci_valid ? sq->st.ci_high : NAN);
    cb_put_fixed(f, 9, p1 ? p1->st.median : NAN);
    const double ratios[] = { r->S, r->Slo, r->Shi, r->R, r->Rlo, r->Rhi,
                              E, Elo, Ehi, e, elo, ehi };
    for (size_t j = 0; j < sizeof ratios / sizeof ratios[0]; j++)
        cb_put_fixed(f, 6, ratios[j]);
    fprintf(f, ",%s,%s,%d,%llu", g->unverified ? "no" : "yes", warn, resamples,
            (unsigned long long)seed);
    /* (files before schema 3 recorded none of the causes: no verdict on them) */
    cb_noise_csv(f, &nz->median, nz->foreign_pu, g->measured_load ? nz->causes : "");
    fputc('\n', f);
}

int cb_sumset_write(struct cb_sumset *set, FILE *f, int resamples, uint64_t seed,
                    struct cb_sum_counts *counts)
{
    if (resamples < 1)
        return -EINVAL;
    size_t npoints;
    int rc = cb_sumset_points(set, &npoints);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < set->n; i++) {
        struct group *g = &set->g[i];
        if ((rc = cb_summarize(g->wall, g->n, &g->st)) < 0)
            return rc;
        g->util_med = cb_median(g->util, g->n);
    }

    struct cb_sum_counts cnt = { .files = set->files, .points = set->n };
    fputs(header, f);
    for (size_t i = 0; i < set->n; i++) {
        const struct group *g = &set->g[i];
        const struct group *sq = find_seq(set, g), *p1 = find_p1(set, g);
        struct point_ratios r;
        if ((rc = point_ratios(set, i, sq, p1, resamples, seed, &r)) < 0)
            return rc;
        struct cb_noise_summary nz;
        char warn[WARN_LEN + 64];
        if ((rc = point_warnings(g, sq, &nz, warn, sizeof warn, &cnt)) < 0)
            return rc;
        write_point(f, g, sq, p1, &r, &nz, warn, resamples, seed);
    }
    if (counts)
        *counts = cnt;
    return ferror(f) ? -EIO : 0;
}
