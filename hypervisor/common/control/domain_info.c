/*
 * Pure parts of the toolstack interface: getdomaininfo's record from a
 * domain snapshot and readconsole's index arithmetic.
 * Compiled into the host unit tests (tests/test_control.c).
 */
#include <lintel/control.h>
#include <lintel/lib.h>

static uint32_t domain_flags(const struct domain_snapshot *s)
{
    uint32_t flags = 0;

    /*
     * Blocked means every online vCPU waits for an event; a domain with no
     * online vCPU is neither blocked nor running (Xen 4.17 reports 0).
     */
    if (s->nr_online) {
        if (s->nr_online_blocked == s->nr_online)
            flags |= XEN_DOMINF_blocked;
        if (s->any_running)
            flags |= XEN_DOMINF_running;
    }
    if (s->dying)
        flags |= XEN_DOMINF_dying;
    if (s->paused)
        flags |= XEN_DOMINF_paused;
    if (s->xs_domain)
        flags |= XEN_DOMINF_xs_domain;
    if (s->shut_down)
        flags |= XEN_DOMINF_shutdown |
                 (s->shutdown_code & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
    return flags;
}

void domain_info_pack(const struct domain_snapshot *s,
                      struct xen_domctl_getdomaininfo *out)
{
    memset(out, 0, sizeof(*out));
    out->domain = s->id;
    out->flags = domain_flags(s);
    out->tot_pages = s->tot_pages;
    out->max_pages = s->max_pages;
    out->shared_info_frame = s->shared_info_mfn;
    out->cpu_time = s->cpu_time_ns;
    out->nr_online_vcpus = s->nr_online;
    out->max_vcpu_id = s->nr_vcpus ? s->max_vcpu_id : XEN_INVALID_MAX_VCPU_ID;
    out->ssidref = s->ssidref;
    memcpy(out->handle, s->handle, sizeof(out->handle));
    /* Lintel has one cpupool: 0. */
}

uint64_t readconsole_start(uint32_t index, bool incremental,
                           uint64_t oldest, uint64_t head)
{
    uint32_t behind_head = (uint32_t)head - index;

    if (!incremental)
        return oldest;
    /* The ring is far smaller than 4 GiB, so the distance back from the
     * head identifies the position whatever the wrap of the 32-bit index. */
    if (behind_head < head - oldest)
        return head - behind_head;
    return oldest;
}
