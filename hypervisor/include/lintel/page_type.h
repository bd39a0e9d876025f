/*
 * The page-type state machine of PV memory management (issue 5), on the
 * frame table alone.
 *
 * Every frame a PV guest can name has two counts in its page_info:
 *   refcount    general references: the owner's allocation (ALLOCATED flag),
 *               every page-table entry that maps it, pins and roots. The
 *               frame goes back to the allocator only when this reaches 0.
 *   type_count  references that keep its type: L1..L4 while something uses
 *               it as a page table of that level (a pin, a root, an entry of
 *               the level above), WRITABLE while some L1 entry maps it
 *               read-write. A frame has one type at a time, so it can never
 *               be a page table and writable at once.
 * A table's entries are validated when its type count goes 0 -> 1 (each
 * present entry takes the references above on what it points to) and
 * released when the count drops back to 0.
 *
 * Pure logic, also compiled on the host: the frame contents are reached
 * through a callback so the unit tests can hand it ordinary arrays.
 */
#ifndef LINTEL_PAGE_TYPE_H
#define LINTEL_PAGE_TYPE_H

#include <lintel/frame.h>
#include <lintel/types.h>

#define PT_ENTRIES 512

/* page_info.flags bits beyond FRAME_FLAG_CLAIMED (frame.h). */
#define FRAME_FLAG_PINNED     0x02  /* one pin reference is held */
#define FRAME_FLAG_VALIDATING 0x04  /* its entries are being validated */
#define FRAME_FLAG_ALLOCATED  0x08  /* the owner's allocation reference is held */
/* 0x10 is domain_memory.c's (a frame of domain memory). */
#define FRAME_FLAG_PARTIAL    0x20  /* validation stopped part way (preempted) */
#define FRAME_FLAG_CHILD_PARTIAL 0x40 /* ...inside the table its entry
                                       * nr_validated names, partial too */

/*
 * Preemptible validation (pins and new roots, as on Xen): a table of level
 * 2-4 may stop between two entries when env->preempt says so and answer
 * PT_ERESTART; the caller turns that into a hypercall continuation, and the
 * re-executed request resumes where it stopped. Meanwhile the frame is
 * PARTIAL: it keeps its type with type_count 0 (so nobody can write it or
 * use it as another type), holds one general reference on itself, and
 * entries [0, nr_validated) hold their references. Whoever next asks for
 * the same type continues it; teardown undoes it. Never seen by a guest.
 */
#define PT_ERESTART 85

/* The guest L4 slots that belong to the hypervisor (0xffff8000... to
 * 0xffff87ff...): never validated, always overwritten by the hypervisor. */
#define PT_HV_L4_FIRST 256
#define PT_HV_L4_LAST  271

/* Entry bits the rules look at (architectural). */
#define PT_PRESENT  (1ULL << 0)
#define PT_RW       (1ULL << 1)
#define PT_USER     (1ULL << 2)
#define PT_PWT      (1ULL << 3)
#define PT_PCD      (1ULL << 4)
#define PT_ACCESSED (1ULL << 5)
#define PT_DIRTY    (1ULL << 6)
#define PT_PSE      (1ULL << 7)     /* PAT in an L1 entry */
#define PT_GLOBAL   (1ULL << 8)
#define PT_NX       (1ULL << 63)
#define PT_ADDR     0x000ffffffffff000ULL

struct pt_env {
    struct page_info *frames;
    uint64_t nr_frames;
    /* The 512 entries of a frame, writable by the caller (ring 0: the
     * direct map). Only called for frames of type L1..L4. */
    uint64_t *(*entries)(void *opaque, uint64_t mfn);
    /* The last general reference went: the frame goes back to the allocator. */
    void (*released)(void *opaque, uint64_t mfn);
    /* Fills the hypervisor's slots of a freshly validated L4 (may be NULL). */
    void (*install_hv_slots)(void *opaque, uint64_t *l4);
    /* The last writable mapping of a frame went, and a frame is about to be
     * validated as a page table: stale writable TLB entries must be flushed
     * in between, or the guest could still write a validated table (both
     * may be NULL). */
    void (*writable_gone)(void *opaque, uint64_t mfn);
    void (*becoming_table)(void *opaque, uint64_t mfn);
    /* Hypervisor frames (owner FRAME_OWNER_XEN) that a leaf whose page
     * owner is DOMID_XEN may map read-only (may be NULL: none). */
    bool (*xen_shared_ro)(void *opaque, uint64_t mfn);
    /* Whether a preemptible validation should stop now (may be NULL). */
    bool (*preempt)(void *opaque);
    void *opaque;
};

/* Whose table it is and what that domain may map. */
struct pt_owner {
    uint16_t id;
    bool io_ok;         /* privileged: MMIO frames and cache attributes */
};

static inline uint64_t pt_entry_mfn(uint64_t e)
{
    return (e & PT_ADDR) >> 12;
}

static inline bool pt_is_table_type(unsigned type)
{
    return type >= FRAME_TYPE_L1 && type <= FRAME_TYPE_L4;
}

static inline bool pt_is_hv_l4_slot(unsigned slot)
{
    return slot >= PT_HV_L4_FIRST && slot <= PT_HV_L4_LAST;
}

/* General references. get fails (-EINVAL) unless owner.id owns the frame. */
int pt_get_page(const struct pt_env *env, uint64_t mfn, uint16_t owner);
void pt_put_page(const struct pt_env *env, uint64_t mfn);

/*
 * Type references; the caller holds a general reference. Returns -EINVAL
 * when the frame has another type (or is mid-validation), or the error of
 * the entry that failed validation, with nothing changed.
 */
int pt_get_type(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                unsigned type);
void pt_put_type(const struct pt_env *env, uint64_t mfn);
int pt_get_page_and_type(const struct pt_env *env, const struct pt_owner *o,
                         uint64_t mfn, unsigned type);
void pt_put_page_and_type(const struct pt_env *env, uint64_t mfn);

/* As above, but validation may stop with -PT_ERESTART (see above): the
 * general reference of pt_get_page_and_type_preemptible is then dropped
 * again, and the frame stays PARTIAL until asked again. */
int pt_get_type_preemptible(const struct pt_env *env, const struct pt_owner *o,
                            uint64_t mfn, unsigned type);
int pt_get_page_and_type_preemptible(const struct pt_env *env, const struct pt_owner *o,
                                     uint64_t mfn, unsigned type);

/* Bits an entry of a level-`level` table may not have (-EINVAL if it does). */
int pt_check_entry_flags(unsigned level, uint64_t entry, bool io_ok);

/*
 * An L1 entry naming a frame that is not pg_owner's, or a typed frame
 * read-write, fails with -EBUSY (Xen's value); every other refusal is
 * -EINVAL.
 *
 * One entry of a page table of owner o changes (mmu_update): validates the
 * new entry (L1 targets must belong to pg_owner, normally o itself),
 * takes its references, stores it and drops the old one's. A frame that is
 * not a page table is written as plain memory (it must be o's and able to
 * be writable). The hypervisor's L4 slots are refused.
 */
int pt_update_entry(const struct pt_env *env, const struct pt_owner *o,
                    const struct pt_owner *pg_owner, uint64_t table_mfn,
                    unsigned index, uint64_t new_entry);

/* mmu_update's: an upper-level entry's new table may stop part way
 * through its validation (-PT_ERESTART, nothing stored yet). */
int pt_update_entry_preemptible(const struct pt_env *env, const struct pt_owner *o,
                                const struct pt_owner *pg_owner, uint64_t table_mfn,
                                unsigned index, uint64_t new_entry);

/* MMUEXT_PIN_Lx_TABLE / MMUEXT_UNPIN_TABLE. */
int pt_pin(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
           unsigned level);
int pt_unpin(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn);
/* A pin whose validation may stop with -PT_ERESTART (not pinned yet then). */
int pt_pin_preemptible(const struct pt_env *env, const struct pt_owner *o, uint64_t mfn,
                       unsigned level);

/* Hands out a frame to its owner: refcount 1 (ALLOCATED), no type. */
void pt_assign_allocated(struct page_info *pg, uint16_t owner);
/* Drops the allocation reference (decrease_reservation); -EINVAL when the
 * owner's allocation reference is already gone or it is not o's. */
int pt_drop_allocation(const struct pt_env *env, uint16_t owner, uint64_t mfn);

/* The owner of a dead domain's frames that another domain still maps:
 * nobody can take a new reference on them (a later domain reusing the id
 * must not inherit them); the last mapping to go frees them. */
#define PT_OWNER_ORPHAN 0x7FF5

/*
 * A dying domain's frames, chained from *head through page_info.next: undoes
 * every stopped validation, drops every pin, then every allocation
 * reference. With its vCPU roots gone
 * first (the caller's job), all of its tables devalidate in the first pass,
 * so the second frees every frame nobody else references; frames another
 * domain still maps stay until that mapping goes, owned by PT_OWNER_ORPHAN.
 */
/* head is the owner's list head, kept current by env->released. */
void pt_release_domain_frames(const struct pt_env *env, uint16_t owner, uint32_t *head);

#endif
