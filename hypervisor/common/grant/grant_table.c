/*
 * Grant tables, ring-0 side: each domain's shared frames (lent hypervisor
 * pages the guest maps writable), v2 status frames, active entries, the
 * table-level GNTTABOPs and the hypercall's dispatch. Mapping and copying
 * live in grant_map.c and grant_copy.c.
 */
#include <lintel/errno.h>
#include <lintel/frame.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#include "grant_private.h"

spinlock_t grant_lock = SPINLOCK_INIT;

/* In the cmd argument above the command: only cache_flush uses it on Xen. */
#define GNTTABOP_CMD_BITS 12

static void *lend_page(struct domain *d)
{
    void *page = alloc_xen_pages(0);

    if (!page)
        return NULL;
    memset(page, 0, PAGE_SIZE);
    mfn_to_page(virt_to_phys(page) >> PAGE_SHIFT)->owner = d->id;
    return page;
}

/* A lent page still mapped by its guest cannot be reused: it stays out of
 * the allocator (counted) rather than becoming someone else's memory. */
static bool take_back_page(void *page)
{
    struct page_info *pg = mfn_to_page(virt_to_phys(page) >> PAGE_SHIFT);

    if (pg->refcount) {
        pg->owner = FRAME_OWNER_XEN;
        return false;
    }
    pg->owner = FRAME_OWNER_XEN;
    free_xen_pages(page, 0);
    return true;
}

static uint64_t page_mfn(const void *page)
{
    return virt_to_phys(page) >> PAGE_SHIFT;
}

unsigned grant_nr_entries(const struct grant_table *t)
{
    return t->nr_frames * grant_entries_per_frame(t->version);
}

void *grant_shared_entry(struct grant_table *t, uint32_t ref)
{
    unsigned per = grant_entries_per_frame(t->version);
    char *frame = t->shared[ref / per];

    return frame + (ref % per) * (t->version == 2 ? sizeof(grant_entry_v2_t)
                                                  : sizeof(grant_entry_v1_t));
}

struct grant_entry_ref grant_entry_words(struct grant_table *t, uint32_t ref)
{
    struct grant_entry_ref e = { .header = grant_shared_entry(t, ref), .version = t->version };

    if (t->version == 2)
        e.status = (uint16_t *)t->status[ref / GRANT_STATUS_PER_FRAME] +
                   ref % GRANT_STATUS_PER_FRAME;
    else
        e.status = (uint16_t *)e.header;
    return e;
}

struct grant_active *grant_active_entry(struct grant_table *t, uint32_t ref)
{
    return &t->active[ref / GRANT_ACTIVE_PER_CHUNK][ref % GRANT_ACTIVE_PER_CHUNK];
}

/* The shared and status frames go back once nobody maps them; a dying
 * domain's own page tables map them until its memory is released, so
 * grant_table_domain_free runs after that. */
static void give_back_frames(struct grant_table *t)
{
    unsigned kept = 0;

    while (t->nr_frames)
        kept += !take_back_page(t->shared[--t->nr_frames]);
    while (t->nr_status_frames)
        kept += !take_back_page(t->status[--t->nr_status_frames]);
    if (kept)
        pr_warn("grant: d%u: %u table frames still mapped, kept out of use\n", t->domid, kept);
}

static void free_table(struct grant_table *t)
{
    unsigned active_chunks = t->max_frames * grant_entries_per_frame(1) / GRANT_ACTIVE_PER_CHUNK;

    give_back_frames(t);
    for (unsigned i = 0; i < active_chunks; i++)
        xfree(t->active[i]);
    for (unsigned i = 0; i < t->maptrack.nr_chunks; i++)
        xfree(t->maptrack.chunks[i]);
    xfree(t->maptrack.chunks);
    xfree(t->active);
    xfree(t->status);
    xfree(t->shared);
    xfree(t);
}

/* Active records exist for the most entries either version can have. */
static bool grow_active(struct grant_table *t, unsigned nr_frames)
{
    unsigned chunks = nr_frames * grant_entries_per_frame(1) / GRANT_ACTIVE_PER_CHUNK;

    for (unsigned i = 0; i < chunks; i++)
        if (!t->active[i] &&
            !(t->active[i] = xzalloc(GRANT_ACTIVE_PER_CHUNK * sizeof(struct grant_active))))
            return false;
    return true;
}

static bool grow_status(struct grant_table *t, unsigned nr_frames)
{
    unsigned want = grant_status_frames_for(t->version, nr_frames);

    while (t->nr_status_frames < want) {
        void *page = lend_page(t->d);

        if (!page)
            return false;
        t->status[t->nr_status_frames++] = page;
    }
    return true;
}

static int grow_table(struct grant_table *t, unsigned nr_frames)
{
    if (nr_frames > t->max_frames)
        return -ENOSPC;
    if (!grow_active(t, nr_frames) || !grow_status(t, nr_frames))
        return -ENOMEM;
    while (t->nr_frames < nr_frames) {
        void *page = lend_page(t->d);

        if (!page)
            return -ENOMEM;
        t->shared[t->nr_frames++] = page;
    }
    return 0;
}

static struct grant_table *create_table(struct domain *d, unsigned max_frames,
                                        unsigned max_maptrack)
{
    struct grant_table *t = xzalloc(sizeof(*t));
    unsigned max_status = grant_status_frames_for(2, max_frames);
    unsigned active_chunks = max_frames * grant_entries_per_frame(1) / GRANT_ACTIVE_PER_CHUNK;
    struct maptrack_entry **chunk_table;

    if (!t)
        return NULL;
    t->d = d;
    t->domid = d->id;
    t->version = 1;
    t->max_version = 2;
    t->max_frames = max_frames;
    t->max_maptrack_frames = max_maptrack;
    t->shared = xzalloc(max_frames * sizeof(void *));
    t->status = xzalloc((max_status ? max_status : 1) * sizeof(void *));
    t->active = xzalloc(active_chunks * sizeof(*t->active));
    chunk_table = xzalloc((max_maptrack ? max_maptrack : 1) * sizeof(*chunk_table));
    maptrack_init(&t->maptrack, chunk_table, max_maptrack, xzalloc);
    /* Xen starts every table with one frame, so a granter that never
     * called setup_table still has entries to look at. */
    if (!t->shared || !t->status || !t->active || !chunk_table || grow_table(t, 1)) {
        free_table(t);
        return NULL;
    }
    return t;
}

struct grant_table *grant_table_of(struct domain *d)
{
    if (!d->grant_table)
        d->grant_table = create_table(d, GRANT_DEFAULT_MAX_FRAMES,
                                      GRANT_DEFAULT_MAX_MAPTRACK_FRAMES);
    return d->grant_table;
}

int grant_table_set_limits(struct domain *d, unsigned max_frames, unsigned max_maptrack_frames)
{
    int rc = 0;

    /* A v1 entry's active chunk covers exactly one frame's worth. */
    if (max_frames == 0 || max_frames > 4096 || max_maptrack_frames > 65536)
        return -EINVAL;
    spin_lock(&grant_lock);
    if (d->grant_table)
        rc = -EBUSY;
    else if (!(d->grant_table = create_table(d, max_frames, max_maptrack_frames)))
        rc = -ENOMEM;
    spin_unlock(&grant_lock);
    return rc;
}

int grant_table_set_max_version(struct domain *d, unsigned version)
{
    struct grant_table *t;
    int rc = 0;

    if (version != 1 && version != 2)
        return -EINVAL;
    spin_lock(&grant_lock);
    t = grant_table_of(d);
    if (!t)
        rc = -ENOMEM;
    else
        t->max_version = version;
    spin_unlock(&grant_lock);
    return rc;
}

void grant_active_settle(struct grant_table *t, uint32_t ref, bool was_writing)
{
    struct grant_active *a = grant_active_entry(t, ref);
    bool reading_gone = !grant_active_pinned(a);
    bool writing_gone = was_writing && !grant_active_writing(a);

    /* The shared frames of a dead domain are no one's business any more. */
    if (t->d && ref < grant_nr_entries(t)) {
        struct grant_entry_ref e = grant_entry_words(t, ref);

        grant_entry_release(&e, writing_gone, reading_gone);
    }
    if (reading_gone && t->outstanding && --t->outstanding == 0 && !t->d)
        free_table(t);
}

struct domain *grant_target_domain(domid_t dom, int16_t *status)
{
    struct domain *cur = current_domain();
    struct domain *d;

    if (dom == DOMID_SELF || dom == cur->id)
        return cur;
    d = domain_lookup(dom);
    if (!d || d->state >= DOMAIN_DYING) {
        *status = GNTST_bad_domain;
        return NULL;
    }
    if (!cur->is_privileged) {
        *status = GNTST_permission_denied;
        return NULL;
    }
    return d;
}

/* ---- table-level operations (each takes exactly one op) ---- */

static long setup_table(uint64_t uop)
{
    struct gnttab_setup_table op;
    struct grant_table *t;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    op.status = GNTST_okay;
    d = grant_target_domain(op.dom, &op.status);
    if (d) {
        spin_lock(&grant_lock);
        t = grant_table_of(d);
        if (!t || op.nr_frames > t->max_frames || grow_table(t, op.nr_frames))
            op.status = GNTST_general_error;
        for (unsigned i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
            xen_pfn_t frame = page_mfn(t->shared[i]);

            if (copy_to_guest((uint64_t)(unsigned long)op.frame_list.p + i * sizeof(frame), &frame, sizeof(frame)))
                op.status = GNTST_bad_virt_addr;
        }
        spin_unlock(&grant_lock);
    }
    if (copy_to_guest(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                      sizeof(op.status)))
        return -XEN_EFAULT;
    return 0;
}

static long query_size(uint64_t uop)
{
    struct gnttab_query_size op;
    struct grant_table *t;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    op.status = GNTST_okay;
    d = grant_target_domain(op.dom, &op.status);
    if (d) {
        spin_lock(&grant_lock);
        t = grant_table_of(d);
        if (t) {
            op.nr_frames = t->nr_frames;
            op.max_nr_frames = t->max_frames;
        } else {
            op.status = GNTST_general_error;
        }
        spin_unlock(&grant_lock);
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/* ---- XENMEM_acquire_resource's grant-table resource (memory.c asks) ---- */

long grant_resource_max_frames(struct domain *d, unsigned id)
{
    struct grant_table *t;
    long max = 0;

    spin_lock(&grant_lock);
    t = grant_table_of(d);
    if (!t)
        max = -XEN_ENOMEM;
    else if (id == XENMEM_resource_grant_table_id_shared)
        max = t->max_frames;
    /* Sized for v2 whatever the version now: Xen's answer too. */
    else if (id == XENMEM_resource_grant_table_id_status)
        max = grant_status_frames_for(2, t->max_frames);
    spin_unlock(&grant_lock);
    return max;
}

int grant_resource_frames(struct domain *d, unsigned id, uint64_t frame, unsigned nr,
                          uint64_t *mfns)
{
    struct grant_table *t;
    uint64_t last = frame + nr - 1;
    int rc = 0;

    if (!nr)
        return -XEN_EINVAL;
    spin_lock(&grant_lock);
    t = grant_table_of(d);
    if (!t) {
        rc = -XEN_ENOMEM;
    } else if (id == XENMEM_resource_grant_table_id_shared) {
        /* Mapping frame N grows the table to it, as setup_table would. */
        if (last >= t->max_frames)
            rc = -XEN_EINVAL;
        else if (grow_table(t, (unsigned)last + 1))
            rc = -XEN_ENOMEM;
        for (unsigned i = 0; !rc && i < nr; i++)
            mfns[i] = page_mfn(t->shared[frame + i]);
    } else if (id == XENMEM_resource_grant_table_id_status && t->version == 2) {
        /* Status frame N holds the words of the entries in these shared frames. */
        uint64_t shared_needed = (last + 1) * (GRANT_STATUS_PER_FRAME /
                                               grant_entries_per_frame(2));

        if (last >= grant_status_frames_for(2, t->max_frames))
            rc = -XEN_EINVAL;
        else if (grow_table(t, (unsigned)MIN(shared_needed, (uint64_t)t->max_frames)))
            rc = -XEN_ENOMEM;
        for (unsigned i = 0; !rc && i < nr; i++)
            mfns[i] = page_mfn(t->status[frame + i]);
    } else {
        rc = -XEN_EINVAL;
    }
    spin_unlock(&grant_lock);
    return rc;
}

static long get_version(uint64_t uop)
{
    struct gnttab_get_version op;
    struct grant_table *t;
    struct domain *d;
    int16_t status = GNTST_okay;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    d = grant_target_domain(op.dom, &status);
    if (!d)
        return status == GNTST_bad_domain ? -XEN_ESRCH : -XEN_EPERM;
    spin_lock(&grant_lock);
    t = grant_table_of(d);
    op.version = t ? t->version : 1;
    spin_unlock(&grant_lock);
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/* The toolstack's reserved entries (console, store) survive a switch. */
struct reserved_entry {
    uint16_t flags, domid;
    uint64_t frame;
};

static int save_reserved(struct grant_table *t, struct reserved_entry *saved)
{
    for (uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        struct grant_entry_ref e = grant_entry_words(t, i);
        const grant_entry_header_t *h = (const void *)e.header;
        unsigned type = h->flags & GTF_type_mask;

        saved[i] = (struct reserved_entry){ 0 };
        if (t->version == 1) {
            saved[i].flags = h->flags;
            saved[i].domid = h->domid;
            saved[i].frame = grant_entry_frame(h, 1);
        } else if (type == GTF_permit_access) {
            saved[i].frame = grant_entry_frame(h, 2);
            /* A frame a v1 entry cannot hold makes the switch impossible. */
            if (saved[i].frame >> 32)
                return -XEN_ERANGE;
            saved[i].flags = h->flags | *e.status;
            saved[i].domid = h->domid;
        } else if (type == GTF_transitive) {
            return -XEN_ERANGE;
        }
    }
    return 0;
}

static void restore_reserved(struct grant_table *t, const struct reserved_entry *saved)
{
    for (uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        struct grant_entry_ref e = grant_entry_words(t, i);

        if (t->version == 1) {
            grant_entry_v1_t *v1 = (void *)e.header;

            *v1 = (grant_entry_v1_t){ saved[i].flags, saved[i].domid, (uint32_t)saved[i].frame };
        } else {
            grant_entry_v2_t *v2 = (void *)e.header;

            *e.status = saved[i].flags & (GTF_reading | GTF_writing);
            v2->full_page.frame = saved[i].frame;
            v2->hdr.domid = saved[i].domid;
            v2->hdr.flags = saved[i].flags & ~(GTF_reading | GTF_writing);
        }
    }
}

static int drop_status_frames(struct grant_table *t)
{
    for (unsigned i = 0; i < t->nr_status_frames; i++)
        if (mfn_to_page(page_mfn(t->status[i]))->refcount)
            return -XEN_EBUSY;     /* the guest still maps it */
    while (t->nr_status_frames)
        take_back_page(t->status[--t->nr_status_frames]);
    return 0;
}

static int switch_version(struct grant_table *t, unsigned version)
{
    struct reserved_entry saved[GNTTAB_NR_RESERVED_ENTRIES];
    unsigned old = t->version;
    int rc;

    /* Only the reserved entries may stay in use across a switch. */
    for (uint32_t i = GNTTAB_NR_RESERVED_ENTRIES; i < grant_nr_entries(t); i++)
        if (grant_active_pinned(grant_active_entry(t, i)))
            return -XEN_EBUSY;
    rc = save_reserved(t, saved);
    if (rc)
        return rc;
    if (version == 2) {
        t->version = 2;
        if (!grow_status(t, t->nr_frames)) {
            t->version = old;
            return -XEN_ENOMEM;
        }
    } else if ((rc = drop_status_frames(t)) != 0) {
        return rc;
    }
    t->version = version;
    for (unsigned i = 0; i < t->nr_frames; i++)
        memset(t->shared[i], 0, PAGE_SIZE);
    for (unsigned i = 0; i < t->nr_status_frames; i++)
        memset(t->status[i], 0, PAGE_SIZE);
    restore_reserved(t, saved);
    return 0;
}

static long set_version(uint64_t uop)
{
    struct gnttab_set_version op;
    struct grant_table *t;
    long rc = 0;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    spin_lock(&grant_lock);
    t = grant_table_of(current_domain());
    if (!t)
        rc = -XEN_ENOMEM;
    else if (op.version != 1 && op.version != 2)
        rc = -XEN_EINVAL;
    /* Xen's answer to a domain created without version 2: as if the
     * operation did not exist. */
    else if (op.version > t->max_version)
        rc = -XEN_ENOSYS;
    else if (op.version != t->version)
        rc = switch_version(t, op.version);
    op.version = t ? t->version : 1;
    spin_unlock(&grant_lock);
    if (copy_to_guest(uop, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}

static long get_status_frames(uint64_t uop)
{
    struct gnttab_get_status_frames op;
    struct grant_table *t;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    op.status = GNTST_okay;
    d = grant_target_domain(op.dom, &op.status);
    if (d) {
        spin_lock(&grant_lock);
        t = grant_table_of(d);
        if (!t || op.nr_frames > t->nr_status_frames)
            op.status = GNTST_general_error;
        for (unsigned i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
            uint64_t frame = page_mfn(t->status[i]);

            if (copy_to_guest((uint64_t)(unsigned long)op.frame_list.p + i * sizeof(frame), &frame, sizeof(frame)))
                op.status = GNTST_bad_virt_addr;
        }
        spin_unlock(&grant_lock);
    }
    if (copy_to_guest(uop + offsetof(struct gnttab_get_status_frames, status), &op.status,
                      sizeof(op.status)))
        return -XEN_EFAULT;
    return 0;
}

static void dump_entries(struct grant_table *t)
{
    printk("grant table of d%u: v%u, %u of %u frames, %u of %u maptrack frames, %u handles in use\n",
           t->domid, t->version, t->nr_frames, t->max_frames, t->maptrack.nr_chunks,
           t->max_maptrack_frames, t->maptrack.in_use);
    for (uint32_t ref = 0; ref < grant_nr_entries(t); ref++) {
        struct grant_entry_ref e = grant_entry_words(t, ref);
        const grant_entry_header_t *h = (const void *)e.header;
        const struct grant_active *a = grant_active_entry(t, ref);

        if (!h->flags && !grant_active_pinned(a))
            continue;
        printk("  [%u] flags %#x status %#x domid %u frame %#lx pins host r%u/w%u dev r%u/w%u\n",
               ref, h->flags, *e.status, h->domid,
               (unsigned long)grant_entry_frame(h, t->version), a->host_ro, a->host_rw,
               a->dev_ro, a->dev_rw);
    }
}

static long dump_table(uint64_t uop)
{
    struct gnttab_dump_table op;
    struct grant_table *t;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -XEN_EFAULT;
    op.status = GNTST_okay;
    d = grant_target_domain(op.dom, &op.status);
    if (d) {
        spin_lock(&grant_lock);
        t = grant_table_of(d);
        if (t)
            dump_entries(t);
        else
            op.status = GNTST_general_error;
        spin_unlock(&grant_lock);
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

HYPERCALL_HANDLER(do_grant_table_op)
{
    uint64_t cmd = (uint32_t)a1, uop = a2;
    unsigned count = (unsigned)a3;

    (void)a4;
    (void)a5;
    if ((cmd >> GNTTABOP_CMD_BITS) || (int)count < 0)
        return -XEN_EINVAL;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return grant_map_op(uop, count);
    case GNTTABOP_unmap_grant_ref:
        return grant_unmap_op(uop, count, false);
    case GNTTABOP_unmap_and_replace:
        return grant_unmap_op(uop, count, true);
    case GNTTABOP_copy:
        return grant_copy_op(uop, count);
    case GNTTABOP_setup_table:
    case GNTTABOP_query_size:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
    case GNTTABOP_get_status_frames:
    case GNTTABOP_dump_table:
        break;
    default:
        /* transfer, swap_grant_ref, cache_flush: no client needs them yet. */
        return -XEN_ENOSYS;
    }
    if (count != 1)
        return -XEN_EINVAL;
    switch (cmd) {
    case GNTTABOP_setup_table:
        return setup_table(uop);
    case GNTTABOP_query_size:
        return query_size(uop);
    case GNTTABOP_set_version:
        return set_version(uop);
    case GNTTABOP_get_version:
        return get_version(uop);
    case GNTTABOP_get_status_frames:
        return get_status_frames(uop);
    default:
        return dump_table(uop);
    }
}

void grant_table_domain_destroy(struct domain *d)
{
    struct grant_table *t;

    spin_lock(&grant_lock);
    t = d->grant_table;
    /* Its own entries stay as they are until grant_table_domain_free:
     * the domain is dying, so nobody takes a new pin on them. */
    if (t)
        grant_release_mappings(t);
    spin_unlock(&grant_lock);
}

void grant_table_domain_free(struct domain *d)
{
    struct grant_table *t;

    spin_lock(&grant_lock);
    t = d->grant_table;
    d->grant_table = NULL;
    if (t) {
        /* Pins still held settle without looking at its entries. */
        t->d = NULL;
        give_back_frames(t);
        /* Others' mappings of its grants keep the table until they go. */
        if (!t->outstanding)
            free_table(t);
    }
    spin_unlock(&grant_lock);
}
