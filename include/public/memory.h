/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: memory_op, HYPERVISOR_memory_op(cmd, arg).
 *
 * PV guests see machine frames directly; they keep their own pfn -> mfn
 * table (the p2m) and the hypervisor keeps the machine-wide mfn -> pfn
 * table (the m2p) mapped read-only at MACH2PHYS_VIRT_START.
 * The paging, sharing and access-control sub-operations are not described.
 */
#ifndef LINTEL_PUBLIC_MEMORY_H
#define LINTEL_PUBLIC_MEMORY_H

#include "xen.h"
#include "physdev.h"

/* Reservation changes; the return value is the number of extents done. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

struct xen_memory_reservation {
    /*
     * increase: out, the mfns obtained; decrease: in, the mfns (gpfns for
     * translated guests) to release; populate: in, the gpfns to back.
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t  nr_extents;
    unsigned int extent_order;  /* each extent is 2^order pages */
    unsigned int mem_flags;     /* XENMEMF_* */
    domid_t      domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Trades the "in" extents for new ones described by "out" (e.g. below 4 GiB). */
#define XENMEM_exchange 11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;   /* out: progress, so a failed call can be resumed */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* Highest machine frame in use; no argument. */
#define XENMEM_maximum_ram_page 2

/* These take a domid_t (or struct xen_memory_domain) and return a page count or pfn. */
struct xen_memory_domain {
    domid_t domid;
};
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_maximum_gpfn        14

/* The frames holding the m2p table, so tools can map it. */
#define XENMEM_machphys_mfn_list 5
struct xen_machphys_mfn_list {
    unsigned int max_extents;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    unsigned int nr_extents;  /* out */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

#define XENMEM_machphys_compat_mfn_list 25

/* Where the m2p table is mapped and how many entries are valid. */
#define XENMEM_machphys_mapping 12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;
    xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* Sources for add_to_physmap (translated guests only). */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
    domid_t      domid;
    uint16_t     size;   /* pages, for gmfn_range */
    unsigned int space;  /* XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t  idx;
    xen_pfn_t    gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
    domid_t  domid;
    uint16_t space;
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t  foreign_domid;  /* for XENMAPSPACE_gmfn_foreign */
        uint16_t res0;
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;  /* out, one per entry */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
    domid_t   domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/*
 * E820-style maps: memory_map is the caller's pseudo-physical map,
 * machine_memory_map (dom0 only) the host's, set_memory_map (toolstack)
 * sets a domain's. buffer holds nr_entries entries of 20 bytes each.
 */
#define XENMEM_memory_map 9
struct xen_memory_map {
    unsigned int nr_entries;  /* in: room in buffer; out: entries written */
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

#define XENMEM_machine_memory_map 10

#define XENMEM_set_memory_map 13
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
struct xen_pod_target {
    uint64_t target_pages;
    uint64_t tot_pages;        /* out */
    uint64_t pod_cache_pages;  /* out */
    uint64_t pod_entries;      /* out */
    domid_t  domid;
};
typedef struct xen_pod_target xen_pod_target_t;

/* Reserve pages for a domain being built, so a later populate cannot run dry. */
#define XENMEM_claim_pages 24

#define XENMEM_reserved_device_memory_map 27
struct xen_reserved_device_memory {
    xen_pfn_t   start_pfn;
    xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_t);

struct xen_reserved_device_memory_map {
#define XENMEM_RDM_ALL 1
    uint32_t flags;
    unsigned int nr_entries;
    XEN_GUEST_HANDLE(xen_reserved_device_memory_t) buffer;
    union {
        physdev_pci_device_t pci;
    } dev;
};
typedef struct xen_reserved_device_memory_map xen_reserved_device_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_map_t);

/* Maps hypervisor-owned frames of a domain (e.g. its grant table) into the caller. */
#define XENMEM_acquire_resource 28
struct xen_mem_acquire_resource {
    domid_t  domid;
    uint16_t type;
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table  1
#define XENMEM_resource_vmtrace_buf  2
    uint32_t id;
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1
    uint32_t nr_frames;  /* in: wanted; out: available when frame_list is null */
    uint32_t pad;
    uint64_t frame;      /* first frame index within the resource */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

/* Virtual NUMA layout of a guest. */
#define XENMEM_get_vnumainfo 26
struct xen_vmemrange {
    uint64_t start, end;
    unsigned int flags;
    unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

struct xen_vnuma_topology_info {
    domid_t  domid;
    uint16_t pad;
    unsigned int nr_vnodes;
    unsigned int nr_vcpus;
    unsigned int nr_vmemranges;
    union {
        XEN_GUEST_HANDLE(uint) h;
        uint64_t pad;
    } vdistance;
    union {
        XEN_GUEST_HANDLE(uint) h;
        uint64_t pad;
    } vcpu_to_vnode;
    union {
        XEN_GUEST_HANDLE(xen_vmemrange_t) h;
        uint64_t pad;
    } vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

#endif /* LINTEL_PUBLIC_MEMORY_H */
