/*
 * base.c - see base.h.
 */
#include "base.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cb_clean_line(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
}

void cb_vformat_line(char *buf, size_t len, const char *fmt, va_list ap)
{
    vsnprintf(buf, len, fmt, ap);
    cb_clean_line(buf);
}

void cb_format_line(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cb_vformat_line(buf, len, fmt, ap);
    va_end(ap);
}

void *cb_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first)
{
    if (n < *cap)
        return p;
    size_t ncap = *cap ? 2 * *cap : first;
    void *np = realloc(p, ncap * elem);
    if (np)
        *cap = ncap;
    return np;
}

void cb_termination_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void cb_signals_hold(sigset_t *old)
{
    sigset_t set;
    cb_termination_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void cb_signals_restore(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

const char *cb_name_of(const char *const *names, unsigned n, unsigned v, const char *other)
{
    return v < n ? names[v] : other;
}

int cb_name_index(const char *const *names, unsigned n, const char *name)
{
    for (unsigned i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}
