/*
 * GNTTABOP_copy: bytes move between two frames without either side mapping
 * the other's. A side is a grant reference (pinned for the copy, so the
 * granter sees it in use and cannot repurpose it meanwhile) or, for the
 * caller itself only (DOMID_SELF), a frame number. Neither side may cross
 * the end of its page.
 */
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_mm.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/xen.h>

#include "grant_private.h"

#define COPY_BATCH 128

/* One side, once claimed: the frame and what must be released. */
struct copy_side {
    uint64_t mfn;
    struct grant_table *rt;     /* NULL for a frame named directly */
    uint32_t ref;
    bool writable;
};

static int claim_grant(struct domain *ld, struct domain *rd, uint32_t ref, bool writable,
                       struct copy_side *side)
{
    struct grant_table *rt = grant_table_of(rd);
    struct grant_active *a;
    struct grant_entry_ref e;
    bool was_pinned;

    if (!rt)
        return GNTST_general_error;
    if (ref >= grant_nr_entries(rt))
        return GNTST_bad_gntref;
    a = grant_active_entry(rt, ref);
    e = grant_entry_words(rt, ref);
    was_pinned = grant_active_pinned(a);
    if (was_pinned && (a->domid != ld->id || grant_active_copies_full(a)))
        return GNTST_general_error;
    if ((!was_pinned || (writable && !grant_active_writing(a))) &&
        grant_entry_claim(&e, ld->id, !writable) != GNTST_okay)
        return GNTST_general_error;
    if (!was_pinned) {
        a->domid = ld->id;
        a->mfn = grant_entry_frame(e.header, rt->version);
        rt->outstanding++;
    }
    a->copies++;
    *side = (struct copy_side){ .mfn = a->mfn, .rt = rt, .ref = ref, .writable = writable };
    if (!get_page(side->mfn, rd)) {
        a->copies--;
        grant_active_settle(rt, ref, writable);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static void release_side(const struct copy_side *side)
{
    if (side->writable)
        put_page_type(side->mfn);
    put_page(side->mfn);
    if (side->rt) {
        grant_active_entry(side->rt, side->ref)->copies--;
        grant_active_settle(side->rt, side->ref, side->writable);
    }
}

static int claim_side(struct domain *ld, const struct gnttab_copy_ptr *p, bool is_gref,
                      bool writable, struct copy_side *side)
{
    struct domain *rd;
    int rc;

    if (!is_gref) {
        /* Only the caller's own frames may be named by number (Xen's rule). */
        if (p->domid != DOMID_SELF)
            return GNTST_permission_denied;
        *side = (struct copy_side){ .mfn = p->u.gmfn };
        if (!get_page(side->mfn, ld))
            return GNTST_bad_page;
        rd = ld;
    } else {
        rd = p->domid == DOMID_SELF ? ld : domain_lookup(p->domid);
        if (!rd || rd->state >= DOMAIN_DYING)
            return GNTST_bad_domain;
        rc = claim_grant(ld, rd, p->u.ref, writable, side);
        if (rc != GNTST_okay)
            return rc;
    }
    side->writable = writable;
    if (writable && get_page_type(side->mfn, rd, FRAME_TYPE_WRITABLE)) {
        side->writable = false;
        release_side(side);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static int copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int rc;

    rc = claim_side(ld, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc != GNTST_okay)
        return rc;
    rc = claim_side(ld, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc != GNTST_okay) {
        release_side(&src);
        return rc;
    }
    if (grant_copy_range_ok(op->source.offset, op->len) &&
        grant_copy_range_ok(op->dest.offset, op->len))
        memmove((char *)phys_to_virt(dst.mfn << PAGE_SHIFT) + op->dest.offset,
                (const char *)phys_to_virt(src.mfn << PAGE_SHIFT) + op->source.offset,
                op->len);
    else
        rc = GNTST_bad_copy_arg;
    release_side(&dst);
    release_side(&src);
    return rc;
}

long grant_copy_op(uint64_t uop, unsigned count)
{
    struct domain *ld = current_domain();

    for (unsigned i = 0; i < count; i++) {
        struct gnttab_copy op;
        uint64_t at = uop + i * sizeof(op);

        if (i == COPY_BATCH)
            return hypercall_continue(hypercall_regs(), GNTTABOP_copy, at, count - i, 0, 0);
        if (copy_from_guest(&op, at, sizeof(op)))
            return -XEN_EFAULT;
        spin_lock(&grant_lock);
        op.status = (int16_t)copy_one(ld, &op);
        spin_unlock(&grant_lock);
        if (copy_to_guest(at + offsetof(struct gnttab_copy, status), &op.status,
                          sizeof(op.status)))
            return -XEN_EFAULT;
    }
    return 0;
}
