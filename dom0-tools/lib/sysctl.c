/* sysctl: host-wide queries, bounced through hypercall memory. */
#include "xenctl.h"

#include <errno.h>
#include <string.h>

/* The console ring is read in chunks of this size until it runs dry. */
#define CONSOLE_CHUNK (16 * 1024)

int xenctl_sysctl(struct xenctl *ctl, struct xen_sysctl *op)
{
    struct hcall_buffer buf;
    long rc;

    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    rc = hcall_buffer_alloc(ctl, sizeof(*op), &buf);
    if (rc < 0)
        return (int)rc;
    memcpy(buf.addr, op, sizeof(*op));
    rc = xenctl_hypercall(ctl, __HYPERVISOR_sysctl, (uintptr_t)buf.addr, 0, 0, 0, 0);
    memcpy(op, buf.addr, sizeof(*op));
    hcall_buffer_free(&buf);
    return rc < 0 ? (int)rc : 0;
}

int xenctl_physinfo(struct xenctl *ctl, struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    rc = xenctl_sysctl(ctl, &op);
    if (rc == 0)
        *info = op.u.physinfo;
    return rc;
}

int xenctl_sched_id(struct xenctl *ctl, uint32_t *sched_id)
{
    struct xen_sysctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_sched_id;
    rc = xenctl_sysctl(ctl, &op);
    if (rc == 0)
        *sched_id = op.u.sched_id.sched_id;
    return rc;
}

int xenctl_domain_list(struct xenctl *ctl, uint32_t first,
                       struct xen_domctl_getdomaininfo *infos, uint32_t max)
{
    struct xen_sysctl op;
    struct hcall_buffer buf;
    int rc;

    if (max == 0)
        return 0;
    rc = hcall_buffer_alloc(ctl, (size_t)max * sizeof(*infos), &buf);
    if (rc < 0)
        return rc;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.u.getdomaininfolist.first_domain = (domid_t)first;
    op.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer,
                         (xen_domctl_getdomaininfo_t *)buf.addr);
    rc = xenctl_sysctl(ctl, &op);
    if (rc == 0) {
        uint32_t n = op.u.getdomaininfolist.num_domains;

        if (n > max) {
            rc = -EPROTO;
        } else {
            memcpy(infos, buf.addr, (size_t)n * sizeof(*infos));
            rc = (int)n;
        }
    }
    hcall_buffer_free(&buf);
    return rc;
}

int xenctl_read_console(struct xenctl *ctl, bool clear,
                        void (*sink)(void *ctx, const char *text, size_t len),
                        void *ctx)
{
    struct hcall_buffer buf;
    uint32_t index = 0;
    int rc;

    rc = hcall_buffer_alloc(ctl, CONSOLE_CHUNK, &buf);
    if (rc < 0)
        return rc;
    for (;;) {
        struct xen_sysctl op;
        uint32_t got;

        memset(&op, 0, sizeof(op));
        op.cmd = XEN_SYSCTL_readconsole;
        /* Clear rides on every read, so it drops exactly what was read. */
        op.u.readconsole.clear = clear;
        op.u.readconsole.incremental = 1;
        op.u.readconsole.index = index;
        op.u.readconsole.count = CONSOLE_CHUNK;
        set_xen_guest_handle(op.u.readconsole.buffer, (char *)buf.addr);
        rc = xenctl_sysctl(ctl, &op);
        if (rc < 0)
            break;
        got = op.u.readconsole.count;
        if (got > CONSOLE_CHUNK) {
            rc = -EPROTO;
            break;
        }
        if (got)
            sink(ctx, buf.addr, got);
        index = op.u.readconsole.index;
        if (got < CONSOLE_CHUNK)
            break;
    }
    hcall_buffer_free(&buf);
    return rc;
}
