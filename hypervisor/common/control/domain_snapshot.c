/*
 * Reading domains for the toolstack: the snapshot getdomaininfo packs, and
 * the "next existing domain" walk both getdomaininfo and
 * getdomaininfolist use.
 */
#include "control_private.h"

#include <lintel/lib.h>
#include <lintel/vcpu_time.h>
#include <public/vcpu.h>

bool control_caller_privileged(void)
{
    return current_domain()->is_privileged;
}

/*
 * domain.c exports lookup by id only, so walk the ids; the domain list is
 * short and this runs only for the toolstack.
 */
struct domain *control_domain_from(domid_t id)
{
    for (uint32_t i = id; i < DOMID_FIRST_RESERVED; i++) {
        struct domain *d = domain_lookup((domid_t)i);

        if (d)
            return d;
    }
    return NULL;
}

static void add_vcpu(struct domain_snapshot *s, struct vcpu *v)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs);
    s->cpu_time_ns += rs.time[RUNSTATE_running];
    s->nr_vcpus++;
    s->max_vcpu_id = v->id;
    if (!v->online)
        return;
    s->nr_online++;
    if (v->blocked)
        s->nr_online_blocked++;
    /* One pCPU: only the vCPU asking can be on a CPU during this call. */
    if (v == current_vcpu())
        s->any_running = true;
}

void control_domain_info(struct domain *d, struct xen_domctl_getdomaininfo *out)
{
    struct domain_snapshot s = {
        .id = d->id,
        .shut_down = d->state == DOMAIN_SHUTDOWN,
        .shutdown_code = d->shutdown_code,
        .dying = d->state >= DOMAIN_DYING,
        .paused = d->pause_count > 0,
        .tot_pages = d->tot_pages,
        .max_pages = d->max_pages,
        .shared_info_mfn = d->shared_info_mfn,
        .ssidref = d->ssidref,
        .xs_domain = !!(d->create_flags & XEN_DOMCTL_CDF_xs_domain),
    };

    memcpy(s.handle, d->handle, sizeof(s.handle));

    for (unsigned i = 0; i < d->max_vcpus; i++)
        if (d->vcpus[i])
            add_vcpu(&s, d->vcpus[i]);
    domain_info_pack(&s, out);
}
