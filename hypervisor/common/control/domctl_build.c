/*
 * The domctls a toolstack uses to build a PV domain (Xen 4.17's
 * interface): createdomain, max_vcpus, setvcpucontext, hypercall_init,
 * settimeoffset, setdomainhandle and setvcpuaffinity. The request rules
 * are pure (domain_create_rules.c); this file applies them to the domain
 * through the owners' functions: domain.c for the life cycle, the grant
 * table for its limits, arch/x86_64/pv/ for the vCPU context.
 */
#include "control_private.h"

#include <lintel/domctl_rules.h>
#include <lintel/grant_table.h>
#include <lintel/guest_access.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/sched.h>
#include <public/errno.h>

/* The last id handed out: ids are not reused at once, as on Xen. */
static uint16_t domid_rover;

static bool domid_is_free(uint16_t id, void *ctx)
{
    (void)ctx;
    return !domain_lookup(id);
}

long domctl_createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    unsigned frames, maptrack;
    struct domain *d;
    uint16_t id;
    long rc;

    /* Xen settles the id first, then looks at the request. */
    if ((rc = domid_choose(op->domain, &domid_rover, domid_is_free, NULL, &id)))
        return rc;
    if ((rc = createdomain_check(c, DOMAIN_MAX_VCPUS)))
        return rc;
    if ((rc = createdomain_grant_limits(c, GRANT_DEFAULT_MAX_FRAMES,
                                        GRANT_DEFAULT_MAX_MAPTRACK_FRAMES, &frames, &maptrack)))
        return rc;
    d = domain_create_guest(id, c->max_vcpus, c->max_evtchn_port);
    if (!d)
        return -XEN_ENOMEM;
    if ((rc = grant_table_set_limits(d, frames, maptrack)) ||
        (rc = grant_table_set_max_version(d, c->grant_opts & XEN_DOMCTL_GRANT_version_mask))) {
        domain_destroy(d);
        return rc;
    }
    memcpy(d->handle, c->handle, sizeof(d->handle));
    d->ssidref = c->ssidref;
    /* A PV domain never has out-of-sync shadows: Xen reports the flag set. */
    c->flags |= XEN_DOMCTL_CDF_oos_off;
    d->create_flags = c->flags;
    op->domain = id;
    return 0;
}

/* createdomain fixed the count; this makes the vCPU structures exist. */
long domctl_max_vcpus(struct domain *d, const struct xen_domctl_max_vcpus *mv)
{
    long rc;

    if (d == current_domain() || mv->max != d->max_vcpus)
        return -XEN_EINVAL;
    domain_pause(d);
    rc = domain_create_vcpus(d, mv->max);
    domain_unpause(d);
    return rc ? -XEN_ENOMEM : 0;
}

long domctl_setvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc)
{
    uint64_t from = (uint64_t)(uintptr_t)vc->ctxt.p;
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    if (d == current_domain() || vc->vcpu >= d->max_vcpus || !(v = d->vcpus[vc->vcpu]))
        return -XEN_EINVAL;
    /* Lintel cannot reset a vCPU that ran (Xen's null-context form). */
    if (!from)
        return -XEN_EOPNOTSUPP;
    if (v->pv.initialised)
        return -XEN_EEXIST;
    c = xmalloc(sizeof(*c));
    if (!c)
        return -XEN_ENOMEM;
    if (copy_from_guest(c, from, sizeof(*c))) {
        xfree(c);
        return -XEN_EFAULT;
    }
    domain_pause(d);
    rc = pv_vcpu_load_context(v, c);
    if (rc == 0)
        v->online = !!(c->flags & VGCF_online);
    domain_unpause(d);
    xfree(c);
    return rc;
}

/* The guest frame must be an ordinary page of the domain: never a table. */
long domctl_hypercall_init(struct domain *d, const struct xen_domctl_hypercall_init *hi)
{
    mfn_t mfn = hi->gmfn;

    if (!get_page(mfn, d))
        return -XEN_EINVAL;
    if (get_page_type(mfn, d, FRAME_TYPE_WRITABLE)) {
        put_page(mfn);
        return -XEN_EINVAL;
    }
    pv_write_hypercall_page(phys_to_virt(mfn << PAGE_SHIFT));
    put_page_type(mfn);
    put_page(mfn);
    return 0;
}

long domctl_settimeoffset(struct domain *d, const struct xen_domctl_settimeoffset *to)
{
    d->time_offset_seconds = to->time_offset_seconds;
    return 0;
}

long domctl_setdomainhandle(struct domain *d, const struct xen_domctl_setdomainhandle *h)
{
    memcpy(d->handle, h->handle, sizeof(d->handle));
    return 0;
}

/* Enough of a map to cover every pCPU Lintel can schedule on. */
static long read_cpumap(const struct xenctl_bitmap *map, uint64_t *mask)
{
    uint8_t bytes[CPUMAP_MASK_BYTES] = { 0 };
    uint32_t len = MIN((map->nr_bits + 7) / 8, (uint32_t)sizeof(bytes));

    if (len && copy_from_guest(bytes, (uint64_t)(uintptr_t)map->bitmap.p, len))
        return -XEN_EFAULT;
    *mask = cpumap_to_mask(bytes, map->nr_bits);
    return 0;
}

long domctl_setvcpuaffinity(struct domain *d, struct xen_domctl_vcpuaffinity *va,
                            unsigned nr_cpus)
{
    uint64_t hard = 0, soft = 0, online = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
    struct vcpu *v;
    long rc;

    if (va->vcpu >= d->max_vcpus)
        return -XEN_EINVAL;
    if (!(v = d->vcpus[va->vcpu]))
        return -XEN_ESRCH;
    if (!(va->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -XEN_EINVAL;
    if ((va->flags & XEN_VCPUAFFINITY_HARD) && (rc = read_cpumap(&va->cpumap_hard, &hard)))
        return rc;
    if ((va->flags & XEN_VCPUAFFINITY_SOFT) && (rc = read_cpumap(&va->cpumap_soft, &soft)))
        return rc;
    /* A vCPU pinned to no CPU that exists could never run: Xen refuses it. */
    if ((va->flags & XEN_VCPUAFFINITY_HARD) && !(hard & online))
        return -XEN_EINVAL;
    if (va->flags & XEN_VCPUAFFINITY_HARD)
        v->affinity_hard = hard;
    if (va->flags & XEN_VCPUAFFINITY_SOFT)
        v->affinity_soft = soft;
    sched_affinity_changed(v);
    return 0;
}
