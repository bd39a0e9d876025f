/*
 * vcpu_op: vCPU state (is_up, up, down, initialise, register_vcpu_info).
 * Timer and runstate sub-ops belong to the time code (PV-EVENTS) and go
 * to vcpu_time_op().
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/sched.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#ifndef ENXIO
#define ENXIO 6
#endif

static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *old = v->pv.vcpu_info, *new;
    struct domain *d = v->domain;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    /* The structure may not cross the end of the page (Xen: -ENXIO). */
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info))
        return -ENXIO;
    if (v->pv.vcpu_info_mfn != d->shared_info_mfn)
        return -EINVAL;     /* it moves once */
    if (!get_page(r.mfn, d))
        return -EINVAL;
    /* Held while registered: the page stays ours and never becomes a table. */
    if (get_page_type(r.mfn, d, FRAME_TYPE_WRITABLE)) {
        put_page(r.mfn);
        return -EINVAL;
    }
    new = (struct vcpu_info *)((uint8_t *)phys_to_virt(r.mfn << PAGE_SHIFT) + r.offset);
    if (old)
        memcpy(new, old, sizeof(*new));
    else
        memset(new, 0, sizeof(*new));
    /* Everything looks pending once, so no event is lost in the move. */
    new->evtchn_upcall_pending = 1;
    new->evtchn_pending_sel = ~0UL;
    v->pv.vcpu_info = new;
    v->pv.vcpu_info_mfn = r.mfn;
    return 0;
}

static long vcpu_up(struct vcpu *v)
{
    if (!v->pv.initialised)
        return -EINVAL;
    if (!v->online) {
        v->online = true;
        if (vcpu_runnable(v))
            sched_wake(v);
    }
    return 0;
}

/* Taking the last online vCPU down powers the domain off, as on Xen. */
static long vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool other_online = false;

    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i] && d->vcpus[i] != v && d->vcpus[i]->online)
            other_online = true;
    if (!other_online) {
        domain_shutdown(d, SHUTDOWN_poweroff);
        return 0;
    }
    if (v->online) {
        v->online = false;
        sched_sleep(v);
    }
    return 0;
}

static long vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    struct vcpu_guest_context *c = xmalloc(sizeof(*c));
    long rc;

    if (!c)
        return -ENOMEM;
    if (copy_from_guest(c, arg, sizeof(*c)))
        rc = -EFAULT;
    else if (v->pv.initialised)
        rc = -EEXIST;
    else
        rc = pv_vcpu_load_context(v, c);
    xfree(c);
    return rc;
}

HYPERCALL_HANDLER(do_vcpu_op)
{
    struct domain *d = current_domain();
    struct vcpu *v;

    (void)a4, (void)a5;
    if (a2 >= d->max_vcpus || !d->vcpus[a2])
        return -ENOENT;
    v = d->vcpus[a2];
    switch (a1) {
    case VCPUOP_is_up:
        return v->online;
    case VCPUOP_up:
        return vcpu_up(v);
    case VCPUOP_down:
        return vcpu_down(v);
    case VCPUOP_initialise:
        return vcpu_initialise(v, a3);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, a3);
    case VCPUOP_get_physid:
        return -EINVAL;
    case VCPUOP_send_nmi:
        return -ENOSYS;
    case VCPUOP_get_runstate_info:
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
    case VCPUOP_register_vcpu_time_memory_area:
        return vcpu_time_op(v, (unsigned)a1, a3);
    default:
        return -ENOSYS;
    }
}
