/*
 * threads.c - POSIX threads created inside each timed repetition, as in the course's Thread
 * examples: p threads, each runs the shared worker body on its slices (by default one
 * contiguous block each), writes its partial into its own cache-line-padded slot, and is
 * joined; the main thread combines the partials.
 *
 * The start gate: every worker announces itself and sleeps until the main thread has seen
 * all p arrive and opens the gate, so setup (creation) and compute are timed apart. If a
 * thread cannot be created, the gate opens with `abort` set and the ones that exist leave
 * without computing, so nothing is left waiting.
 *
 * Faults (fault.h): each worker lends part of its own stack as its alternate signal stack,
 * so a crash, even a stack overflow, is reported with the worker's number; a worker whose
 * thread ends before its work is done (pthread_exit) leaves its slot's `done` unset, which
 * the main thread sees after joining; a hang is the --timeout watchdog's.
 */
#include "bind.h"
#include "fault.h"
#include "harness.h"
#include "models/slot.h"
#include "timer.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shared {
    const struct cb_job *job;
    struct cb_sched sched;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int ready;      /* workers waiting at the gate */
    int open;       /* the gate is open */
    int abort;      /* leave without computing */
    struct cb_slot *slots;
    const int *plan;
};

struct arg {
    struct shared *sh;
    int w;
};

static void *worker(void *p)
{
    struct arg *a = p;
    struct shared *sh = a->sh;
    alignas(16) char altstack[CB_FAULT_STACK];
    cb_fault_stack_lend(altstack, sizeof altstack);
    cb_bind_thread(sh->plan[a->w]); /* before the gate: binding is part of setup */
    pthread_mutex_lock(&sh->lock);
    sh->ready++;
    pthread_cond_broadcast(&sh->cond);
    while (!sh->open)
        pthread_cond_wait(&sh->cond, &sh->lock);
    int abort = sh->abort;
    pthread_mutex_unlock(&sh->lock);
    if (abort) {
        cb_fault_stack_lend(NULL, 0);
        return NULL;
    }
    struct cb_slot *s = &sh->slots[a->w];
    cb_fault_worker_begin(a->w);
    cb_fault_thread_point(a->w);
    cb_slot_run(s, sh->job, &sh->sched, a->w);
    s->done = 1;
    cb_fault_worker_end(a->w);
    cb_fault_stack_lend(NULL, 0);
    return NULL;
}

static int threads_run(const struct cb_job *job, const struct cb_config *cfg,
                       struct cb_rep *rep, char *err, size_t errlen)
{
    const int p = cfg->workers;
    struct shared sh = { .job = job, .plan = cfg->plan };
    pthread_t *tids = calloc((size_t)p, sizeof *tids);
    struct arg *args = calloc((size_t)p, sizeof *args);
    sh.slots = aligned_alloc(64, (size_t)p * sizeof *sh.slots);
    if (!tids || !args || !sh.slots) {
        free(tids);
        free(args);
        free(sh.slots);
        snprintf(err, errlen, "threads: out of memory for %d workers", p);
        return CB_EXIT_ERROR;
    }
    memset(sh.slots, 0, (size_t)p * sizeof *sh.slots);
    cb_sched_init(&sh.sched, cfg->schedule, job->space, cfg->chunk, p);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.cond, NULL);

    int created = 0, rc = 0;
    for (; created < p; created++) {
        args[created] = (struct arg){ .sh = &sh, .w = created };
        rc = pthread_create(&tids[created], NULL, worker, &args[created]);
        if (rc != 0)
            break;
    }

    pthread_mutex_lock(&sh.lock);
    while (sh.ready < created)
        pthread_cond_wait(&sh.cond, &sh.lock);
    rep->t_gate = cb_now();
    sh.open = 1;
    sh.abort = rc != 0;
    pthread_cond_broadcast(&sh.cond);
    pthread_mutex_unlock(&sh.lock);

    for (int i = 0; i < created; i++)
        pthread_join(tids[i], NULL);

    int status = 0;
    if (rc != 0) {
        snprintf(err, errlen, "threads: cannot create thread %d of %d: %s", created + 1, p,
                 strerror(rc));
        status = CB_EXIT_ERROR;
    }
    for (int i = 0; i < p && status == 0; i++)
        if (!sh.slots[i].done) {
            snprintf(err, errlen, "threads: worker %d of %d ended its thread before finishing "
                     "its work (pthread_exit): its part of the result is missing", i, p);
            status = CB_EXIT_WORKER;
        }
    if (status == 0) /* joined: every slot is final */
        cb_slots_collect(sh.slots, sizeof *sh.slots, p, rep);
    pthread_cond_destroy(&sh.cond);
    pthread_mutex_destroy(&sh.lock);
    free(tids);
    free(args);
    free(sh.slots);
    return status;
}

const struct cb_model cb_model_threads = {
    .abi = CB_MODEL_ABI,
    .name = "threads",
    .description = "POSIX threads created in each repetition, one block each by default",
    .flags = CB_MODEL_SCHEDULE | CB_MODEL_WATCHDOG,
    .run = threads_run,
};
