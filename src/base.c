/*
 * base.c - see base.h.
 */
#include "base.h"

#include <pthread.h>

void cb_clean_line(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
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
