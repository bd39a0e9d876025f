/* Small hypercalls the domain builder makes on the new guest's behalf. */
#include <errno.h>
#include <string.h>

#include "xenctl.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/memory.h"

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

int xenctl_grant_frame0(struct xenctl *ctl, uint32_t domid, xen_pfn_t *mfn)
{
    struct {
        struct gnttab_setup_table op;
        xen_pfn_t frame;
    } *call;
    struct hcall_buffer buf;
    long rc;

    if ((rc = hcall_buffer_alloc(ctl, sizeof(*call), &buf)) < 0)
        return (int)rc;
    call = buf.addr;
    call->op.dom = (domid_t)domid;
    call->op.nr_frames = 1;
    set_xen_guest_handle(call->op.frame_list, &call->frame);
    rc = xenctl_hypercall(ctl, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                          (uintptr_t)&call->op, 1, 0, 0);
    /* The hypercall succeeds and the operation's own status says why not. */
    if (rc == 0 && call->op.status != GNTST_okay)
        rc = call->op.status == GNTST_permission_denied ? -EPERM
             : call->op.status == GNTST_bad_domain ? -ESRCH : -EINVAL;
    if (rc == 0)
        *mfn = call->frame;
    hcall_buffer_free(&buf);
    return (int)rc;
}

int xenctl_set_memory_map(struct xenctl *ctl, uint32_t domid, const void *entries,
                          unsigned nr, size_t entry_size)
{
    struct xen_foreign_memory_map *fmap;
    struct hcall_buffer buf;
    long rc;

    if ((rc = hcall_buffer_alloc(ctl, sizeof(*fmap) + nr * entry_size, &buf)) < 0)
        return (int)rc;
    fmap = buf.addr;
    fmap->domid = (domid_t)domid;
    fmap->map.nr_entries = nr;
    memcpy(fmap + 1, entries, nr * entry_size);
    set_xen_guest_handle(fmap->map.buffer, (void *)(fmap + 1));
    rc = xenctl_hypercall(ctl, __HYPERVISOR_memory_op, XENMEM_set_memory_map,
                          (uintptr_t)fmap, 0, 0, 0);
    hcall_buffer_free(&buf);
    return (int)rc;
}
