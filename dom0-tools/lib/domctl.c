/* domctl: per-domain control operations, bounced through hypercall memory. */
#include "xenctl.h"

#include <errno.h>
#include <string.h>

int xenctl_domctl(struct xenctl *ctl, struct xen_domctl *op)
{
    struct hcall_buffer buf;
    long rc;

    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    rc = hcall_buffer_alloc(ctl, sizeof(*op), &buf);
    if (rc < 0)
        return (int)rc;
    memcpy(buf.addr, op, sizeof(*op));
    rc = xenctl_hypercall(ctl, __HYPERVISOR_domctl, (uintptr_t)buf.addr, 0, 0, 0, 0);
    /* Outputs come back in the same structure, also on most failures. */
    memcpy(op, buf.addr, sizeof(*op));
    hcall_buffer_free(&buf);
    return rc < 0 ? (int)rc : 0;
}

static int simple_domctl(struct xenctl *ctl, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = (domid_t)domid;
    return xenctl_domctl(ctl, &op);
}

int xenctl_domain_getinfo(struct xenctl *ctl, uint32_t domid,
                          struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = (domid_t)domid;
    rc = xenctl_domctl(ctl, &op);
    if (rc < 0)
        return rc;
    /* Xen 4.17 answers with the next existing domain when DOMID is gone. */
    if (op.u.getdomaininfo.domain != domid)
        return -ESRCH;
    *info = op.u.getdomaininfo;
    return 0;
}

int xenctl_domain_pause(struct xenctl *ctl, uint32_t domid)
{
    return simple_domctl(ctl, XEN_DOMCTL_pausedomain, domid);
}

int xenctl_domain_unpause(struct xenctl *ctl, uint32_t domid)
{
    return simple_domctl(ctl, XEN_DOMCTL_unpausedomain, domid);
}

int xenctl_domain_destroy(struct xenctl *ctl, uint32_t domid)
{
    int rc;

    /* Tearing down a big domain is preemptible: the hypervisor asks again. */
    do {
        rc = simple_domctl(ctl, XEN_DOMCTL_destroydomain, domid);
    } while (rc == -EAGAIN);
    return rc;
}

int xenctl_domain_max_mem(struct xenctl *ctl, uint32_t domid, uint64_t max_kib)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = (domid_t)domid;
    op.u.max_mem.max_memkb = max_kib;
    return xenctl_domctl(ctl, &op);
}
