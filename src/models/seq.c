/*
 * seq.c - the sequential model: the whole index space on the calling thread. Its median is
 * T_seq, the base of every absolute speedup.
 */
#include "bind.h"
#include "harness.h"
#include "timer.h"

static int seq_run(const struct cb_job *job, const struct cb_config *cfg, struct cb_rep *rep,
                   char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct cb_sched s;
    cb_sched_init(&s, CB_SCHED_STATIC, job->space, 0, 1);
    cb_bind_thread(cfg->plan[0]); /* the calling thread is the worker */
    rep->t_gate = cb_now();
    rep->cpu_start[0] = cb_current_cpu();
    rep->worker_compute[0] = cb_worker_body(job, &s, 0, &rep->total);
    rep->cpu_end[0] = cb_current_cpu();
    rep->t_done = cb_now();
    return 0;
}

const struct cb_model cb_model_seq = {
    .abi = CB_MODEL_ABI,
    .name = "seq",
    .description = "sequential: the kernel over the whole range on the calling thread",
    .flags = CB_MODEL_SERIAL,
    .run = seq_run,
};
