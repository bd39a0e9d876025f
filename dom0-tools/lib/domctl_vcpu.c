/* domctl for vCPUs: count, state, affinity, register context. */
#include "xenctl.h"

#include <string.h>

int xenctl_domain_max_vcpus(struct xenctl *ctl, uint32_t domid, uint32_t max)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_vcpus;
    op.domain = (domid_t)domid;
    op.u.max_vcpus.max = max;
    return xenctl_domctl(ctl, &op);
}

int xenctl_vcpu_getinfo(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                        struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getvcpuinfo;
    op.domain = (domid_t)domid;
    op.u.getvcpuinfo.vcpu = vcpu;
    rc = xenctl_domctl(ctl, &op);
    if (rc == 0)
        *info = op.u.getvcpuinfo;
    return rc;
}

/* Get or set (per CMD) the hard affinity of one vCPU as a CPU bitmap. */
static int vcpu_affinity(struct xenctl *ctl, uint32_t cmd, uint32_t domid,
                         uint32_t vcpu, uint8_t *map, uint32_t nr_bits)
{
    size_t bytes = (nr_bits + 7) / 8;
    struct hcall_buffer buf;
    struct xen_domctl op;
    int rc;

    rc = hcall_buffer_alloc(ctl, bytes, &buf);
    if (rc < 0)
        return rc;
    memcpy(buf.addr, map, bytes);
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = (domid_t)domid;
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    set_xen_guest_handle(op.u.vcpuaffinity.cpumap_hard.bitmap, (uint8_t *)buf.addr);
    op.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
    rc = xenctl_domctl(ctl, &op);
    if (rc == 0)
        memcpy(map, buf.addr, bytes);
    hcall_buffer_free(&buf);
    return rc;
}

int xenctl_vcpu_get_affinity(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                             uint8_t *map, uint32_t nr_bits)
{
    return vcpu_affinity(ctl, XEN_DOMCTL_getvcpuaffinity, domid, vcpu, map, nr_bits);
}

int xenctl_vcpu_set_affinity(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                             uint8_t *map, uint32_t nr_bits)
{
    /* The hypervisor writes back the affinity it actually applied. */
    return vcpu_affinity(ctl, XEN_DOMCTL_setvcpuaffinity, domid, vcpu, map, nr_bits);
}

static int vcpu_context(struct xenctl *ctl, uint32_t cmd, uint32_t domid, uint32_t vcpu,
                        vcpu_guest_context_t *ctxt)
{
    struct hcall_buffer buf;
    struct xen_domctl op;
    int rc;

    rc = hcall_buffer_alloc(ctl, sizeof(*ctxt), &buf);
    if (rc < 0)
        return rc;
    memcpy(buf.addr, ctxt, sizeof(*ctxt));
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = (domid_t)domid;
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (vcpu_guest_context_t *)buf.addr);
    rc = xenctl_domctl(ctl, &op);
    if (rc == 0)
        memcpy(ctxt, buf.addr, sizeof(*ctxt));
    hcall_buffer_free(&buf);
    return rc;
}

int xenctl_vcpu_get_context(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                            vcpu_guest_context_t *ctxt)
{
    return vcpu_context(ctl, XEN_DOMCTL_getvcpucontext, domid, vcpu, ctxt);
}

int xenctl_vcpu_set_context(struct xenctl *ctl, uint32_t domid, uint32_t vcpu,
                            vcpu_guest_context_t *ctxt)
{
    return vcpu_context(ctl, XEN_DOMCTL_setvcpucontext, domid, vcpu, ctxt);
}
