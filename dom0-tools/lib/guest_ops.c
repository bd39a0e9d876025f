/* Small hypercalls the domain builder makes on the new guest's behalf. */
#include <string.h>

#include "xenctl.h"
#include "public/event_channel.h"

int xenctl_evtchn_alloc_unbound(struct xenctl *ctl, uint32_t domid, uint32_t remote,
                                uint32_t *port)
{
    struct hcall_buffer buf;
    struct evtchn_alloc_unbound *op;
    long rc;

    if ((rc = hcall_buffer_alloc(ctl, sizeof(*op), &buf)) < 0)
        return (int)rc;
    op = buf.addr;
    op->dom = (domid_t)domid;
    op->remote_dom = (domid_t)remote;
    rc = xenctl_hypercall(ctl, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                          (uintptr_t)op, 0, 0, 0);
    if (rc == 0)
        *port = op->port;
    hcall_buffer_free(&buf);
    return (int)rc;
}

int xenctl_pin_l4(struct xenctl *ctl, uint32_t domid, xen_pfn_t mfn)
{
    struct hcall_buffer buf;
    struct mmuext_op *op;
    long rc;

    if ((rc = hcall_buffer_alloc(ctl, sizeof(*op), &buf)) < 0)
        return (int)rc;
    op = buf.addr;
    op->cmd = MMUEXT_PIN_L4_TABLE;
    op->arg1.mfn = mfn;
    /* The fourth argument names the domain whose table this is. */
    rc = xenctl_hypercall(ctl, __HYPERVISOR_mmuext_op, (uintptr_t)op, 1, 0, domid, 0);
    hcall_buffer_free(&buf);
    return (int)rc;
}

int xenctl_hypercall_init(struct xenctl *ctl, uint32_t domid, xen_pfn_t mfn)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_hypercall_init;
    op.domain = (domid_t)domid;
    op.u.hypercall_init.gmfn = mfn;
    return xenctl_domctl(ctl, &op);
}
