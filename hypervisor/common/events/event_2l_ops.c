/*
 * The 2-level ABI plugged into the event-channel code: the pure bit
 * protocol (event_2l.c) over the domain's shared_info and the notified
 * vCPU's vcpu_info, wherever VCPUOP_register_vcpu_info put it.
 */
#include "evtchn_abi.h"

#include <lintel/event_2l.h>
#include <lintel/pv_exec.h>
#include <public/xen.h>

/*
 * A vCPU above the legacy 32 has no vcpu_info until it registers one: the
 * port is still marked pending, the selector and upcall go to a scratch
 * copy nobody reads, as on Xen.
 */
static vcpu_info_t *info_of(struct vcpu *v, vcpu_info_t *scratch)
{
    vcpu_info_t *vi = v ? pv_vcpu_info(v) : NULL;

    if (vi)
        return vi;
    *scratch = (vcpu_info_t){ 0 };
    return scratch;
}

static bool set_pending_2l(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority)
{
    vcpu_info_t scratch;
    vcpu_info_t *vi = info_of(v, &scratch);

    (void)priority;
    return evtchn_2l_set_pending(d->shared_info, vi, port) && vi != &scratch;
}

static bool unmask_2l(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority)
{
    vcpu_info_t scratch;
    vcpu_info_t *vi = info_of(v, &scratch);

    (void)priority;
    return evtchn_2l_unmask(d->shared_info, vi, port) && vi != &scratch;
}

static void clear_pending_2l(struct domain *d, uint32_t port)
{
    evtchn_2l_clear_pending(d->shared_info, port);
}

static bool is_pending_2l(struct domain *d, uint32_t port)
{
    return evtchn_2l_is_pending(d->shared_info, port);
}

static bool is_masked_2l(struct domain *d, uint32_t port)
{
    return evtchn_2l_is_masked(d->shared_info, port);
}

const struct evtchn_abi_ops evtchn_2l_ops = {
    .name = "2-level",
    .set_pending = set_pending_2l,
    .unmask = unmask_2l,
    .clear_pending = clear_pending_2l,
    .is_pending = is_pending_2l,
    .is_masked = is_masked_2l,
};
