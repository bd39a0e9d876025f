/* domctl for creating a PV domain and the settings fixed at build time. */
#include "xenctl.h"

#include <string.h>

/* Limits a PV guest gets unless the config says otherwise, as xl's defaults. */
#define PV_MAX_EVTCHN_PORT    1023
#define PV_GRANT_VERSION      1

int xenctl_domain_create(struct xenctl *ctl, const uint8_t uuid[16], uint32_t max_vcpus,
                         uint32_t *domid)
{
    struct xen_domctl op;
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    /* 0 asks the hypervisor to choose the id. */
    op.domain = 0;
    memcpy(op.u.createdomain.handle, uuid, 16);
    op.u.createdomain.flags = 0;    /* PV: no HVM, no HAP */
    op.u.createdomain.max_vcpus = max_vcpus;
    op.u.createdomain.max_evtchn_port = PV_MAX_EVTCHN_PORT;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(PV_GRANT_VERSION);
    op.u.createdomain.arch.emulation_flags = 0;
    rc = xenctl_domctl(ctl, &op);
    if (rc == 0)
        *domid = op.domain;
    return rc;
}

int xenctl_domain_set_time_offset(struct xenctl *ctl, uint32_t domid, int64_t seconds)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_settimeoffset;
    op.domain = (domid_t)domid;
    op.u.settimeoffset.time_offset_seconds = seconds;
    return xenctl_domctl(ctl, &op);
}

int xenctl_domain_set_address_size(struct xenctl *ctl, uint32_t domid, uint32_t bits)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_set_address_size;
    op.domain = (domid_t)domid;
    op.u.address_size.size = bits;
    return xenctl_domctl(ctl, &op);
}
