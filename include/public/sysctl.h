/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: sysctl, the toolstack's host-wide control hypercall.
 *
 * Like domctl it is dom0-only and versioned: callers put
 * XEN_SYSCTL_INTERFACE_VERSION (Xen 4.17's) in interface_version.
 * Described here: console ring, host facts, scheduler, domain listing,
 * per-cpu idle time and topology. Power management, tracing, live
 * patching and PSR keep their command numbers but have no structures.
 */
#ifndef LINTEL_PUBLIC_SYSCTL_H
#define LINTEL_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"
#include "physdev.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/*
 * XEN_SYSCTL_readconsole: copies the hypervisor's console ring. With
 * incremental set, index is where the last read stopped and is advanced.
 */
struct xen_sysctl_readconsole {
    uint8_t  clear;        /* empty the ring after reading */
    uint8_t  incremental;
    uint8_t  pad0, pad1;
    uint32_t index;
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;        /* in: buffer size; out: bytes written */
};

/* XEN_SYSCTL_physinfo: host capabilities. */
#define _XEN_SYSCTL_PHYSCAP_hvm                0
#define XEN_SYSCTL_PHYSCAP_hvm                 (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv                 1
#define XEN_SYSCTL_PHYSCAP_pv                  (1u << _XEN_SYSCTL_PHYSCAP_pv)
#define _XEN_SYSCTL_PHYSCAP_directio           2
#define XEN_SYSCTL_PHYSCAP_directio            (1u << _XEN_SYSCTL_PHYSCAP_directio)
#define _XEN_SYSCTL_PHYSCAP_hap                3
#define XEN_SYSCTL_PHYSCAP_hap                 (1u << _XEN_SYSCTL_PHYSCAP_hap)
#define _XEN_SYSCTL_PHYSCAP_shadow             4
#define XEN_SYSCTL_PHYSCAP_shadow              (1u << _XEN_SYSCTL_PHYSCAP_shadow)
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 5
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share  (1u << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)
#define XEN_SYSCTL_PHYSCAP_vmtrace             (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu                (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1           (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2           (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX                 XEN_SYSCTL_PHYSCAP_gnttab_v2
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;       /* online cpus */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;  /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];     /* cpuid feature words */
};

/* XEN_SYSCTL_sched_id: the XEN_SCHEDULER_* of the default cpupool. */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/*
 * XEN_SYSCTL_getdomaininfolist: up to max_domains entries for domains with
 * id >= first_domain, in id order.
 */
struct xen_sysctl_getdomaininfolist {
    domid_t  first_domain;
    uint32_t max_domains;
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;   /* out */
};

/* XEN_SYSCTL_debug_keys: as if the keys were typed on the hypervisor console. */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(const_char) keys;
    uint32_t nr_keys;
};

/* XEN_SYSCTL_getcpuinfo: idle time per physical cpu. */
struct xen_sysctl_cpuinfo {
    uint64_aligned_t idletime;  /* ns */
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t);
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;
    XEN_GUEST_HANDLE_64(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus;  /* out */
};

/* XEN_SYSCTL_availheap: free memory in a node and address-width range. */
struct xen_sysctl_availheap {
    uint32_t min_bitwidth;
    uint32_t max_bitwidth;
    int32_t  node;      /* -1: all nodes */
    uint64_aligned_t avail_bytes;  /* out */
};

/* XEN_SYSCTL_cputopoinfo */
#define XEN_INVALID_CORE_ID   (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID   (~0U)
struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cputopo_t);
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;  /* in: entries; out: cpus the host has */
    XEN_GUEST_HANDLE_64(xen_sysctl_cputopo_t) cputopo;
};

/* XEN_SYSCTL_numainfo */
#define XEN_INVALID_MEM_SZ    (~0U)
#define XEN_INVALID_NODE_DIST (~0U)
struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);
struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE_64(uint32) distance;  /* num_nodes x num_nodes */
};

/* XEN_SYSCTL_cpupool_op: a toolstack without cpupools only asks INFO about pool 0. */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7
#define XEN_SYSCTL_CPUPOOL_PAR_ANY       0xFFFFFFFF
struct xen_sysctl_cpupool_op {
    uint32_t op;
    uint32_t cpupool_id;
    uint32_t sched_id;
    uint32_t domid;
    uint32_t cpu;
    uint32_t n_dom;
    struct xenctl_bitmap cpumap;
};

/* XEN_SYSCTL_scheduler_op: parameters of a pool's scheduler as a whole. */
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100
struct xen_sysctl_credit_schedule {
#define XEN_SYSCTL_CSCHED_TSLICE_MAX     1000
#define XEN_SYSCTL_CSCHED_TSLICE_MIN     1
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)
    uint32_t vcpu_migr_delay_us;
};
struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};
/* ARINC 653 is only listed for layout: its handle sets the union's alignment. */
#define ARINC653_MAX_DOMAINS_PER_SCHEDULE 64
struct xen_sysctl_arinc653_schedule {
    uint64_aligned_t major_frame;
    uint8_t num_sched_entries;
    struct {
        xen_domain_handle_t dom_handle;
        uint32_t vcpu_id;
        uint64_aligned_t runtime;
    } sched_entries[ARINC653_MAX_DOMAINS_PER_SCHEDULE];
};
typedef struct xen_sysctl_arinc653_schedule xen_sysctl_arinc653_schedule_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_arinc653_schedule_t);

#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1
struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;
    uint32_t sched_id;
    uint32_t cmd;
    union {
        struct xen_sysctl_sched_arinc653 {
            XEN_GUEST_HANDLE_64(xen_sysctl_arinc653_schedule_t) schedule;
        } sched_arinc653;
        struct xen_sysctl_credit_schedule  sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};

/*
 * XEN_SYSCTL_get_cpu_featureset: one of the host's CPU feature sets as an
 * array of 32-bit words (Xen's FEATURESET_* order). A null handle asks for
 * the number of words.
 */
struct xen_sysctl_cpu_featureset {
#define XEN_SYSCTL_cpu_featureset_raw      0
#define XEN_SYSCTL_cpu_featureset_host     1
#define XEN_SYSCTL_cpu_featureset_pv       2
#define XEN_SYSCTL_cpu_featureset_hvm      3
#define XEN_SYSCTL_cpu_featureset_pv_max   4
#define XEN_SYSCTL_cpu_featureset_hvm_max  5
    uint32_t index;         /* in: which set */
    uint32_t nr_features;   /* in: words the buffer holds; out: words written */
    XEN_GUEST_HANDLE_64(uint32) features;
};

/*
 * XEN_SYSCTL_get_cpu_policy: one of the host's CPUID/MSR policies as
 * arrays of xen_cpuid_leaf / xen_msr_entry. A null handle asks for the
 * largest count the array may need.
 */
struct xen_sysctl_cpu_policy {
#define XEN_SYSCTL_cpu_policy_raw          0
#define XEN_SYSCTL_cpu_policy_host         1
#define XEN_SYSCTL_cpu_policy_pv_max       2
#define XEN_SYSCTL_cpu_policy_hvm_max      3
#define XEN_SYSCTL_cpu_policy_pv_default   4
#define XEN_SYSCTL_cpu_policy_hvm_default  5
    uint32_t index;         /* in: which policy */
    uint32_t nr_leaves;     /* in: room in leaves; out: leaves written */
    uint32_t nr_msrs;       /* in: room in msrs; out: entries written */
    uint32_t _rsvd;         /* must be zero */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpu_policy_t);

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_readconsole              1
#define XEN_SYSCTL_tbuf_op                  2
#define XEN_SYSCTL_physinfo                 3
#define XEN_SYSCTL_sched_id                 4
#define XEN_SYSCTL_perfc_op                 5
#define XEN_SYSCTL_getdomaininfolist        6
#define XEN_SYSCTL_debug_keys               7
#define XEN_SYSCTL_getcpuinfo               8
#define XEN_SYSCTL_availheap                9
#define XEN_SYSCTL_get_pmstat               10
#define XEN_SYSCTL_cpu_hotplug              11
#define XEN_SYSCTL_pm_op                    12
#define XEN_SYSCTL_page_offline_op          14
#define XEN_SYSCTL_lockprof_op              15
#define XEN_SYSCTL_cputopoinfo              16
#define XEN_SYSCTL_numainfo                 17
#define XEN_SYSCTL_cpupool_op               18
#define XEN_SYSCTL_scheduler_op             19
#define XEN_SYSCTL_coverage_op              20
#define XEN_SYSCTL_psr_cmt_op               21
#define XEN_SYSCTL_pcitopoinfo              22
#define XEN_SYSCTL_psr_alloc                23
#define XEN_SYSCTL_get_cpu_levelling_caps   25
#define XEN_SYSCTL_get_cpu_featureset       26
#define XEN_SYSCTL_livepatch_op             27
#define XEN_SYSCTL_get_cpu_policy           29
    uint32_t interface_version;  /* XEN_SYSCTL_INTERFACE_VERSION */
    /* Like domctl, the argument area is a fixed 128 bytes. */
    union {
        struct xen_sysctl_readconsole       readconsole;
        struct xen_sysctl_physinfo          physinfo;
        struct xen_sysctl_cputopoinfo       cputopoinfo;
        struct xen_sysctl_numainfo          numainfo;
        struct xen_sysctl_sched_id          sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_debug_keys        debug_keys;
        struct xen_sysctl_getcpuinfo        getcpuinfo;
        struct xen_sysctl_availheap         availheap;
        struct xen_sysctl_cpupool_op        cpupool_op;
        struct xen_sysctl_scheduler_op      scheduler_op;
        struct xen_sysctl_cpu_featureset    cpu_featureset;
        struct xen_sysctl_cpu_policy        cpu_policy;
        uint8_t                             pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* LINTEL_PUBLIC_SYSCTL_H */
