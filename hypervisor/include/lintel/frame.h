/*
 * The frame table and the frame (physical page) allocator.
 *
 * Every machine frame has a struct page_info recording who owns it, what it
 * is used as (its type, as the PV memory manager will enforce: page-table
 * levels, descriptor tables, writable) and two reference counts: general
 * references keep the frame allocated to its owner, type references keep
 * its type. The allocator is a binary buddy allocator whose free lists are
 * threaded through the frame table itself.
 *
 * Pure logic: also compiled into the host unit tests, which hand it an
 * ordinary array as the frame table.
 */
#ifndef LINTEL_FRAME_H
#define LINTEL_FRAME_H

#include <lintel/types.h>

/* Owners are domain ids; these special ones have Xen's values. */
#define FRAME_OWNER_IO      0x7FF1  /* DOMID_IO: MMIO and firmware frames */
#define FRAME_OWNER_XEN     0x7FF2  /* DOMID_XEN: the hypervisor itself */
#define FRAME_OWNER_NONE    0x7FF4  /* DOMID_INVALID: free */

enum frame_state {
    FRAME_RESERVED,     /* not RAM we manage: holes, firmware, MMIO */
    FRAME_FREE,         /* in the buddy free lists */
    FRAME_IN_USE,       /* allocated to its owner */
};

enum frame_type {
    FRAME_TYPE_NONE,
    FRAME_TYPE_L1,              /* PV page-table levels */
    FRAME_TYPE_L2,
    FRAME_TYPE_L3,
    FRAME_TYPE_L4,
    FRAME_TYPE_SEG_DESC,        /* GDT/LDT frames */
    FRAME_TYPE_WRITABLE,
    FRAME_TYPE_BOOT_MODULE,     /* loader-provided module not yet consumed */
    FRAME_TYPE_HYPERVISOR,      /* image, frame table, heap, page tables */
};

#define FRAME_LINK_NONE UINT32_MAX
#define FRAME_MAX_ORDER 18          /* 1 GiB blocks */
#define FRAME_NOT_HEAD  0xff

struct page_info {
    uint32_t next, prev;        /* free-list links: frame numbers */
    uint32_t refcount;
    uint32_t type_count;
    uint16_t owner;
    uint8_t type;               /* enum frame_type */
    uint8_t state;              /* enum frame_state */
    uint8_t order;              /* block order on a block's first frame */
    uint8_t flags;
    uint16_t nr_validated;      /* PV: entries done of a table whose
                                 * validation stopped part way */
};

struct frame_allocator {
    struct page_info *table;
    uint64_t nr_frames;
    uint32_t free_head[FRAME_MAX_ORDER + 1];
    uint64_t free_frames;
    uint64_t total_frames;      /* every frame ever handed in as free */
};

#define INVALID_MFN UINT64_MAX

void frame_allocator_init(struct frame_allocator *fa, struct page_info *table,
                          uint64_t nr_frames);
/*
 * Hands [first, first+count) to the allocator. Every frame must be
 * FRAME_RESERVED; returns -EINVAL (range outside the table) or -EEXIST
 * (some frame already free or in use) and changes nothing then.
 */
int frame_add_free_range(struct frame_allocator *fa, uint64_t first, uint64_t count);
/* Returns the first frame of an aligned 2^order block, or INVALID_MFN. */
uint64_t frame_alloc(struct frame_allocator *fa, unsigned order, uint16_t owner,
                     enum frame_type type);
/*
 * Returns a block to the free lists. -EALREADY on a double free, -EINVAL
 * if mfn/order do not name a block that frame_alloc handed out.
 */
int frame_free(struct frame_allocator *fa, uint64_t mfn, unsigned order);
/*
 * Marks reserved frames as in use by owner/type without going through the
 * free lists: the image, boot modules and firmware-handed data are already
 * where they are. -EEXIST unless every frame is FRAME_RESERVED.
 */
int frame_claim_range(struct frame_allocator *fa, uint64_t first, uint64_t count,
                      uint16_t owner, enum frame_type type);
/* Frees a range taken by frame_claim_range (e.g. a consumed boot module). */
int frame_release_range(struct frame_allocator *fa, uint64_t first, uint64_t count);
/* Order of the largest free block, or -1 when nothing is free. */
int frame_largest_free_order(const struct frame_allocator *fa);

#define FRAME_FLAG_CLAIMED 0x01

#endif
