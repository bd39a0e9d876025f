/*
 * do_domctl: per-domain control for the toolstack (Xen 4.17's interface).
 * Each sub-op validates its arguments, acts through the owner's functions
 * (domain.c's life cycle, the scheduler's credit parameters) and reports
 * back in the same structure, as Xen does.
 */
#include "control_private.h"

#include <public/errno.h>
#include <lintel/event.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/lib.h>
#include <lintel/sched.h>
#include <lintel/smp.h>
#include <lintel/sched_ctl.h>
#include <lintel/vcpu_time.h>
#include <public/vcpu.h>

/* Guests run on every online pCPU: affinity maps cover them all. */
#define HOST_NR_CPUS nr_online_cpus()

static long domctl_getdomaininfo(struct xen_domctl *op)
{
    /* Xen 4.17 answers for the next existing domain when the id is free;
     * tools walk the domain list this way. */
    struct domain *d = control_domain_from(op->domain);

    if (!d)
        return -XEN_ESRCH;
    control_domain_info(d, &op->u.getdomaininfo);
    op->domain = d->id;
    return 0;
}

static long domctl_pause(struct domain *d)
{
    /* A domain cannot stop itself this way: nobody would be left to
     * unpause it. */
    if (d == current_domain())
        return -XEN_EINVAL;
    domain_pause(d);
    return 0;
}

static long domctl_unpause(struct domain *d)
{
    if (d->pause_count == 0)
        return -XEN_EINVAL;
    domain_unpause(d);
    return 0;
}

static long domctl_destroy(struct domain *d)
{
    struct domain *control = dom0();

    if (d == current_domain() || d->is_privileged)
        return -XEN_EINVAL;
    domain_destroy(d);
    /* As on Xen, the death is announced too: the store then fires
     * @releaseDomain and the tools see the domain gone. */
    if (control && control->state < DOMAIN_SHUTDOWN)
        send_guest_global_virq(control, VIRQ_DOM_EXC);
    return 0;
}

static long domctl_max_mem(struct domain *d, const struct xen_domctl_max_mem *mm)
{
    /* As on Xen, a limit below tot_pages is allowed: the domain may only
     * give memory back until it is under it again. Partial pages round down. */
    d->max_pages = mm->max_memkb >> 2;
    return 0;
}

static struct vcpu *domain_vcpu(struct domain *d, uint32_t id, long *rc)
{
    if (id >= d->max_vcpus) {
        *rc = -XEN_EINVAL;
        return NULL;
    }
    if (!d->vcpus[id])
        *rc = -XEN_ESRCH;
    return d->vcpus[id];
}

static long domctl_getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    long rc = 0;
    struct vcpu *v = domain_vcpu(d, vi->vcpu, &rc);

    return v ? sched_ctl_vcpuinfo(v, vi) : rc;
}

/* Writes mask (bit n = pCPU n) as a map sized by the caller's nr_bits. */
static long put_cpu_map(const struct xenctl_bitmap *map, uint64_t mask)
{
    uint8_t bytes[32] = { 0 };
    uint32_t len = (map->nr_bits + 7) / 8;
    uint64_t dst = (uint64_t)(uintptr_t)map->bitmap.p;

    for (unsigned cpu = 0; cpu < HOST_NR_CPUS && cpu < 64; cpu++)
        if (mask & (1ULL << cpu))
            bytes[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
    for (uint32_t off = 0; off < len; off += sizeof(bytes)) {
        uint32_t n = MIN((uint32_t)sizeof(bytes), len - off);

        if (copy_to_guest(dst + off, bytes, n))
            return -XEN_EFAULT;
        memset(bytes, 0, sizeof(bytes));
    }
    return 0;
}

static long domctl_getvcpuaffinity(struct domain *d, struct xen_domctl_vcpuaffinity *va)
{
    long rc = 0;
    struct vcpu *v = domain_vcpu(d, va->vcpu, &rc);

    if (!v)
        return rc;
    if (!(va->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -XEN_EINVAL;
    if ((va->flags & XEN_VCPUAFFINITY_HARD) &&
        (rc = put_cpu_map(&va->cpumap_hard, v->affinity_hard)))
        return rc;
    if ((va->flags & XEN_VCPUAFFINITY_SOFT) &&
        (rc = put_cpu_map(&va->cpumap_soft, v->affinity_soft)))
        return rc;
    return 0;
}

static long domctl_setvcpuaffinity_back(struct domain *d, struct xen_domctl_vcpuaffinity *va)
{
    long rc = domctl_setvcpuaffinity(d, va, HOST_NR_CPUS);

    /* Xen hands back what now applies: the new maps as far as CPUs exist. */
    return rc ? rc : domctl_getvcpuaffinity(d, va);
}

static long domctl_address_size(struct xen_domctl *op)
{
    if (op->cmd == XEN_DOMCTL_get_address_size) {
        op->u.address_size.size = 64;
        return 0;
    }
    /* Lintel runs 64-bit PV guests only. */
    return op->u.address_size.size == 64 ? 0 : -XEN_EINVAL;
}

static long domctl_on_domain(struct xen_domctl *op, struct domain *d, bool *copy_on_error)
{
    switch (op->cmd) {
    case XEN_DOMCTL_pausedomain:
        return domctl_pause(d);
    case XEN_DOMCTL_unpausedomain:
        return domctl_unpause(d);
    case XEN_DOMCTL_destroydomain:
        return domctl_destroy(d);
    case XEN_DOMCTL_max_mem:
        return domctl_max_mem(d, &op->u.max_mem);
    case XEN_DOMCTL_getvcpuinfo:
        return domctl_getvcpuinfo(d, &op->u.getvcpuinfo);
    case XEN_DOMCTL_getvcpuaffinity:
        return domctl_getvcpuaffinity(d, &op->u.vcpuaffinity);
    case XEN_DOMCTL_scheduler_op:
        return sched_ctl_domain(d, &op->u.scheduler_op);
    case XEN_DOMCTL_set_address_size:
    case XEN_DOMCTL_get_address_size:
        return domctl_address_size(op);
    case XEN_DOMCTL_setvcpuaffinity:
        return domctl_setvcpuaffinity_back(d, &op->u.vcpuaffinity);
    case XEN_DOMCTL_max_vcpus:
        return domctl_max_vcpus(d, &op->u.max_vcpus);
    case XEN_DOMCTL_setvcpucontext:
        return domctl_setvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_getvcpucontext:
        return domctl_getvcpucontext(d, &op->u.vcpucontext);
    case XEN_DOMCTL_hypercall_init:
        return domctl_hypercall_init(d, &op->u.hypercall_init);
    case XEN_DOMCTL_settimeoffset:
        return domctl_settimeoffset(d, &op->u.settimeoffset);
    case XEN_DOMCTL_setdomainhandle:
        return domctl_setdomainhandle(d, &op->u.setdomainhandle);
    case XEN_DOMCTL_setnodeaffinity:
        return domctl_setnodeaffinity(d, &op->u.nodeaffinity);
    case XEN_DOMCTL_getnodeaffinity:
        return domctl_getnodeaffinity(d, &op->u.nodeaffinity);
    case XEN_DOMCTL_settscinfo:
        return domctl_settscinfo(d, &op->u.tsc_info);
    case XEN_DOMCTL_gettscinfo:
        return domctl_gettscinfo(d, &op->u.tsc_info);
    case XEN_DOMCTL_get_cpu_policy:
        return domctl_get_cpu_policy(d, &op->u.cpu_policy);
    case XEN_DOMCTL_set_cpu_policy:
        return domctl_set_cpu_policy(d, &op->u.cpu_policy, copy_on_error);
    default:
        return -XEN_ENOSYS;
    }
}

static long domctl_dispatch(struct xen_domctl *op, bool *copy_on_error)
{
    struct domain *d;

    if (op->cmd == XEN_DOMCTL_getdomaininfo)
        return domctl_getdomaininfo(op);
    if (op->cmd == XEN_DOMCTL_createdomain)
        return domctl_createdomain(op);
    d = domain_lookup(op->domain);
    if (!d)
        return -XEN_ESRCH;
    return domctl_on_domain(op, d, copy_on_error);
}

HYPERCALL_HANDLER(do_domctl)
{
    struct xen_domctl op;
    bool copy_on_error = false;
    long rc;

    (void)a2; (void)a3; (void)a4; (void)a5;
    /* Xen's order: the structure, then its version, then the caller's right. */
    if (copy_from_guest(&op, a1, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!control_caller_privileged())
        return -XEN_EPERM;
    rc = domctl_dispatch(&op, &copy_on_error);
    /* Outputs travel back in the same structure, as on Xen. */
    if ((rc == 0 || copy_on_error) && copy_to_guest(a1, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
