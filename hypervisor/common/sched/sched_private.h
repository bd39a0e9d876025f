/*
 * What the scheduler keeps per vCPU (v->sched points at it), shared by the
 * scheduler core, the vCPU time code and SCHEDOP handling in common/sched/.
 * Nothing outside common/sched/ includes this.
 */
#ifndef LINTEL_SCHED_PRIVATE_H
#define LINTEL_SCHED_PRIVATE_H

#include <lintel/credit.h>
#include <lintel/domain.h>
#include <lintel/runstate.h>
#include <lintel/timer.h>

struct sched_vcpu {
    struct vcpu *vcpu;
    struct credit_vcpu credit;
    struct vcpu_runstate_info runstate;
    uint64_t runstate_area;         /* guest VA kept current (0: none) */
    uint64_t time_area;             /* guest VA of a second vcpu_time_info */

    struct timer singleshot;
    struct timer periodic;
    uint64_t period_ns;             /* 0: no periodic timer */
    uint64_t periodic_last;         /* system time of the last periodic tick */

    /* SCHEDOP_poll: blocked until one of the ports is pending or timeout. */
    bool polling;
    uint32_t poll_port;             /* the one port polled; 0: any of several */
    struct timer poll_timeout;

    /* A pCPU is still saving its state after switching it out: another pCPU
     * that picked it waits for that before loading it (sched_core.c). */
    volatile bool saving;
    /* The scheduler's own view, changed only under its lock: a pCPU picked
     * it and has not switched it out yet. Unlike vcpu_is_running() (true
     * until pv_context_switch), this ends the moment the decision is made,
     * so a wake-up in the gap between the two is not lost. */
    volatile bool on_cpu;
    int cpu;                        /* the pCPU that picked it last */
};

static inline struct sched_vcpu *sched_vcpu(const struct vcpu *v)
{
    return v->sched;
}

/* vcpu_time.c: per-vCPU timer set-up and the hooks around a context switch. */
void vcpu_time_setup(struct sched_vcpu *sv);
void vcpu_time_teardown(struct sched_vcpu *sv);
void vcpu_time_switch_out(struct vcpu *v);
void vcpu_time_switch_in(struct vcpu *v, uint64_t now);

/* sched_core.c: the run state the accounting says v is in now. */
int sched_runstate_of(const struct vcpu *v);

#endif
