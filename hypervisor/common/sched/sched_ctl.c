/*
 * The toolstack's scheduler controls, with Xen 4.17's credit scheduler's
 * answers and errors (see sched_ctl.h): a parameter block for another
 * scheduler, or a sub-op credit does not have, is -EINVAL; putinfo leaves a
 * weight of 0 and a cap of 0xffff as they are. Lintel has one cpupool (0).
 */
#include <lintel/sched_ctl.h>

#include <lintel/sched.h>
#include <lintel/vcpu_time.h>
#include <public/errno.h>
#include <public/vcpu.h>

/* Xen's credit shows a rate limit and a migration delay; Lintel keeps
 * neither (one shared run queue, a vCPU switches only at a decision), so
 * they are remembered for the tools and change nothing. */
static uint32_t ratelimit_us = 1000;
static uint32_t migr_delay_us;

long sched_ctl_domain(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    unsigned weight, cap;
    long rc;

    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    if (op->cmd != XEN_DOMCTL_SCHEDOP_getinfo && op->cmd != XEN_DOMCTL_SCHEDOP_putinfo)
        return -XEN_EINVAL;
    rc = sched_get_credit(d, &weight, &cap);
    if (rc)
        return rc;
    if (op->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
        op->u.credit.weight = (uint16_t)weight;
        op->u.credit.cap = (uint16_t)cap;
        return 0;
    }
    if (op->u.credit.weight)
        weight = op->u.credit.weight;
    if (op->u.credit.cap != (uint16_t)~0u)
        cap = op->u.credit.cap;
    return sched_set_credit(d, weight, cap);
}

static bool pool_params_valid(const struct xen_sysctl_credit_schedule *p)
{
    if (p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN || p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX)
        return false;
    if (p->ratelimit_us && (p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
                            p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX))
        return false;
    /* A rate limit longer than the slice could never be honoured. */
    if ((uint64_t)p->ratelimit_us > (uint64_t)p->tslice_ms * 1000)
        return false;
    return p->vcpu_migr_delay_us <= XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US;
}

long sched_ctl_pool(struct xen_sysctl_scheduler_op *op)
{
    struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;

    if (op->cmd != XEN_SYSCTL_SCHEDOP_putinfo && op->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return -XEN_EINVAL;
    if (op->cpupool_id != 0)
        return -XEN_ESRCH;
    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    if (op->cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
        if (!pool_params_valid(p))
            return -XEN_EINVAL;
        sched_set_tslice((uint64_t)p->tslice_ms * 1000000);
        ratelimit_us = p->ratelimit_us;
        migr_delay_us = p->vcpu_migr_delay_us;
    }
    p->tslice_ms = (uint32_t)(sched_get_tslice() / 1000000);
    p->ratelimit_us = ratelimit_us;
    p->vcpu_migr_delay_us = migr_delay_us;
    return 0;
}

long sched_ctl_vcpuinfo(struct vcpu *v, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs);
    vi->online = v->online;
    vi->blocked = v->blocked;
    /* On any pCPU, not only the caller's. */
    vi->running = vcpu_is_running(v);
    vi->cpu_time = rs.time[RUNSTATE_running];
    vi->cpu = v->processor < 0 ? 0 : (uint32_t)v->processor;
    return 0;
}
