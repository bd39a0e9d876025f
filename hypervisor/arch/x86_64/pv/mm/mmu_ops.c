/*
 * The MMU hypercalls of a PV guest: mmu_update, update_va_mapping(_otherdomain)
 * and mmuext_op. Each validates its arguments, then asks the page-type
 * state machine. Long batches, and the validation of a big tree when an L4
 * is pinned or installed, stop when softirqs or an event wait (as Xen's
 * hypercall_preempt_check) and continue through a re-executed hypercall
 * (the done count carried in *pdone), so timers, interrupts and other
 * vCPUs are never held off for a whole batch.
 *
 * *_LOCAL flushes are for this pCPU; the *_MULTI/_ALL variants (and
 * update_va_mapping's non-local flags) also flush every other pCPU the
 * domain's vCPUs ran on last (smp.h flush_tlb_domain: a whole flush there).
 */
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/printk.h>
#include <lintel/pv_mm.h>
#include <lintel/smp.h>
#include <public/errno.h>
#include <public/xen.h>

#include "pv_mm_internal.h"

/* In the count argument: a continuation, whose done count is in *pdone. */
#define MMU_UPDATE_PREEMPTED 0x80000000u
#define MMU_CMD_MASK         7ULL
#define LDT_MAX_ENTRIES      8192
#define CANONICAL_LOW_END    0x0000800000000000ULL

/* The mmu_update / mmuext_op domain argument: the frames' owner in the
 * low 16 bits; for mmu_update, the tables' owner + 1 in the high 16. */
struct mmu_owners {
    struct domain *pt;
    struct domain *pg;
};

/* DOMID_XEN as a page owner: the hypervisor's shared frames (the M2P),
 * for leaf mappings of a privileged caller only. */
static struct domain dom_xen = { .id = DOMID_XEN };

/* The frames' owner: DOMID_SELF, or a foreign domain for a privileged
 * caller. Naming oneself by number is refused with -ESRCH, as Xen does. */
static struct domain *page_owner(uint16_t domid, bool xen_ok, int *err)
{
    if (domid != DOMID_SELF && domid == current_domain()->id) {
        *err = -XEN_ESRCH;
        return NULL;
    }
    if (domid == DOMID_XEN && xen_ok && current_domain()->is_privileged)
        return &dom_xen;
    return pv_mm_target_domain(domid, err);
}

static int resolve_owners(uint64_t domarg, bool allow_pt_owner, struct mmu_owners *ow)
{
    uint16_t pt_id = (uint16_t)(domarg >> 16);
    int err;

    if ((domarg >> 32) || (pt_id && !allow_pt_owner))
        return -XEN_EINVAL;
    /* mmu_update only (the one caller allowing a table owner): pins and
     * page copies never act on the hypervisor's frames. */
    ow->pg = page_owner((uint16_t)domarg, allow_pt_owner, &err);
    if (!ow->pg)
        return err;
    ow->pt = current_domain();
    if (pt_id) {
        ow->pt = pv_mm_target_domain(pt_id - 1, &err);
        if (!ow->pt)
            return err;
    }
    return 0;
}

static bool guest_va_ok(uint64_t va)
{
    return va < CANONICAL_LOW_END || va >= HV_RESERVED_END;
}

/* A continuation carries the running total in the guest's done counter. */
static unsigned read_done_so_far(uint64_t *count, uint64_t pdone)
{
    uint32_t done = 0;

    if (*count & MMU_UPDATE_PREEMPTED) {
        *count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
            done = 0;
    }
    return done;
}

static void write_done(uint64_t pdone, uint32_t done)
{
    /* As Xen: a bad done pointer does not undo the work that was done. */
    if (pdone)
        copy_to_guest(pdone, &done, sizeof(done));
}

static int machphys_update(struct domain *pg_owner, uint64_t mfn, uint64_t pfn)
{
    int rc;

    if (pg_owner == &dom_xen)
        return -XEN_EINVAL;
    spin_lock(&pv_mm_lock);
    rc = pt_get_page(pv_mm_env(), mfn, pg_owner->id);
    if (rc == 0) {
        m2p_set(mfn, pfn);
        pt_put_page(pv_mm_env(), mfn);
    }
    spin_unlock(&pv_mm_lock);
    return rc ? -XEN_EINVAL : 0;
}

/* The accessed/dirty bits the CPU set in a live table entry since the guest
 * read it (MMU_PT_UPDATE_PRESERVE_AD keeps them). */
static uint64_t current_ad_bits(const struct domain *pt_owner, uint64_t ptr)
{
    const struct page_info *pg = mfn_to_page(ptr >> PAGE_SHIFT);

    if (!pg || pg->state != FRAME_IN_USE || pg->owner != pt_owner->id ||
        !pt_is_table_type(pg->type) || !pg->type_count)
        return 0;
    return *(const uint64_t *)phys_to_virt(ptr) & (PT_ACCESSED | PT_DIRTY);
}

static int pt_update(struct domain *pt_owner, struct domain *pg_owner, uint64_t ptr,
                     uint64_t val, bool preserve_ad)
{
    struct pt_owner t = pv_mm_owner(pt_owner), p = pv_mm_owner(pg_owner);
    int rc;

    spin_lock(&pv_mm_lock);
    if (preserve_ad && (val & PT_PRESENT))
        val |= current_ad_bits(pt_owner, ptr);
    rc = pt_update_entry_preemptible(pv_mm_env(), &t, &p, ptr >> PAGE_SHIFT,
                                     (ptr & (PAGE_SIZE - 1)) / sizeof(uint64_t), val);
    spin_unlock(&pv_mm_lock);
    return rc;
}

/*
 * A guest kernel's plain store into one of its L1 tables, caught as a write
 * fault and decoded by arch/x86_64/pv/ptwr.c (Linux relies on this while it
 * builds its direct map). Only validated L1 tables qualify, as on Xen; any
 * other read-only page keeps faulting into the guest.
 */
int pv_mm_pt_write(struct domain *d, uint64_t maddr, uint64_t val)
{
    const struct page_info *pg = mfn_to_page(maddr >> PAGE_SHIFT);
    struct pt_owner o = pv_mm_owner(d);
    int rc = -XEN_EINVAL;

    spin_lock(&pv_mm_lock);
    if (pg && pg->owner == d->id && pg->type == FRAME_TYPE_L1 && pg->type_count)
        rc = pt_update_entry(pv_mm_env(), &o, &o, maddr >> PAGE_SHIFT,
                             (maddr & (PAGE_SIZE - 1)) / sizeof(uint64_t), val);
    spin_unlock(&pv_mm_lock);
    return rc;
}

/* Refusals are the guest's business, but the first few say why in the
 * hypervisor's log, as Xen's guest-level warnings do (a debugging aid:
 * a kernel's WARN names only the multicall). */
#define REFUSALS_LOGGED 32

static void log_refusal(const char *what, uint64_t a, uint64_t b, int rc)
{
    static unsigned logged;

    if (logged >= REFUSALS_LOGGED)
        return;
    logged++;
    pr_debug("pv-mm: d%u %s %#lx %#lx refused: %d\n", current_domain()->id, what,
             (unsigned long)a, (unsigned long)b, rc);
}

bool pv_mm_is_guest_l1(struct domain *d, uint64_t maddr)
{
    const struct page_info *pg = mfn_to_page(maddr >> PAGE_SHIFT);
    bool l1;

    spin_lock(&pv_mm_lock);
    l1 = pg && pg->state == FRAME_IN_USE && pg->owner == d->id &&
         pg->type == FRAME_TYPE_L1 && pg->type_count;
    spin_unlock(&pv_mm_lock);
    return l1;
}

static int one_mmu_update(const struct mmu_owners *ow, const struct mmu_update *req)
{
    switch (req->ptr & MMU_CMD_MASK) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE:
        return pt_update(ow->pt, ow->pg, req->ptr & ~MMU_CMD_MASK, req->val, false);
    case MMU_PT_UPDATE_PRESERVE_AD:
        return pt_update(ow->pt, ow->pg, req->ptr & ~MMU_CMD_MASK, req->val, true);
    case MMU_MACHPHYS_UPDATE:
        return machphys_update(ow->pg, req->ptr >> PAGE_SHIFT, req->val);
    default:
        return -XEN_ENOSYS;
    }
}

HYPERCALL_HANDLER(do_mmu_update)
{
    uint64_t reqs = a1, count = (uint32_t)a2, pdone = a3;
    unsigned done = read_done_so_far(&count, pdone);
    struct mmu_owners ow;
    int rc = resolve_owners(a4, true, &ow);

    (void)a5;
    if (rc)
        return rc;
    for (uint64_t i = 0; i < count; i++) {
        struct mmu_update req;

        if (i && pv_mm_should_preempt()) {
            write_done(pdone, done);
            return hypercall_continue(hypercall_regs(), reqs + i * sizeof(req),
                                      (count - i) | MMU_UPDATE_PREEMPTED, pdone, a4, 0);
        }
        if (copy_from_guest(&req, reqs + i * sizeof(req), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = one_mmu_update(&ow, &req);
        /* An upper entry's new table stopped in its validation: again. */
        if (rc == -PT_ERESTART) {
            write_done(pdone, done);
            return hypercall_continue(hypercall_regs(), reqs + i * sizeof(req),
                                      (count - i) | MMU_UPDATE_PREEMPTED, pdone, a4, 0);
        }
        if (rc) {
            log_refusal("mmu_update", req.ptr, req.val, rc);
            break;
        }
        done++;
    }
    write_done(pdone, done);
    return rc;
}

/* The L1 table and index mapping va in the current kernel root. */
static int find_l1_slot(uint64_t va, mfn_t *l1_mfn, unsigned *index)
{
    mfn_t table = current_vcpu()->pv.kernel_root;

    if (!table)
        return -XEN_EINVAL;
    for (unsigned level = 4; level > 1; level--) {
        const uint64_t *t = phys_to_virt(table << PAGE_SHIFT);
        uint64_t e = t[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511];

        if (!(e & PT_PRESENT))
            return -XEN_EINVAL;
        table = pt_entry_mfn(e);
    }
    *l1_mfn = table;
    *index = (va >> PAGE_SHIFT) & 511;
    return 0;
}

static int flush_after_update(uint64_t va, uint64_t flags)
{
    uint64_t mask_ptr = flags & ~UVMF_FLUSHTYPE_MASK;
    uint64_t mask;

    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_NONE)
        return 0;
    /* Neither LOCAL nor ALL: a pointer to a vCPU bitmap. */
    if (mask_ptr != UVMF_LOCAL && mask_ptr != UVMF_ALL &&
        copy_from_guest(&mask, mask_ptr, sizeof(mask)))
        return -XEN_EFAULT;
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG)
        pv_invlpg_local(va);
    else
        pv_flush_tlb_local();
    if (mask_ptr != UVMF_LOCAL)
        flush_tlb_domain(current_domain());
    return 0;
}

static long update_va_mapping(uint64_t va, uint64_t val, uint64_t flags,
                              struct domain *pg_owner)
{
    struct domain *d = current_domain();
    struct pt_owner t = pv_mm_owner(d), p = pv_mm_owner(pg_owner);
    unsigned index;
    mfn_t l1;
    int rc;

    if (!guest_va_ok(va))
        return -XEN_EINVAL;
    spin_lock(&pv_mm_lock);
    rc = find_l1_slot(va, &l1, &index);
    if (rc == 0)
        rc = pt_update_entry(pv_mm_env(), &t, &p, l1, index, val);
    spin_unlock(&pv_mm_lock);
    if (rc) {
        log_refusal("update_va_mapping", va, val, rc);
        return rc;
    }
    return flush_after_update(va, flags);
}

HYPERCALL_HANDLER(do_update_va_mapping)
{
    (void)a4;
    (void)a5;
    return update_va_mapping(a1, a2, a3, current_domain());
}

HYPERCALL_HANDLER(do_update_va_mapping_otherdomain)
{
    struct domain *pg_owner;
    int err;

    (void)a5;
    pg_owner = page_owner((uint16_t)a4, true, &err);
    if (!pg_owner)
        return err;
    return update_va_mapping(a1, a2, a3, pg_owner);
}

static int clear_or_copy_page(struct domain *d, mfn_t dst, mfn_t src, bool copy)
{
    const struct pt_env *env = pv_mm_env();
    struct pt_owner o = pv_mm_owner(d);
    int rc;

    spin_lock(&pv_mm_lock);
    rc = pt_get_page_and_type(env, &o, dst, FRAME_TYPE_WRITABLE);
    if (rc == 0 && copy && pt_get_page(env, src, d->id)) {
        pt_put_page_and_type(env, dst);
        rc = -XEN_EINVAL;
    }
    if (rc == 0) {
        void *to = phys_to_virt(dst << PAGE_SHIFT);

        if (copy) {
            memcpy(to, phys_to_virt(src << PAGE_SHIFT), PAGE_SIZE);
            pt_put_page(env, src);
        } else {
            memset(to, 0, PAGE_SIZE);
        }
        pt_put_page_and_type(env, dst);
    }
    spin_unlock(&pv_mm_lock);
    return rc ? -XEN_EINVAL : 0;
}

static int set_ldt(struct vcpu *v, uint64_t base, uint64_t entries)
{
    if (entries > LDT_MAX_ENTRIES || (base & (PAGE_SIZE - 1)) ||
        !guest_range_ok(base, entries * 8))
        return -XEN_EINVAL;
    v->pv.ldt_base = base;
    v->pv.ldt_entries = (unsigned)entries;
    pv_load_descriptor_tables(v);
    return 0;
}

static int flush_op(const struct mmuext_op *op, bool invlpg, bool with_mask, bool all)
{
    uint64_t mask;

    /* arg2 holds the bitmap's guest address (the vcpumask handle). */
    if (with_mask && copy_from_guest(&mask, op->arg2.src_mfn, sizeof(mask)))
        return -XEN_EINVAL;     /* Xen's value for an unreadable mask here */
    if (!invlpg)
        pv_flush_tlb_local();
    else if (guest_va_ok(op->arg1.linear_addr))
        pv_invlpg_local(op->arg1.linear_addr);
    if (with_mask || all)
        flush_tlb_domain(current_domain());
    return 0;
}

static int one_mmuext_op(const struct mmu_owners *ow, const struct mmuext_op *op)
{
    struct vcpu *v = current_vcpu();

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pv_pin_table_preemptible(ow->pg, op->arg1.mfn, FRAME_TYPE_L1 + op->cmd);
    case MMUEXT_UNPIN_TABLE:
        return pv_unpin_table(ow->pg, op->arg1.mfn);
    case MMUEXT_NEW_BASEPTR:
        return pv_set_root_preemptible(v, op->arg1.mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return pv_set_root_preemptible(v, op->arg1.mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL:
        return flush_op(op, false, false, false);
    case MMUEXT_TLB_FLUSH_ALL:
        return flush_op(op, false, false, true);
    case MMUEXT_TLB_FLUSH_MULTI:
        return flush_op(op, false, true, false);
    case MMUEXT_INVLPG_LOCAL:
        return flush_op(op, true, false, false);
    case MMUEXT_INVLPG_ALL:
        return flush_op(op, true, false, true);
    case MMUEXT_INVLPG_MULTI:
        return flush_op(op, true, true, false);
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!v->domain->is_privileged)
            return -XEN_EACCES;
        __asm__ volatile("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_SET_LDT:
        return set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE:
        return clear_or_copy_page(ow->pg, op->arg1.mfn, 0, false);
    case MMUEXT_COPY_PAGE:
        return clear_or_copy_page(ow->pg, op->arg1.mfn, op->arg2.src_mfn, true);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -XEN_EOPNOTSUPP;   /* PV superpages: gone from Xen too */
    default:
        return -XEN_ENOSYS;
    }
}

static long continue_mmuext(uint64_t ops, uint64_t i, uint64_t count, uint64_t pdone,
                            unsigned done, uint64_t domarg)
{
    write_done(pdone, done);
    return hypercall_continue(hypercall_regs(), ops + i * sizeof(struct mmuext_op),
                              (count - i) | MMU_UPDATE_PREEMPTED, pdone, domarg, 0);
}

HYPERCALL_HANDLER(do_mmuext_op)
{
    uint64_t ops = a1, count = (uint32_t)a2, pdone = a3;
    unsigned done = read_done_so_far(&count, pdone);
    struct mmu_owners ow;
    int rc = resolve_owners(a4, false, &ow);

    (void)a5;
    if (rc)
        return rc;
    for (uint64_t i = 0; i < count; i++) {
        struct mmuext_op op;

        if (i && pv_mm_should_preempt())
            return continue_mmuext(ops, i, count, pdone, done, a4);
        if (copy_from_guest(&op, ops + i * sizeof(op), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = one_mmuext_op(&ow, &op);
        /* A pin or root stopped inside its validation: this op again. */
        if (rc == -PT_ERESTART)
            return continue_mmuext(ops, i, count, pdone, done, a4);
        if (rc) {
            log_refusal("mmuext_op", op.cmd, op.arg1.mfn, rc);
            break;
        }
        done++;
    }
    write_done(pdone, done);
    return rc;
}
