/*
 * The toolstack's view of the hypervisor (domctl and sysctl, in
 * common/control/). The pure helpers here turn a snapshot of a domain into
 * Xen 4.17's getdomaininfo record and map readconsole's 32-bit index onto
 * the console log's 64-bit stream positions; they compile on the host too.
 */
#ifndef LINTEL_CONTROL_H
#define LINTEL_CONTROL_H

#include <lintel/types.h>
#include <public/domctl.h>

/*
 * What getdomaininfo reports about one domain, gathered under no lock from
 * struct domain and the scheduler: a plain record so the packing can be
 * tested without a running hypervisor.
 */
struct domain_snapshot {
    uint16_t id;
    bool shut_down;
    unsigned shutdown_code;
    bool dying;
    bool paused;                /* toolstack or builder pause outstanding */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t shared_info_mfn;
    unsigned nr_vcpus;          /* vCPU structures that exist */
    unsigned max_vcpu_id;       /* highest existing vCPU id */
    unsigned nr_online;
    unsigned nr_online_blocked;
    bool any_running;           /* some vCPU is on a pCPU right now */
    uint64_t cpu_time_ns;       /* running time of all vCPUs */
    uint8_t handle[16];         /* the toolstack's UUID for it */
    uint32_t ssidref;
    bool xs_domain;             /* created with XEN_DOMCTL_CDF_xs_domain */
};

void domain_info_pack(const struct domain_snapshot *s,
                      struct xen_domctl_getdomaininfo *out);

/*
 * Where readconsole starts reading: the caller's index if it is incremental
 * and names a position after the oldest byte held and no later than the
 * newest (32-bit arithmetic, as the index wraps), the oldest byte otherwise.
 */
uint64_t readconsole_start(uint32_t index, bool incremental,
                           uint64_t oldest, uint64_t head);

#ifndef LINTEL_HOST
/* XENMEM_acquire_resource (memory_op's dispatch calls it): CMD as the guest
 * gave it, START the progress encoded in it, ARG the argument's address. */
long memory_acquire_resource(uint64_t cmd, uint64_t start, uint64_t arg);
#endif

#endif
