/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: grant tables, HYPERVISOR_grant_table_op(cmd, args, count).
 *
 * A domain offers one of its frames to another by filling an entry of its
 * grant table; the peer then maps or copies it by (domain, grant reference).
 */
#ifndef LINTEL_PUBLIC_GRANT_TABLE_H
#define LINTEL_PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;

/* Version 1 entry: written by the granting domain, flags updated by both sides. */
struct grant_entry_v1 {
    uint16_t flags;   /* GTF_* */
    domid_t  domid;   /* the domain allowed to use this grant */
    uint32_t frame;   /* the frame granted (or the one receiving a transfer) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* The toolstack fills these for the guest's console and store rings. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* Entry type in the low two bits of flags. */
#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive      (3U << 0)
#define GTF_type_mask       (3U << 0)

/* Access grants: reading/writing are set by the hypervisor while mapped. */
#define _GTF_readonly  (2)
#define GTF_readonly   (1U << _GTF_readonly)
#define _GTF_reading   (3)
#define GTF_reading    (1U << _GTF_reading)
#define _GTF_writing   (4)
#define GTF_writing    (1U << _GTF_writing)
#define _GTF_PWT       (5)
#define GTF_PWT        (1U << _GTF_PWT)
#define _GTF_PCD       (6)
#define GTF_PCD        (1U << _GTF_PCD)
#define _GTF_PAT       (7)
#define GTF_PAT        (1U << _GTF_PAT)
#define _GTF_sub_page  (8)
#define GTF_sub_page   (1U << _GTF_sub_page)

/* Transfer grants reuse bits 2 and 3. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

/* Version 2 entries: 16 bytes, status kept in separate frames. */
struct grant_entry_header {
    uint16_t flags;
    domid_t  domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t  trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

typedef uint16_t grant_status_t;

#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

typedef uint32_t grant_handle_t;

/*
 * Maps (dom, ref) at host_addr (a virtual address, or a PTE's machine
 * address with GNTMAP_contains_pte). Each op has its own status (GNTST_*);
 * the hypercall itself only fails for bad arguments as a whole.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;          /* GNTMAP_* */
    grant_ref_t ref;
    domid_t  dom;
    int16_t  status;         /* out */
    grant_handle_t handle;   /* out: needed to unmap */
    uint64_t dev_bus_addr;   /* out */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t  status;         /* out */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Grows dom's table to nr_frames and returns the frames so a PV guest can map them. */
struct gnttab_setup_table {
    domid_t  dom;
    uint32_t nr_frames;
    int16_t  status;         /* out */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

struct gnttab_dump_table {
    domid_t dom;
    int16_t status;          /* out */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

struct gnttab_transfer {
    xen_pfn_t   mfn;
    domid_t     domid;
    grant_ref_t ref;
    int16_t     status;      /* out */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/* With the flag set the side is a grant reference, otherwise a frame of the caller. */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

/* Copies len bytes without mapping; neither side may cross a page end. */
struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t   gmfn;
        } u;
        domid_t  domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;          /* GNTCOPY_* */
    int16_t  status;         /* out */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

struct gnttab_query_size {
    domid_t  dom;
    uint32_t nr_frames;      /* out */
    uint32_t max_nr_frames;  /* out */
    int16_t  status;         /* out */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t  status;         /* out */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

struct gnttab_set_version {
    uint32_t version;        /* in 1 or 2; out: the version now in force */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t  dom;
    int16_t  status;         /* out */
    XEN_GUEST_HANDLE(uint64_t) frame_list;
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

struct gnttab_get_version {
    domid_t  dom;
    uint16_t pad;
    uint32_t version;        /* out */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status;          /* out */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
#define GNTTAB_CACHE_CLEAN       (1u << 0)
#define GNTTAB_CACHE_INVAL       (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)
    uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_cache_flush_t);

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
/* Bits from here up are copied into the PTE's software-available bits. */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-operation status values. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

/* Text for each status, indexed by -status. */
#define GNTTABOP_error_msgs {                       \
    "success",                                      \
    "unspecified failure",                          \
    "no such domain",                               \
    "grant reference out of range or not granted",  \
    "no mapping with this handle",                  \
    "virtual address not usable",                   \
    "device address not usable",                    \
    "no free I/O MMU slot",                         \
    "access not permitted by the grant",            \
    "frame not usable",                             \
    "copy would cross a page boundary",             \
    "frame number too large for this interface",    \
    "temporarily unavailable, retry",               \
    "table full",                                   \
}

#endif /* LINTEL_PUBLIC_GRANT_TABLE_H */
