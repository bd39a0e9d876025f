/*
 * GNTTABOP_map_grant_ref, unmap_grant_ref and unmap_and_replace: the
 * granter's entry is pinned (its in-use bits set), the mapper gets a
 * maptrack handle, and the frame is referenced by what the mapping made:
 * a page-table entry for host mappings (installed under PV-MM's rules, so
 * the entry itself holds the references and they go with it, even after
 * the granter died), explicit references for device mappings.
 */
#include <lintel/errno.h>
#include <lintel/frame.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/layout.h>
#include <lintel/mm.h>
#include <lintel/page_type.h>
#include <lintel/printk.h>
#include <lintel/pv_mm.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/xen.h>

#include "../../arch/x86_64/pv/mm/pv_mm_internal.h"
#include "grant_private.h"

/* Ops per hypercall before it continues, so a long batch yields the CPU. */
#define GRANT_BATCH        128
#define CANONICAL_LOW_END  0x0000800000000000ULL
/* What Xen puts in a grant's PTE besides the frame and RW/USER. */
#define GRANT_PTE_FLAGS    (PT_PRESENT | PT_ACCESSED | PT_DIRTY)

/* ---- host mappings (PV-MM lock held by the callers below) ---- */

/* The L1 slot mapping va in the current kernel root. */
static bool find_va_slot(uint64_t va, uint64_t *l1, unsigned *index)
{
    uint64_t table = current_vcpu()->pv.kernel_root;

    if (!table || (va >= CANONICAL_LOW_END && va < HV_RESERVED_END))
        return false;
    for (unsigned level = 4; level > 1; level--) {
        const uint64_t *t = phys_to_virt(table << PAGE_SHIFT);
        uint64_t e = t[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511];

        if (!(e & PT_PRESENT)) {
            pr_debug("grant: no L1 for %#lx: level %u table %#lx[%lu] entry %#lx\n",
                     (unsigned long)va, level, (unsigned long)table,
                     (unsigned long)((va >> (PAGE_SHIFT + 9 * (level - 1))) & 511),
                     (unsigned long)e);
            return false;
        }
        table = pt_entry_mfn(e);
    }
    *l1 = table;
    *index = (va >> PAGE_SHIFT) & 511;
    return true;
}

/* GNTMAP_contains_pte: addr is the machine address of an entry of one of
 * the mapper's validated L1 tables (nothing else may receive a grant PTE). */
static bool find_pte_slot(const struct domain *ld, uint64_t maddr, uint64_t *l1,
                          unsigned *index)
{
    const struct page_info *pg = mfn_to_page(maddr >> PAGE_SHIFT);

    if (!pg || (maddr & 7) || pg->owner != ld->id || pg->type != FRAME_TYPE_L1 ||
        !pg->type_count)
        return false;
    *l1 = maddr >> PAGE_SHIFT;
    *index = (maddr & (PAGE_SIZE - 1)) / sizeof(uint64_t);
    return true;
}

static bool find_slot(const struct domain *ld, uint64_t addr, uint32_t flags, uint64_t *l1,
                      unsigned *index)
{
    if (flags & GNTMAP_contains_pte)
        return find_pte_slot(ld, addr, l1, index);
    return find_va_slot(addr, l1, index);
}

static void flush_slot(uint64_t addr, uint32_t flags)
{
    if (flags & GNTMAP_contains_pte)
        pv_flush_tlb_local();   /* which address the PTE maps is not known */
    else
        pv_invlpg_local(addr);
}

int grant_host_map(struct domain *ld, uint64_t addr, uint32_t flags, domid_t granter,
                   uint64_t mfn)
{
    struct pt_owner o = pv_mm_owner(ld);
    /* The granter's frame is accepted here, and only here, because the
     * grant allows it; never as an MMIO frame. */
    struct pt_owner frame_owner = { .id = granter, .io_ok = false };
    uint64_t pte = (mfn << PAGE_SHIFT) | GRANT_PTE_FLAGS;
    uint64_t l1;
    unsigned index;
    int rc = -EINVAL;

    if (!(flags & GNTMAP_readonly))
        pte |= PT_RW;
    if (flags & GNTMAP_application_map)
        pte |= PT_USER;
    spin_lock(&pv_mm_lock);
    if (!find_slot(ld, addr, flags, &l1, &index))
        pr_debug("grant: d%u: no page-table slot for %#lx (map flags %#x)\n", ld->id,
                 (unsigned long)addr, flags);
    else if ((rc = pt_update_entry(pv_mm_env(), &o, &frame_owner, l1, index, pte)) != 0)
        pr_debug("grant: d%u: entry %#lx for %#lx refused (%d)\n", ld->id,
                 (unsigned long)pte, (unsigned long)addr, rc);
    if (rc == 0)
        flush_slot(addr, flags);
    spin_unlock(&pv_mm_lock);
    return rc ? GNTST_general_error : GNTST_okay;
}

/* unmap_and_replace: the entry at new_addr moves to addr, new_addr is cleared. */
static int take_replacement(struct domain *ld, uint64_t new_addr, uint64_t *pte)
{
    struct pt_owner o = pv_mm_owner(ld);
    uint64_t l1;
    unsigned index;

    if (!find_va_slot(new_addr, &l1, &index))
        return -EINVAL;
    *pte = ((const uint64_t *)phys_to_virt(l1 << PAGE_SHIFT))[index];
    return pt_update_entry(pv_mm_env(), &o, &o, l1, index, 0);
}

int grant_host_unmap(struct domain *ld, uint64_t addr, uint32_t flags, uint64_t mfn,
                     uint64_t new_addr)
{
    struct pt_owner o = pv_mm_owner(ld);
    uint64_t l1, cur, replacement = 0;
    unsigned index;
    int rc = -EINVAL;

    spin_lock(&pv_mm_lock);
    if (!find_slot(ld, addr, flags, &l1, &index))
        goto out;
    cur = ((const uint64_t *)phys_to_virt(l1 << PAGE_SHIFT))[index];
    /* The entry must still be the grant's: the guest may have changed it. */
    if (!(cur & PT_PRESENT) || pt_entry_mfn(cur) != mfn)
        goto out;
    if (new_addr) {
        uint64_t new_l1;
        unsigned new_index;

        if (!find_va_slot(new_addr, &new_l1, &new_index))
            goto out;
        replacement = ((const uint64_t *)phys_to_virt(new_l1 << PAGE_SHIFT))[new_index];
    }
    rc = pt_update_entry(pv_mm_env(), &o, &o, l1, index, replacement);
    if (rc == 0 && new_addr) {
        take_replacement(ld, new_addr, &replacement);
        pv_invlpg_local(new_addr);
    }
    if (rc == 0)
        flush_slot(addr, flags);
out:
    spin_unlock(&pv_mm_lock);
    return rc ? GNTST_general_error : GNTST_okay;
}

/* ---- map ---- */

static bool frame_belongs_to(uint64_t mfn, const struct domain *d)
{
    const struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == FRAME_IN_USE && pg->owner == d->id;
}

static int device_get(uint64_t mfn, struct domain *rd, bool readonly)
{
    if (!get_page(mfn, rd))
        return GNTST_general_error;
    if (!readonly && get_page_type(mfn, rd, FRAME_TYPE_WRITABLE)) {
        put_page(mfn);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static void device_put(uint64_t mfn, bool readonly)
{
    if (!readonly)
        put_page_type(mfn);
    put_page(mfn);
}

/* Pins (rt, ref) for ld with op's flags: GNTST_okay or the error. */
static int pin_entry(struct domain *ld, struct grant_table *rt, uint32_t ref, uint32_t flags)
{
    struct grant_active *a = grant_active_entry(rt, ref);
    struct grant_entry_ref e = grant_entry_words(rt, ref);
    bool readonly = flags & GNTMAP_readonly;
    bool was_pinned = grant_active_pinned(a);

    if (was_pinned && (a->domid != ld->id || grant_active_full(a, flags)))
        return GNTST_general_error;
    if (!was_pinned || (!readonly && !grant_active_writing(a))) {
        if (grant_entry_claim(&e, ld->id, readonly) != GNTST_okay)
            return GNTST_general_error;
    }
    if (!was_pinned) {
        a->domid = ld->id;
        a->mfn = grant_entry_frame(e.header, rt->version);
        rt->outstanding++;
    }
    grant_active_pin(a, flags);
    return GNTST_okay;
}

static void unpin_entry(struct grant_table *rt, uint32_t ref, uint32_t flags)
{
    grant_active_unpin(grant_active_entry(rt, ref), flags);
    grant_active_settle(rt, ref, !(flags & GNTMAP_readonly));
}

static void map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    uint32_t flags = op->flags & (GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly |
                                  GNTMAP_application_map | GNTMAP_contains_pte);
    bool readonly = flags & GNTMAP_readonly;
    struct grant_table *lt, *rt;
    struct maptrack_entry *m;
    struct domain *rd;
    uint32_t handle;
    uint64_t mfn;
    int rc;

    if (!(flags & (GNTMAP_device_map | GNTMAP_host_map))) {
        op->status = GNTST_bad_gntref;      /* Xen's answer to "map nothing" */
        return;
    }
    rd = domain_lookup(op->dom);
    if (!rd || rd->state >= DOMAIN_DYING) {
        op->status = GNTST_bad_domain;
        return;
    }
    lt = grant_table_of(ld);
    rt = grant_table_of(rd);
    if (!lt || !rt) {
        op->status = GNTST_general_error;
        return;
    }
    handle = maptrack_get(&lt->maptrack);
    if (handle == MAPTRACK_NONE) {
        op->status = GNTST_no_space;    /* Xen 4.17's answer, not no_device_space */
        return;
    }
    if (op->ref >= grant_nr_entries(rt)) {
        rc = GNTST_bad_gntref;
        goto put_handle;
    }
    rc = pin_entry(ld, rt, op->ref, flags);
    if (rc != GNTST_okay)
        goto put_handle;
    mfn = grant_active_entry(rt, op->ref)->mfn;
    rc = frame_belongs_to(mfn, rd) ? GNTST_okay : GNTST_general_error;
    if (rc == GNTST_okay && (flags & GNTMAP_device_map))
        rc = device_get(mfn, rd, readonly);
    if (rc == GNTST_okay && (flags & GNTMAP_host_map)) {
        rc = grant_host_map(ld, op->host_addr, flags, rd->id, mfn);
        if (rc != GNTST_okay && (flags & GNTMAP_device_map))
            device_put(mfn, readonly);
    }
    if (rc != GNTST_okay) {
        unpin_entry(rt, op->ref, flags);
        goto put_handle;
    }
    m = maptrack_slot(&lt->maptrack, handle);
    m->ref = op->ref;
    m->domid = rd->id;
    m->granter = rt;
    m->flags = flags;
    op->dev_bus_addr = mfn << PAGE_SHIFT;
    op->handle = handle;
    op->status = GNTST_okay;
    return;

put_handle:
    maptrack_put(&lt->maptrack, handle);
    op->status = rc;
}

long grant_map_op(uint64_t uop, unsigned count)
{
    struct domain *ld = current_domain();

    for (unsigned i = 0; i < count; i++) {
        struct gnttab_map_grant_ref op;
        uint64_t at = uop + i * sizeof(op);

        if (i == GRANT_BATCH)
            return hypercall_continue(hypercall_regs(), GNTTABOP_map_grant_ref, at,
                                      count - i, 0, 0);
        if (copy_from_guest(&op, at, sizeof(op)))
            return -XEN_EFAULT;
        spin_lock(&grant_lock);
        map_one(ld, &op);
        spin_unlock(&grant_lock);
        if (copy_to_guest(at, &op, sizeof(op)))
            return -XEN_EFAULT;
    }
    return 0;
}

/* ---- unmap ---- */

struct unmap_request {
    uint64_t host_addr, new_addr, dev_bus_addr;
    uint32_t handle;
};

static int unmap_one(struct domain *ld, const struct unmap_request *req)
{
    struct grant_table *lt = grant_table_of(ld), *rt;
    struct maptrack_entry *m = lt ? maptrack_lookup(&lt->maptrack, req->handle) : NULL;
    uint32_t done = 0, ref;
    uint64_t mfn;
    int rc;

    if (!m)
        return GNTST_bad_handle;
    rt = m->granter;
    ref = m->ref;
    mfn = grant_active_entry(rt, ref)->mfn;
    /* Xen 4.17 looks at the bus address only for device mappings. */
    if (req->dev_bus_addr && (m->flags & GNTMAP_device_map) &&
        req->dev_bus_addr != mfn << PAGE_SHIFT)
        return GNTST_bad_dev_addr;
    if (req->host_addr && (m->flags & GNTMAP_host_map)) {
        rc = grant_host_unmap(ld, req->host_addr, m->flags, mfn, req->new_addr);
        if (rc != GNTST_okay)
            return rc;
        done |= GNTMAP_host_map;
    }
    if (req->dev_bus_addr && (m->flags & GNTMAP_device_map)) {
        device_put(mfn, m->flags & GNTMAP_readonly);
        done |= GNTMAP_device_map;
    }
    if (!done)
        return GNTST_okay;
    m->flags &= ~done;
    done |= m->flags & GNTMAP_readonly;
    if (!(m->flags & (GNTMAP_host_map | GNTMAP_device_map)))
        maptrack_put(&lt->maptrack, req->handle);
    unpin_entry(rt, ref, done);
    return GNTST_okay;
}

long grant_unmap_op(uint64_t uop, unsigned count, bool and_replace)
{
    struct domain *ld = current_domain();
    size_t size = and_replace ? sizeof(struct gnttab_unmap_and_replace)
                              : sizeof(struct gnttab_unmap_grant_ref);

    for (unsigned i = 0; i < count; i++) {
        uint64_t at = uop + i * size;
        struct unmap_request req = { 0 };
        int16_t status;

        if (i == GRANT_BATCH)
            return hypercall_continue(hypercall_regs(),
                                      and_replace ? GNTTABOP_unmap_and_replace
                                                  : GNTTABOP_unmap_grant_ref,
                                      at, count - i, 0, 0);
        if (and_replace) {
            struct gnttab_unmap_and_replace op;

            if (copy_from_guest(&op, at, sizeof(op)))
                return -XEN_EFAULT;
            req = (struct unmap_request){ .host_addr = op.host_addr,
                                          .new_addr = op.new_addr, .handle = op.handle };
        } else {
            struct gnttab_unmap_grant_ref op;

            if (copy_from_guest(&op, at, sizeof(op)))
                return -XEN_EFAULT;
            req = (struct unmap_request){ .host_addr = op.host_addr,
                                          .dev_bus_addr = op.dev_bus_addr,
                                          .handle = op.handle };
        }
        spin_lock(&grant_lock);
        status = (int16_t)unmap_one(ld, &req);
        spin_unlock(&grant_lock);
        if (copy_to_guest(at + (and_replace ? offsetof(struct gnttab_unmap_and_replace, status)
                                            : offsetof(struct gnttab_unmap_grant_ref, status)),
                          &status, sizeof(status)))
            return -XEN_EFAULT;
    }
    return 0;
}

/* A dying mapper: every handle it still holds lets go of its pin. The
 * page-table entries of host mappings hold their own references and go
 * with the mapper's page tables. */
void grant_release_mappings(struct grant_table *lt)
{
    for (uint32_t h = 0; h < maptrack_size(&lt->maptrack); h++) {
        struct maptrack_entry *m = maptrack_lookup(&lt->maptrack, h);
        struct grant_table *rt;
        uint32_t flags, ref;

        if (!m)
            continue;
        flags = m->flags;
        rt = m->granter;
        ref = m->ref;
        if (flags & GNTMAP_device_map)
            device_put(grant_active_entry(rt, ref)->mfn, flags & GNTMAP_readonly);
        maptrack_put(&lt->maptrack, h);
        unpin_entry(rt, ref, flags);
    }
}
