/*
 * The page-type state machine (see page_type.h for the rules).
 *
 * Recursion is bounded by the paging levels: validating a level-n table
 * only ever validates tables of level n-1, and the one same-level reference
 * allowed (a read-only entry naming the table itself, the recursive map
 * Linux and Mini-OS use) takes no type reference, so neither validation nor
 * release can chain through an unbounded number of tables.
 */
#include <lintel/errno.h>
#include <lintel/page_type.h>

#define PT_CACHE_ATTRS    (PT_PWT | PT_PCD | PT_PSE)

static struct page_info *frame(const struct pt_env *env, uint64_t mfn)
{
    return &env->frames[mfn];
}

int pt_get_page(const struct pt_env *env, uint64_t mfn, uint16_t owner)
{
    struct page_info *pg;

    if (mfn >= env->nr_frames)
        return -EINVAL;
    pg = frame(env, mfn);
    /* refcount 0 is a hypervisor page lent to the owner (shared_info). */
    if (pg->state != FRAME_IN_USE || pg->owner != owner || pg->refcount == UINT32_MAX)
        return -EINVAL;
    pg->refcount++;
    return 0;
}

void pt_put_page(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = frame(env, mfn);

    if (--pg->refcount == 0 && env->released)
        env->released(env->opaque, mfn);
}

int pt_check_entry_flags(unsigned level, uint64_t entry, bool io_ok)
{
    /* Bits 52-62 are ignored by the CPU (no protection keys for guests):
     * the guest may keep its own data there at every level, as on Xen. */
    uint64_t refused = 0;

    if (!(entry & PT_PRESENT))
        return 0;
    if (level == 1) {
        if (!io_ok)
            refused |= PT_CACHE_ATTRS;
    } else {
        /* No superpages for PV guests: every mapping goes through an L1. */
        refused |= PT_CACHE_ATTRS | PT_GLOBAL;
    }
    return (entry & refused) ? -EINVAL : 0;
}

/*
 * The guest kernel runs in ring 3, so every level must allow user access.
 * Kernel-only leaves lose GLOBAL: the user root does not map them, and a
 * global TLB entry would outlive the switch to it.
 */
static uint64_t adjust_for_ring3(unsigned level, uint64_t e)
{
    if (!(e & PT_PRESENT))
        return e;
    if (level == 1 && !(e & PT_USER))
        e &= ~PT_GLOBAL;
    return e | PT_USER;
}

static bool is_io_frame(const struct pt_env *env, uint64_t mfn)
{
    const struct page_info *pg;

    if (mfn >= env->nr_frames)
        return true;
    pg = &env->frames[mfn];
    return pg->state == FRAME_RESERVED || pg->owner == FRAME_OWNER_IO;
}

static int get_leaf_refs(const struct pt_env *env, const struct pt_owner *pg_owner,
                         uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);

    if (is_io_frame(env, mfn))
        return pg_owner->io_ok ? 0 : -EINVAL;
    /* DOMID_XEN names the hypervisor's own frames: only those it shares,
     * and never writable (their type is not the guest's to take). */
    if (pg_owner->id == FRAME_OWNER_XEN &&
        ((e & PT_RW) || !env->xen_shared_ro || !env->xen_shared_ro(env->opaque, mfn)))
        return -EBUSY;
    /* Xen's answer to a leaf it cannot reference (not the owner's, or typed
     * and mapped writable) is -EBUSY; one level up it is -EINVAL. */
    if (pt_get_page(env, mfn, pg_owner->id))
        return -EBUSY;
    if ((e & PT_RW) && pt_get_type(env, pg_owner, mfn, FRAME_TYPE_WRITABLE)) {
        pt_put_page(env, mfn);
        return -EBUSY;
    }
    return 0;
}

static void put_leaf_refs(const struct pt_env *env, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);

    if (is_io_frame(env, mfn))
        return;
    if (e & PT_RW)
        pt_put_type(env, mfn);
    pt_put_page(env, mfn);
}

static int get_type(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                    unsigned type, bool preemptible);

/* resume: the general reference was taken before the validation stopped
 * inside this entry's table; on PT_ERESTART it stays taken. */
static int get_table_refs(const struct pt_env *env, const struct pt_owner *o,
                          uint64_t table_mfn, unsigned level, uint64_t e, bool resume,
                          bool preemptible)
{
    uint64_t mfn = pt_entry_mfn(e);
    int rc;

    if (!resume && pt_get_page(env, mfn, o->id))
        return -EINVAL;
    rc = get_type(env, o, mfn, level - 1, preemptible);
    if (rc == 0 || rc == -PT_ERESTART)
        return rc;
    /* The recursive map: read-only, so the guest can read its tables
     * through it but never write them. */
    if (mfn == table_mfn && !(e & PT_RW))
        return 0;
    pt_put_page(env, mfn);
    return rc;
}

static void put_table_refs(const struct pt_env *env, uint64_t table_mfn, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);

    if (mfn != table_mfn)
        pt_put_type(env, mfn);
    pt_put_page(env, mfn);
}

static int get_entry_refs(const struct pt_env *env, const struct pt_owner *o,
                          const struct pt_owner *pg_owner, uint64_t table_mfn,
                          unsigned level, uint64_t e, bool resume, bool preemptible)
{
    int rc;

    if (!(e & PT_PRESENT))
        return 0;
    rc = pt_check_entry_flags(level, e, pg_owner->io_ok);
    if (rc)
        return rc;
    if (level == 1)
        return get_leaf_refs(env, pg_owner, e);
    return get_table_refs(env, o, table_mfn, level, e, resume, preemptible);
}

static void put_entry_refs(const struct pt_env *env, uint64_t table_mfn, unsigned level,
                           uint64_t e)
{
    if (!(e & PT_PRESENT))
        return;
    if (level == 1)
        put_leaf_refs(env, e);
    else
        put_table_refs(env, table_mfn, e);
}

static bool slot_is_guests(unsigned level, unsigned slot)
{
    return level != 4 || !pt_is_hv_l4_slot(slot);
}

static void release_entries(const struct pt_env *env, uint64_t mfn, unsigned level,
                            unsigned count)
{
    uint64_t *t = env->entries(env->opaque, mfn);

    for (unsigned i = 0; i < count; i++)
        if (slot_is_guests(level, i))
            put_entry_refs(env, mfn, level, t[i]);
}

static void stop_at(struct page_info *pg, unsigned index, bool inside_child)
{
    pg->nr_validated = (uint16_t)index;
    if (inside_child)
        pg->flags |= FRAME_FLAG_CHILD_PARTIAL;
    else
        pg->flags &= ~FRAME_FLAG_CHILD_PARTIAL;
}

static bool should_stop(const struct pt_env *env, bool preemptible, unsigned level)
{
    /* An L1 is 512 leaf checks at most: stopping inside it buys nothing. */
    return preemptible && level > 1 && env->preempt && env->preempt(env->opaque);
}

static int validate_table(const struct pt_env *env, const struct pt_owner *o,
                          uint64_t mfn, unsigned level, bool preemptible)
{
    struct page_info *pg = frame(env, mfn);
    uint64_t *t = env->entries(env->opaque, mfn);
    bool resuming = pg->flags & FRAME_FLAG_PARTIAL;
    unsigned start = resuming ? pg->nr_validated : 0;
    bool inside_child = resuming && (pg->flags & FRAME_FLAG_CHILD_PARTIAL);

    for (unsigned i = start; i < PT_ENTRIES; i++) {
        int rc;

        if (!slot_is_guests(level, i))
            continue;
        /* Only after one entry's progress, so a continuation always ends,
         * and only before real work (an empty entry costs nothing). */
        if (i > start && (t[i] & PT_PRESENT) && should_stop(env, preemptible, level)) {
            stop_at(pg, i, false);
            return -PT_ERESTART;
        }
        rc = get_entry_refs(env, o, o, mfn, level, t[i], inside_child && i == start,
                            preemptible);
        if (rc == -PT_ERESTART) {
            stop_at(pg, i, true);
            return rc;
        }
        if (rc) {
            release_entries(env, mfn, level, i);
            return rc;
        }
        t[i] = adjust_for_ring3(level, t[i]);
    }
    if (level == 4 && env->install_hv_slots)
        env->install_hv_slots(env->opaque, t);
    return 0;
}

/* The partial state ends (validated or refused): its self-reference goes;
 * the caller still holds a general reference, so the frame stays. */
static void end_partial(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = frame(env, mfn);

    if (!(pg->flags & FRAME_FLAG_PARTIAL))
        return;
    pg->flags &= ~(FRAME_FLAG_PARTIAL | FRAME_FLAG_CHILD_PARTIAL);
    pg->nr_validated = 0;
    pt_put_page(env, mfn);
}

static int validate_as(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                       unsigned type, bool preemptible)
{
    struct page_info *pg = frame(env, mfn);
    int rc;

    /* Marked first: an entry below that names this frame again must
     * see it as taken, not validate it a second time. */
    pg->flags |= FRAME_FLAG_VALIDATING;
    rc = validate_table(env, o, mfn, type, preemptible);
    pg->flags &= ~FRAME_FLAG_VALIDATING;
    if (rc == -PT_ERESTART) {
        if (!(pg->flags & FRAME_FLAG_PARTIAL)) {
            pg->flags |= FRAME_FLAG_PARTIAL;
            pg->refcount++;     /* nobody may free it while it is half done */
        }
        return rc;
    }
    end_partial(env, mfn);
    return rc;
}

static int get_type(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                    unsigned type, bool preemptible)
{
    struct page_info *pg = frame(env, mfn);
    int rc;

    if (pg->type_count) {
        if (pg->type != type || pg->type_count == UINT32_MAX)
            return -EINVAL;
        pg->type_count++;
        return 0;
    }
    if (pg->flags & FRAME_FLAG_VALIDATING)
        return -EINVAL;
    if (pg->flags & FRAME_FLAG_PARTIAL) {
        if (pg->type != type)
            return -EINVAL;
    } else {
        if (type == FRAME_TYPE_NONE || type > FRAME_TYPE_WRITABLE)
            return -EINVAL;
        pg->type = type;
        if (pt_is_table_type(type) && env->becoming_table)
            env->becoming_table(env->opaque, mfn);
    }
    if (pt_is_table_type(type)) {
        rc = validate_as(env, o, mfn, type, preemptible);
        if (rc) {
            if (rc != -PT_ERESTART)
                pg->type = FRAME_TYPE_NONE;
            return rc;
        }
    }
    pg->type_count = 1;
    return 0;
}

int pt_get_type(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                unsigned type)
{
    return get_type(env, o, mfn, type, false);
}

int pt_get_type_preemptible(const struct pt_env *env, const struct pt_owner *o,
                            uint64_t mfn, unsigned type)
{
    return get_type(env, o, mfn, type, true);
}

void pt_put_type(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = frame(env, mfn);

    if (pg->type_count == 0)
        return;
    if (pg->type_count > 1) {
        pg->type_count--;
        return;
    }
    /* Still typed while its entries go, so a recursive entry sees itself. */
    if (pt_is_table_type(pg->type))
        release_entries(env, mfn, pg->type, PT_ENTRIES);
    pg->type_count = 0;
    if (pg->type == FRAME_TYPE_WRITABLE && env->writable_gone)
        env->writable_gone(env->opaque, mfn);
    pg->type = FRAME_TYPE_NONE;
}

static int get_page_and_type(const struct pt_env *env, const struct pt_owner *o,
                             uint64_t mfn, unsigned type, bool preemptible)
{
    int rc;

    if (pt_get_page(env, mfn, o->id))
        return -EINVAL;
    rc = get_type(env, o, mfn, type, preemptible);
    if (rc)
        pt_put_page(env, mfn);
    return rc;
}

int pt_get_page_and_type(const struct pt_env *env, const struct pt_owner *o,
                         uint64_t mfn, unsigned type)
{
    return get_page_and_type(env, o, mfn, type, false);
}

int pt_get_page_and_type_preemptible(const struct pt_env *env, const struct pt_owner *o,
                                     uint64_t mfn, unsigned type)
{
    return get_page_and_type(env, o, mfn, type, true);
}

void pt_put_page_and_type(const struct pt_env *env, uint64_t mfn)
{
    pt_put_type(env, mfn);
    pt_put_page(env, mfn);
}

static int update_table_entry(const struct pt_env *env, const struct pt_owner *o,
                              const struct pt_owner *pg_owner, uint64_t table_mfn,
                              unsigned level, unsigned index, uint64_t new_entry,
                              bool preemptible)
{
    uint64_t *t, old;
    int rc;

    if (!slot_is_guests(level, index))
        return -EINVAL;
    t = env->entries(env->opaque, table_mfn);
    old = t[index];
    /* New references first: if old and new name the same frame, dropping
     * the old ones first could free or retype it in between. */
    rc = get_entry_refs(env, o, level == 1 ? pg_owner : o, table_mfn, level, new_entry,
                        false, preemptible);
    if (rc == -PT_ERESTART) {
        /* The table below stays partial (holding itself); the request
         * comes again and takes its reference afresh. */
        pt_put_page(env, pt_entry_mfn(new_entry));
        return rc;
    }
    if (rc)
        return rc;
    t[index] = adjust_for_ring3(level, new_entry);
    put_entry_refs(env, table_mfn, level, old);
    return 0;
}

static int write_plain_entry(const struct pt_env *env, const struct pt_owner *o,
                             uint64_t mfn, unsigned index, uint64_t value)
{
    int rc = pt_get_type(env, o, mfn, FRAME_TYPE_WRITABLE);

    if (rc)
        return rc;
    env->entries(env->opaque, mfn)[index] = value;
    pt_put_type(env, mfn);
    return 0;
}

static int update_entry(const struct pt_env *env, const struct pt_owner *o,
                        const struct pt_owner *pg_owner, uint64_t table_mfn,
                        unsigned index, uint64_t new_entry, bool preemptible)
{
    struct page_info *pg;
    int rc;

    if (index >= PT_ENTRIES || pt_get_page(env, table_mfn, o->id))
        return -EINVAL;
    pg = frame(env, table_mfn);
    if (pg->type_count && pt_is_table_type(pg->type))
        rc = update_table_entry(env, o, pg_owner, table_mfn, pg->type, index, new_entry,
                                preemptible);
    else
        rc = write_plain_entry(env, o, table_mfn, index, new_entry);
    pt_put_page(env, table_mfn);
    return rc;
}

int pt_update_entry(const struct pt_env *env, const struct pt_owner *o,
                    const struct pt_owner *pg_owner, uint64_t table_mfn,
                    unsigned index, uint64_t new_entry)
{
    return update_entry(env, o, pg_owner, table_mfn, index, new_entry, false);
}

int pt_update_entry_preemptible(const struct pt_env *env, const struct pt_owner *o,
                                const struct pt_owner *pg_owner, uint64_t table_mfn,
                                unsigned index, uint64_t new_entry)
{
    return update_entry(env, o, pg_owner, table_mfn, index, new_entry, true);
}

static int pin(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
               unsigned level, bool preemptible)
{
    int rc;

    if (!pt_is_table_type(level) || pt_get_page(env, mfn, o->id))
        return -EINVAL;
    if (frame(env, mfn)->flags & FRAME_FLAG_PINNED) {
        pt_put_page(env, mfn);
        return -EINVAL;
    }
    rc = get_type(env, o, mfn, level, preemptible);
    if (rc) {
        pt_put_page(env, mfn);
        return rc;
    }
    frame(env, mfn)->flags |= FRAME_FLAG_PINNED;
    return 0;
}

int pt_pin(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
           unsigned level)
{
    return pin(env, o, mfn, level, false);
}

int pt_pin_preemptible(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                       unsigned level)
{
    return pin(env, o, mfn, level, true);
}

static bool owned_by(const struct pt_env *env, uint64_t mfn, uint16_t owner)
{
    return mfn < env->nr_frames && env->frames[mfn].state == FRAME_IN_USE &&
           env->frames[mfn].owner == owner && env->frames[mfn].refcount > 0;
}

int pt_unpin(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn)
{
    struct page_info *pg;

    if (!owned_by(env, mfn, o->id))
        return -EINVAL;
    pg = frame(env, mfn);
    if (!(pg->flags & FRAME_FLAG_PINNED))
        return -EINVAL;
    pg->flags &= ~FRAME_FLAG_PINNED;
    pt_put_page_and_type(env, mfn);
    return 0;
}

/* Undoes a stopped validation: the entries it took, the table it stopped
 * in (unless someone finished that one since), its self-reference. */
static void abort_partial(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = frame(env, mfn);
    unsigned done = pg->nr_validated;
    uint64_t child = FRAME_LINK_NONE;

    if (!(pg->flags & FRAME_FLAG_PARTIAL))
        return;
    if (pg->flags & FRAME_FLAG_CHILD_PARTIAL)
        child = pt_entry_mfn(env->entries(env->opaque, mfn)[done]);
    pg->flags &= ~(FRAME_FLAG_PARTIAL | FRAME_FLAG_CHILD_PARTIAL);
    pg->nr_validated = 0;
    release_entries(env, mfn, pg->type, done);
    if (child != FRAME_LINK_NONE) {
        abort_partial(env, child);
        pt_put_page(env, child);
    }
    pg->type = FRAME_TYPE_NONE;
    pt_put_page(env, mfn);
}

/* An abort may free frames (given back while half validated), which
 * unlinks them from the chain: start the walk again after each. */
static void abort_partial_frames(const struct pt_env *env, uint32_t *head)
{
    bool again = true;

    while (again) {
        again = false;
        for (uint32_t mfn = *head; mfn != FRAME_LINK_NONE; mfn = env->frames[mfn].next) {
            if (env->frames[mfn].flags & FRAME_FLAG_PARTIAL) {
                abort_partial(env, mfn);
                again = true;
                break;
            }
        }
    }
}

void pt_release_domain_frames(const struct pt_env *env, uint16_t owner, uint32_t *head)
{
    uint32_t mfn, next;

    abort_partial_frames(env, head);
    /* No frame is freed in this pass (allocation references remain), so
     * the chain stays intact while it is walked. */
    for (mfn = *head; mfn != FRAME_LINK_NONE; mfn = env->frames[mfn].next) {
        struct page_info *pg = frame(env, mfn);

        if (pg->flags & FRAME_FLAG_PINNED) {
            pg->flags &= ~FRAME_FLAG_PINNED;
            pt_put_page_and_type(env, mfn);
        }
    }
    /* Freeing a frame unlinks only that frame: read its successor first. */
    for (mfn = *head; mfn != FRAME_LINK_NONE; mfn = next) {
        struct page_info *pg = frame(env, mfn);

        next = pg->next;
        pt_drop_allocation(env, owner, mfn);
        if (pg->state == FRAME_IN_USE && pg->owner == owner && pg->refcount)
            pg->owner = PT_OWNER_ORPHAN;
    }
}

void pt_assign_allocated(struct page_info *pg, uint16_t owner)
{
    pg->owner = owner;
    pg->refcount = 1;
    pg->type = FRAME_TYPE_NONE;
    pg->type_count = 0;
    pg->flags = FRAME_FLAG_ALLOCATED;
}

int pt_drop_allocation(const struct pt_env *env, uint16_t owner, uint64_t mfn)
{
    struct page_info *pg;

    if (!owned_by(env, mfn, owner))
        return -EINVAL;
    pg = frame(env, mfn);
    if (!(pg->flags & FRAME_FLAG_ALLOCATED))
        return -EINVAL;
    /* A pin would keep a frame the guest gave back alive forever. */
    if (pg->flags & FRAME_FLAG_PINNED) {
        pg->flags &= ~FRAME_FLAG_PINNED;
        pt_put_page_and_type(env, mfn);
    }
    pg->flags &= ~FRAME_FLAG_ALLOCATED;
    pt_put_page(env, mfn);
    return 0;
}
