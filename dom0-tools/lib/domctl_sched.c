/* Credit scheduler parameters of a domain (weight and cap). */
#include "xenctl.h"

#include <string.h>

static int credit_op(struct xenctl *ctl, uint32_t domid, uint32_t cmd,
                     struct xen_domctl_sched_credit *params)
{
    struct xen_domctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_scheduler_op;
    op.domain = (domid_t)domid;
    /* The hypervisor refuses parameters meant for another scheduler. */
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = cmd;
    op.u.scheduler_op.u.credit = *params;
    rc = xenctl_domctl(ctl, &op);
    if (rc == 0)
        *params = op.u.scheduler_op.u.credit;
    return rc;
}

int xenctl_sched_credit_get(struct xenctl *ctl, uint32_t domid,
                            struct xen_domctl_sched_credit *params)
{
    memset(params, 0, sizeof(*params));
    return credit_op(ctl, domid, XEN_DOMCTL_SCHEDOP_getinfo, params);
}

int xenctl_sched_credit_set(struct xenctl *ctl, uint32_t domid,
                            const struct xen_domctl_sched_credit *params)
{
    struct xen_domctl_sched_credit copy = *params;

    return credit_op(ctl, domid, XEN_DOMCTL_SCHEDOP_putinfo, &copy);
}
