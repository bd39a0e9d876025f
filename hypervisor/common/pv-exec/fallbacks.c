/*
 * Weak stand-ins for functions other areas own, so PV guests can be built
 * and run before those areas link (each real definition replaces these at
 * link time). They do the minimum honestly and say so at boot:
 *   - memory (PV-MM): frames are charged to the domain and the hypervisor
 *     slots copied into guest L4s, but page tables are NOT validated and
 *     there is no M2P table: pv_mm_fallback_warn() prints that.
 *   - events (PV-EVENTS): no event-channel state; VIRQs are dropped.
 *   - vCPU time/runstate ops: -ENOSYS.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/frame.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <lintel/x86.h>

#define HV_L4_FIRST 256
#define HV_L4_LAST  271

static bool mm_fallback_used;

__attribute__((weak)) void pv_mm_init(void)
{
    mm_fallback_used = true;
}

__attribute__((weak)) void m2p_set(mfn_t mfn, uint64_t pfn)
{
    (void)mfn, (void)pfn;
}

__attribute__((weak)) uint64_t m2p_get(mfn_t mfn)
{
    (void)mfn;
    return UINT64_MAX;
}

__attribute__((weak)) mfn_t domain_alloc_page(struct domain *d)
{
    void *page;
    mfn_t mfn;

    if (d->tot_pages >= d->max_pages)
        return INVALID_MFN;
    page = alloc_xen_pages(0);
    if (!page)
        return INVALID_MFN;
    mfn = virt_to_phys(page) >> PAGE_SHIFT;
    mfn_to_page(mfn)->owner = d->id;
    mfn_to_page(mfn)->type = FRAME_TYPE_WRITABLE;
    d->tot_pages++;
    return mfn;
}

__attribute__((weak)) void domain_release_memory(struct domain *d)
{
    (void)d;
}

__attribute__((weak)) void pv_install_hv_slots(uint64_t *l4)
{
    const uint64_t *hv = phys_to_virt(read_cr3() & PAGE_MASK);

    for (unsigned i = HV_L4_FIRST; i <= HV_L4_LAST; i++)
        l4[i] = hv[i];
}

__attribute__((weak)) int pv_pin_table(struct domain *d, mfn_t mfn, unsigned level)
{
    (void)d, (void)mfn, (void)level;
    return 0;
}

__attribute__((weak)) int pv_set_root(struct vcpu *v, mfn_t l4_mfn, bool user)
{
    if (user)
        v->pv.user_root = l4_mfn;
    else
        v->pv.kernel_root = l4_mfn;
    return 0;
}

static bool owned_by(mfn_t mfn, const struct domain *d)
{
    struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == FRAME_IN_USE && pg->owner == d->id;
}

__attribute__((weak)) bool get_page(mfn_t mfn, struct domain *d)
{
    return owned_by(mfn, d);
}

__attribute__((weak)) void put_page(mfn_t mfn)
{
    (void)mfn;
}

__attribute__((weak)) int get_page_type(mfn_t mfn, struct domain *d, unsigned type)
{
    (void)type;
    return owned_by(mfn, d) ? 0 : -EINVAL;
}

__attribute__((weak)) void put_page_type(mfn_t mfn)
{
    (void)mfn;
}

__attribute__((weak)) int pv_mm_pt_write(struct domain *d, uint64_t maddr, uint64_t val)
{
    (void)d, (void)maddr, (void)val;
    return -ENOSYS;
}

void pv_mm_fallback_warn(void)
{
    if (mm_fallback_used)
        pr_warn("pv: WARNING: the PV memory manager is not linked: guest page tables "
                "are not validated and there is no M2P table\n");
}

__attribute__((weak)) int evtchn_init_domain(struct domain *d)
{
    (void)d;
    return 0;
}

__attribute__((weak)) void evtchn_destroy_domain(struct domain *d)
{
    (void)d;
}

__attribute__((weak)) void send_guest_vcpu_virq(struct vcpu *v, unsigned virq)
{
    (void)v, (void)virq;
}

__attribute__((weak)) void send_guest_global_virq(struct domain *d, unsigned virq)
{
    (void)d, (void)virq;
}

__attribute__((weak)) void vcpu_kick(struct vcpu *v)
{
    (void)v;
}

__attribute__((weak)) long vcpu_time_op(struct vcpu *v, unsigned cmd, uint64_t arg)
{
    (void)v, (void)cmd, (void)arg;
    return -ENOSYS;
}
