/*
 * Guest time and vCPU timers (common/sched/vcpu_time.c): the per-vCPU
 * vcpu_time_info records, the shared_info wallclock, singleshot and
 * periodic timers raising VIRQ_TIMER, and the vcpu_op sub-ops for them and
 * for run-state information (vcpu_time_op, declared with the handlers).
 */
#ifndef LINTEL_VCPU_TIME_H
#define LINTEL_VCPU_TIME_H

#include <lintel/domain.h>

/* Rewrites v's vcpu_time_info (version protocol) from the current clock. */
void vcpu_time_publish(struct vcpu *v);
/* Publishes the wallclock (time at system time 0) into d's shared_info. */
void wallclock_publish(struct domain *d);
/*
 * dom0's XENPF_settime: the wallclock was sec.nsec at system time
 * system_time_ns; every domain's shared_info follows.
 */
void wallclock_set(uint64_t sec, uint32_t nsec, uint64_t system_time_ns);
/* The run-state record of v as of now (VCPUOP_get_runstate_info, getvcpuinfo). */
struct vcpu_runstate_info;
void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);

/* Ends v's SCHEDOP_block / SCHEDOP_poll, if it is in one. */
void vcpu_unblock(struct vcpu *v);
/* An event became pending on port of d: wake vCPUs polling for it. */
void sched_poll_notify(struct domain *d, uint32_t port);

#endif
