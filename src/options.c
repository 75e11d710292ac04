/*
 * options.c - see options.h.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cb_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -EINVAL;
    uint64_t v = 0;
    const char *p = s;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -EINVAL;
        v = v * 10 + d;
    }
    unsigned exp = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -EINVAL;
        for (; isdigit((unsigned char)*p); p++) {
            exp = exp * 10 + (unsigned)(*p - '0');
            if (exp > 30)
                return -EINVAL;
        }
    } else if (*p) {
        const char *suffixes = "kMGT";
        const char *hit = strchr(suffixes, *p == 'K' ? 'k' : *p);
        if (!hit)
            return -EINVAL;
        exp = 3 * (unsigned)(hit - suffixes + 1);
        p++;
    }
    if (*p)
        return -EINVAL;
    for (unsigned i = 0; i < exp; i++) {
        if (v > UINT64_MAX / 10)
            return -EINVAL;
        v *= 10;
    }
    *out = v;
    return 0;
}

int cb_parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t x = 0;
    if (!s || !*s)
        return -EINVAL;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        unsigned d = (unsigned)(*p - '0');
        if (x > max / 10 || (x == max / 10 && d > max % 10))
            return -EINVAL;
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

int cb_parse_number(const char *s, double *out)
{
    if (!s || !*s || strspn(s, "0123456789+-.eE") != strlen(s) || !strpbrk(s, "0123456789"))
        return -EINVAL;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return -EINVAL;
    *out = v;
    return 0;
}

int cb_parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0)
        return -EINVAL;
    *out = v;
    return 0;
}

/* One number of a worker list: N, `all` or `Kxall`. Sets *end past it. */
static int parse_count(const char *s, const char **end, int pus, long *out)
{
    long mult = 1;
    const char *p = s;
    if (isdigit((unsigned char)*p)) {
        char *e;
        errno = 0;
        long v = strtol(p, &e, 10);
        if (errno || v > 1000000)
            return -EINVAL;
        p = e;
        if (strncmp(p, "xall", 4) != 0) {
            *out = v;
            *end = p;
            return 0;
        }
        mult = v;
        p += 1; /* at "all" */
    }
    if (strncmp(p, "all", 3) == 0) {
        *out = mult * pus;
        *end = p + 3;
        return 0;
    }
    return -EINVAL;
}

static int push(int *out, size_t max, size_t *n, long v)
{
    for (size_t i = 0; i < *n; i++)
        if (out[i] == v)
            return 0;
    if (*n >= max)
        return -E2BIG;
    out[(*n)++] = (int)v;
    return 0;
}

static int parse_workers(const char *s, int pus, int *out, size_t max, size_t *n, char *err,
                         size_t errlen)
{
    *n = 0;
    if (!s || !*s) {
        snprintf(err, errlen, "--workers: the list is empty");
        return -EINVAL;
    }
    const char *p = s;
    for (;;) {
        long a, b, step = 1;
        int geometric = 0;
        if (parse_count(p, &p, pus, &a) < 0)
            goto bad;
        b = a;
        if (*p == '-') {
            p++;
            if (parse_count(p, &p, pus, &b) < 0)
                goto bad;
            if (*p == ':') {
                p++;
                if (*p == 'x') {
                    geometric = 1;
                    p++;
                }
                if (!isdigit((unsigned char)*p))
                    goto bad; /* strtol would skip blanks and take a sign */
                char *e;
                errno = 0;
                step = strtol(p, &e, 10);
                if (errno || step < 1 || (geometric && step < 2))
                    goto bad;
                p = e;
            }
        }
        if (*p != ',' && *p != '\0')
            goto bad;
        if (a < 1 || b < 1) {
            snprintf(err, errlen, "--workers '%s': worker counts must be at least 1", s);
            return -EINVAL;
        }
        if (a > CB_MAX_WORKERS || b > CB_MAX_WORKERS) {
            snprintf(err, errlen, "--workers '%s': at most %d workers", s, CB_MAX_WORKERS);
            return -EINVAL;
        }
        if (b < a) {
            snprintf(err, errlen, "--workers '%s': range %ld-%ld is reversed", s, a, b);
            return -EINVAL;
        }
        /* a <= b <= CB_MAX_WORKERS: stop before the next value would pass b, so a step
         * as large as strtol allows never overflows */
        for (long v = a;;) {
            if (push(out, max, n, v) < 0) {
                snprintf(err, errlen, "--workers '%s': more than %zu counts", s, max);
                return -EINVAL;
            }
            if (geometric ? v > b / step : step > b - v)
                break;
            v = geometric ? v * step : v + step;
        }
        if (*p == '\0')
            break;
        p++;
    }
    return 0;
bad:
    snprintf(err, errlen,
             "--workers '%s': not a worker list (use e.g. 1,2,4 or 1-8 or 1-16:2 or 1-64:x2 "
             "or all or 2xall)", s);
    return -EINVAL;
}

int cb_list_has_empty(const char *s)
{
    size_t len = strlen(s);
    return len == 0 || s[0] == ',' || s[len - 1] == ',' || strstr(s, ",,") != NULL;
}

int cb_parse_workers(const char *s, int pus, int *out, size_t max, size_t *n, char *err,
                     size_t errlen)
{
    int rc = parse_workers(s, pus, out, max, n, err, errlen);
    if (rc < 0)
        cb_clean_line(err); /* the message quotes the argument */
    return rc;
}

const char *cb_start_name(enum cb_start st)
{
    return st == CB_START_FORK ? "fork" : st == CB_START_SPAWN ? "spawn" : "";
}

const char *cb_channel_name(enum cb_channel c)
{
    static const char *const names[] = { "", "pipe", "queue", "socket", "shm" };
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "";
}
