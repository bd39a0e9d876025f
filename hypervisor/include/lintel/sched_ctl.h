/*
 * The toolstack's scheduler controls (common/sched/sched_ctl.c), answered
 * as Xen 4.17 running the credit scheduler answers them: do_domctl and
 * do_sysctl hand their scheduler sub-ops here.
 */
#ifndef LINTEL_SCHED_CTL_H
#define LINTEL_SCHED_CTL_H

#include <lintel/domain.h>
#include <public/domctl.h>
#include <public/sysctl.h>

/* XEN_DOMCTL_scheduler_op: a domain's credit weight and cap. */
long sched_ctl_domain(struct domain *d, struct xen_domctl_scheduler_op *op);
/* XEN_SYSCTL_scheduler_op: the pool's time slice, rate limit, migration delay. */
long sched_ctl_pool(struct xen_sysctl_scheduler_op *op);
/* XEN_DOMCTL_getvcpuinfo: where a vCPU is and the CPU time it has used. */
long sched_ctl_vcpuinfo(struct vcpu *v, struct xen_domctl_getvcpuinfo *vi);

#endif
