/*
 * Domain memory and the ring-0 side of page types: frames charged to a
 * domain (within max_pages), the general and type references the page
 * tables take on them, pins and the vCPU roots. The rules themselves are
 * the pure state machine's (common/memory/page_type.c); this file gives
 * it the real frame table, the direct map and the allocator.
 */
#include <lintel/errno.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/memory_claims.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <lintel/pv_mm.h>
#include <lintel/smp.h>
#include <lintel/softirq.h>
#include <lintel/x86.h>
#include <public/errno.h>
#include <public/xen.h>

#include "pv_mm_internal.h"

/* A frame of domain memory (not a hypervisor page lent to a guest). */
#define FRAME_FLAG_DOMAIN_PAGE 0x10
#define MAX_MEMORY_DOMAINS     64
#define CR4_PGE                (1ULL << 7)

spinlock_t pv_mm_lock = SPINLOCK_INIT;

/* Domains that own memory, so a frame released by someone else's put
 * (a foreign mapping going away) is taken off the right domain's list. */
static struct domain *memory_domains[MAX_MEMORY_DOMAINS];
static bool stale_tlb_entries;
static struct claim_books claims;

static struct domain *memory_domain(uint16_t id)
{
    for (unsigned i = 0; i < MAX_MEMORY_DOMAINS; i++)
        if (memory_domains[i] && memory_domains[i]->id == id)
            return memory_domains[i];
    return NULL;
}

static bool register_memory_domain(struct domain *d)
{
    if (memory_domain(d->id) == d)
        return true;
    for (unsigned i = 0; i < MAX_MEMORY_DOMAINS; i++) {
        if (!memory_domains[i]) {
            memory_domains[i] = d;
            return true;
        }
    }
    return false;
}

static void unregister_memory_domain(struct domain *d)
{
    for (unsigned i = 0; i < MAX_MEMORY_DOMAINS; i++)
        if (memory_domains[i] == d)
            memory_domains[i] = NULL;
}

static void page_list_add(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    pg->prev = FRAME_LINK_NONE;
    pg->next = d->page_list_head;
    if (d->page_list_head != FRAME_LINK_NONE)
        mfn_to_page(d->page_list_head)->prev = (uint32_t)mfn;
    d->page_list_head = (uint32_t)mfn;
}

static void page_list_remove(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (pg->prev != FRAME_LINK_NONE)
        mfn_to_page(pg->prev)->next = pg->next;
    else if (d->page_list_head == mfn)
        d->page_list_head = pg->next;
    if (pg->next != FRAME_LINK_NONE)
        mfn_to_page(pg->next)->prev = pg->prev;
    pg->next = pg->prev = FRAME_LINK_NONE;
}

void pv_flush_tlb_local(void)
{
    uint64_t cr4 = read_cr4();

    /* Toggling PGE also drops global entries, which a CR3 load keeps. */
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
    stale_tlb_entries = false;
}

void pv_invlpg_local(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static uint64_t *frame_entries(void *opaque, uint64_t mfn)
{
    (void)opaque;
    return phys_to_virt(mfn << PAGE_SHIFT);
}

static void frame_released(void *opaque, uint64_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    struct domain *d;

    (void)opaque;
    if (!(pg->flags & FRAME_FLAG_DOMAIN_PAGE))
        return;     /* a lent hypervisor page: its lender frees it */
    d = memory_domain(pg->owner);
    if (d) {
        page_list_remove(d, mfn);
        d->tot_pages--;
    } else {
        pr_debug("pv-mm: mfn %#lx of a destroyed domain freed\n", (unsigned long)mfn);
    }
    m2p_set(mfn, ~0ULL);
    pg->flags = 0;
    pg->owner = FRAME_OWNER_XEN;
    pg->type = FRAME_TYPE_HYPERVISOR;
    /* The allocator may hand it to the hypervisor itself next: no stale
     * guest TLB entry may survive that, on any pCPU. */
    pv_flush_tlb_local();
    flush_tlb_mask(domain_dirty_cpus(NULL) & ~CPUMASK_CPU(smp_processor_id()));
    free_xen_pages(phys_to_virt(mfn << PAGE_SHIFT), 0);
}

static void writable_gone(void *opaque, uint64_t mfn)
{
    (void)opaque;
    (void)mfn;
    stale_tlb_entries = true;
}

static void becoming_table(void *opaque, uint64_t mfn)
{
    (void)opaque;
    (void)mfn;
    /* A writable mapping another pCPU still caches would outlive the type. */
    if (stale_tlb_entries) {
        pv_flush_tlb_local();
        flush_tlb_mask(domain_dirty_cpus(NULL) & ~CPUMASK_CPU(smp_processor_id()));
    }
}

static void install_hv_slots(void *opaque, uint64_t *l4)
{
    (void)opaque;
    pv_install_hv_slots(l4);
}

bool pv_mm_should_preempt(void)
{
    const struct vcpu_info *vi = current_vcpu()->pv.vcpu_info;

    /* Xen's test: deferred work waits, or the guest has an event it
     * should see now (delivered before the continuation re-executes). */
    return softirq_pending() ||
           (vi && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask);
}

static bool env_preempt(void *opaque)
{
    (void)opaque;
    return pv_mm_should_preempt();
}

static bool xen_shared_ro(void *opaque, uint64_t mfn)
{
    (void)opaque;
    return m2p_is_m2p_frame(mfn);
}

static struct pt_env env;

const struct pt_env *pv_mm_env(void)
{
    if (!env.frames) {
        pv_mm_init();
        env.frames = frame_allocator.table;
        env.nr_frames = max_ram_frame();
        env.entries = frame_entries;
        env.released = frame_released;
        env.install_hv_slots = install_hv_slots;
        env.writable_gone = writable_gone;
        env.becoming_table = becoming_table;
        env.preempt = env_preempt;
        env.xen_shared_ro = xen_shared_ro;
    }
    return &env;
}

static bool claims_allow(const struct domain *d, uint64_t count)
{
    return claim_allows(&claims, d->outstanding_pages, frame_allocator.free_frames, count);
}

static void use_up_claim(struct domain *d, uint64_t count)
{
    claim_use(&claims, &d->outstanding_pages, count);
}

static void cancel_claim(struct domain *d)
{
    struct claim_holder h = { .outstanding = &d->outstanding_pages };

    claim_stake(&claims, &h, 0, 0);
}

int domain_claim_pages(struct domain *d, uint64_t pages)
{
    struct claim_holder h = { .tot_pages = d->tot_pages, .max_pages = d->max_pages,
                              .outstanding = &d->outstanding_pages };
    int rc;

    spin_lock(&pv_mm_lock);
    rc = claim_stake(&claims, &h, frame_allocator.free_frames, pages);
    spin_unlock(&pv_mm_lock);
    return rc;
}

uint64_t pv_outstanding_claims(void)
{
    return claims.outstanding;
}

mfn_t domain_alloc_page(struct domain *d)
{
    struct page_info *pg;
    void *va;
    mfn_t mfn;

    pv_mm_env();
    spin_lock(&pv_mm_lock);
    if (d->tot_pages >= d->max_pages || !claims_allow(d, 1) || !register_memory_domain(d)) {
        spin_unlock(&pv_mm_lock);
        return INVALID_MFN;
    }
    va = alloc_xen_pages(0);
    if (!va) {
        spin_unlock(&pv_mm_lock);
        return INVALID_MFN;
    }
    use_up_claim(d, 1);
    /* Whatever the frame held before must not leak to its new owner. */
    memset(va, 0, PAGE_SIZE);
    mfn = virt_to_phys(va) >> PAGE_SHIFT;
    pg = mfn_to_page(mfn);
    pt_assign_allocated(pg, d->id);
    pg->flags |= FRAME_FLAG_DOMAIN_PAGE;
    page_list_add(d, mfn);
    m2p_set(mfn, ~0ULL);
    d->tot_pages++;
    spin_unlock(&pv_mm_lock);
    return mfn;
}

/*
 * 2^order machine-contiguous frames below 2^address_bits (0: anywhere),
 * charged to d like domain_alloc_page (exchange passes within_limit false:
 * it gives back as many frames right after). Each frame becomes its own
 * order-0 block, so the guest can later give them back one by one.
 */
mfn_t domain_alloc_contiguous(struct domain *d, unsigned order, unsigned address_bits,
                              bool within_limit)
{
    uint64_t count = 1ULL << order;
    void *va;
    mfn_t first;

    if (order > PV_MAX_EXTENT_ORDER)
        return INVALID_MFN;
    pv_mm_env();
    spin_lock(&pv_mm_lock);
    if ((within_limit && d->tot_pages + count > d->max_pages) || !claims_allow(d, count) ||
        !register_memory_domain(d)) {
        spin_unlock(&pv_mm_lock);
        return INVALID_MFN;
    }
    va = alloc_xen_pages(order);
    if (!va) {
        spin_unlock(&pv_mm_lock);
        return INVALID_MFN;
    }
    first = virt_to_phys(va) >> PAGE_SHIFT;
    if (address_bits && address_bits < 64 &&
        ((first + count) << PAGE_SHIFT) > (1ULL << address_bits)) {
        free_xen_pages(va, order);
        spin_unlock(&pv_mm_lock);
        return INVALID_MFN;
    }
    use_up_claim(d, count);
    memset(va, 0, count * PAGE_SIZE);
    for (uint64_t i = 0; i < count; i++) {
        struct page_info *pg = mfn_to_page(first + i);

        pt_assign_allocated(pg, d->id);
        pg->flags |= FRAME_FLAG_DOMAIN_PAGE;
        pg->order = 0;      /* split: each frame is freed on its own */
        page_list_add(d, first + i);
        m2p_set(first + i, ~0ULL);
        d->tot_pages++;
    }
    spin_unlock(&pv_mm_lock);
    return first;
}

bool domain_page_is_unused(struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;
    bool unused;

    spin_lock(&pv_mm_lock);
    pg = mfn_to_page(mfn);
    unused = pg && pg->state == FRAME_IN_USE && pg->owner == d->id &&
             (pg->flags & FRAME_FLAG_DOMAIN_PAGE) && (pg->flags & FRAME_FLAG_ALLOCATED) &&
             pg->refcount == 1 && pg->type_count == 0;
    spin_unlock(&pv_mm_lock);
    return unused;
}

static bool is_domain_page_of(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == FRAME_IN_USE && pg->owner == d->id &&
           (pg->flags & FRAME_FLAG_DOMAIN_PAGE);
}

int domain_free_page(struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;
    int rc;

    spin_lock(&pv_mm_lock);
    pg = mfn_to_page(mfn);
    if (!is_domain_page_of(d, mfn))
        rc = -EINVAL;
    else if (pg->refcount != 1 || pg->type_count || !(pg->flags & FRAME_FLAG_ALLOCATED))
        rc = -EBUSY;
    else
        rc = pt_drop_allocation(pv_mm_env(), d->id, mfn);
    spin_unlock(&pv_mm_lock);
    return rc;
}

int domain_give_back_page(struct domain *d, mfn_t mfn)
{
    int rc = -EINVAL;

    spin_lock(&pv_mm_lock);
    /* Given back already but still mapped: nothing more to drop (Xen
     * counts this as done too). */
    if (is_domain_page_of(d, mfn))
        rc = (mfn_to_page(mfn)->flags & FRAME_FLAG_ALLOCATED)
                 ? pt_drop_allocation(pv_mm_env(), d->id, mfn) : 0;
    spin_unlock(&pv_mm_lock);
    return rc;
}

bool get_page(mfn_t mfn, struct domain *d)
{
    bool ok;

    spin_lock(&pv_mm_lock);
    ok = pt_get_page(pv_mm_env(), mfn, d->id) == 0;
    spin_unlock(&pv_mm_lock);
    return ok;
}

void put_page(mfn_t mfn)
{
    spin_lock(&pv_mm_lock);
    pt_put_page(pv_mm_env(), mfn);
    spin_unlock(&pv_mm_lock);
}

int get_page_type(mfn_t mfn, struct domain *d, unsigned type)
{
    struct pt_owner o = pv_mm_owner(d);
    int rc;

    spin_lock(&pv_mm_lock);
    rc = mfn < pv_mm_env()->nr_frames ? pt_get_type(pv_mm_env(), &o, mfn, type) : -EINVAL;
    spin_unlock(&pv_mm_lock);
    return rc;
}

void put_page_type(mfn_t mfn)
{
    spin_lock(&pv_mm_lock);
    pt_put_type(pv_mm_env(), mfn);
    spin_unlock(&pv_mm_lock);
}

int pv_pin_table(struct domain *d, mfn_t mfn, unsigned level)
{
    struct pt_owner o = pv_mm_owner(d);
    int rc;

    spin_lock(&pv_mm_lock);
    rc = pt_pin(pv_mm_env(), &o, mfn, level);
    spin_unlock(&pv_mm_lock);
    return rc;
}

int pv_pin_table_preemptible(struct domain *d, mfn_t mfn, unsigned level)
{
    struct pt_owner o = pv_mm_owner(d);
    int rc;

    spin_lock(&pv_mm_lock);
    rc = pt_pin_preemptible(pv_mm_env(), &o, mfn, level);
    spin_unlock(&pv_mm_lock);
    return rc;
}

int pv_unpin_table(struct domain *d, mfn_t mfn)
{
    struct pt_owner o = pv_mm_owner(d);
    int rc;

    spin_lock(&pv_mm_lock);
    rc = pt_unpin(pv_mm_env(), &o, mfn);
    spin_unlock(&pv_mm_lock);
    return rc;
}

static bool root_is_live(const struct vcpu *v, bool user)
{
    return v == current_vcpu() && v->pv.in_kernel != user;
}

static int set_root(struct vcpu *v, mfn_t l4_mfn, bool user, bool preemptible)
{
    struct pt_owner o = pv_mm_owner(v->domain);
    mfn_t *slot = user ? &v->pv.user_root : &v->pv.kernel_root;
    mfn_t old;
    int rc = 0;

    spin_lock(&pv_mm_lock);
    /* A user root of 0 means none (a kernel that never runs user mode). */
    if ((l4_mfn || !user) && preemptible)
        rc = pt_get_page_and_type_preemptible(pv_mm_env(), &o, l4_mfn, FRAME_TYPE_L4);
    else if (l4_mfn || !user)
        rc = pt_get_page_and_type(pv_mm_env(), &o, l4_mfn, FRAME_TYPE_L4);
    if (rc) {
        spin_unlock(&pv_mm_lock);
        return rc;
    }
    old = *slot;
    *slot = l4_mfn;
    if (root_is_live(v, user) && l4_mfn)
        write_cr3(l4_mfn << PAGE_SHIFT);
    /* Only once the CPU no longer uses it may the old root lose its type. */
    if (old)
        pt_put_page_and_type(pv_mm_env(), old);
    spin_unlock(&pv_mm_lock);
    return 0;
}

int pv_set_root(struct vcpu *v, mfn_t l4_mfn, bool user)
{
    return set_root(v, l4_mfn, user, false);
}

int pv_set_root_preemptible(struct vcpu *v, mfn_t l4_mfn, bool user)
{
    return set_root(v, l4_mfn, user, true);
}

static void drop_roots(struct domain *d)
{
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];

        if (!v)
            continue;
        if (v->pv.kernel_root)
            pt_put_page_and_type(pv_mm_env(), v->pv.kernel_root);
        if (v->pv.user_root)
            pt_put_page_and_type(pv_mm_env(), v->pv.user_root);
        v->pv.kernel_root = v->pv.user_root = 0;
    }
}

void domain_release_memory(struct domain *d)
{
    const struct pt_env *e = pv_mm_env();
    uint32_t mfn, next;

    spin_lock(&pv_mm_lock);
    cancel_claim(d);
    if (current_domain() == d)
        write_cr3(pv_hypervisor_root());
    drop_roots(d);
    pt_release_domain_frames(e, d->id, &d->page_list_head);
    /* Still referenced from outside (another domain's mapping, a vCPU's
     * descriptor or vcpu_info page until the vCPU goes): nobody's now,
     * freed when that reference goes. */
    if (d->page_list_head != FRAME_LINK_NONE)
        pr_warn("d%u: %lu pages still referenced from outside at destruction\n",
                d->id, (unsigned long)d->tot_pages);
    for (mfn = d->page_list_head; mfn != FRAME_LINK_NONE; mfn = next) {
        struct page_info *pg = mfn_to_page(mfn);

        pr_debug("d%u: mfn %#x pfn %#lx: %u references, type %u x%u\n", d->id, mfn,
                 (unsigned long)m2p_get(mfn), pg->refcount, pg->type, pg->type_count);
        next = pg->next;
        pg->next = pg->prev = FRAME_LINK_NONE;
    }
    d->page_list_head = FRAME_LINK_NONE;
    unregister_memory_domain(d);
    spin_unlock(&pv_mm_lock);
    domain_memory_map_drop(d);
}

struct domain *pv_mm_target_domain(uint16_t domid, int *err)
{
    struct domain *cur = current_domain();
    struct domain *d;

    *err = 0;
    if (domid == DOMID_SELF || domid == cur->id)
        return cur;
    if (!cur->is_privileged) {
        *err = -XEN_EPERM;
        return NULL;
    }
    d = domain_lookup(domid);
    if (!d)
        *err = -XEN_ESRCH;
    return d;
}
