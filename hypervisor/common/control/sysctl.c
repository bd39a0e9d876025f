/*
 * do_sysctl: host-wide queries for the toolstack (Xen 4.17's interface):
 * physinfo, sched_id, getdomaininfolist and readconsole here; cpupools,
 * per-pCPU idle time and topology in sysctl_host.c.
 */
#include "control_private.h"

#include <public/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/printk.h>
#include <lintel/pv_mm.h>
#include <lintel/smp.h>
#include <lintel/sched_ctl.h>
#include <lintel/time.h>
#include <public/sysctl.h>

/* Guests run on every online pCPU (numbered 0..n-1, never taken down). */
#define HOST_NR_CPUS nr_online_cpus()

static long sysctl_physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = HOST_NR_CPUS;
    pi->nr_cpus = HOST_NR_CPUS;
    pi->max_cpu_id = HOST_NR_CPUS - 1;
    pi->nr_nodes = 1;
    pi->cpu_khz = (uint32_t)tsc_khz();
    /* PV only: Lintel runs no HVM guests, so it must not advertise them. */
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                       XEN_SYSCTL_PHYSCAP_gnttab_v2;
    pi->total_pages = frame_allocator.total_frames;
    pi->free_pages = frame_allocator.free_frames;
    /* As Xen: free_pages still counts claimed frames; xl subtracts these. */
    pi->outstanding_pages = pv_outstanding_claims();
    pi->max_mfn = max_ram_frame() - 1;
    return 0;
}

static long sysctl_getdomaininfolist(struct xen_sysctl_getdomaininfolist *op)
{
    uint64_t buffer = (uint64_t)(uintptr_t)op->buffer.p;
    struct domain *d = control_domain_from(op->first_domain);
    uint32_t n = 0;

    while (d && n < op->max_domains) {
        struct xen_domctl_getdomaininfo info;

        control_domain_info(d, &info);
        if (copy_to_guest(buffer + (uint64_t)n * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
        n++;
        if ((uint32_t)d->id + 1 >= DOMID_FIRST_RESERVED)
            break;
        d = control_domain_from((domid_t)(d->id + 1));
    }
    op->num_domains = n;
    return 0;
}

/* Copies in chunks so no guest access happens under the console lock. */
static long sysctl_readconsole(struct xen_sysctl_readconsole *op)
{
    uint64_t buffer = (uint64_t)(uintptr_t)op->buffer.p;
    uint64_t head = UINT64_MAX, pos;
    uint32_t sofar = 0;
    char chunk[256];

    /* A read from past the end stops at the head and tells us where it is. */
    console_read_log(&head, chunk, 0);
    pos = readconsole_start(op->index, op->incremental, console_log_oldest(), head);
    while (sofar < op->count) {
        size_t want = MIN(sizeof(chunk), (size_t)(op->count - sofar));
        size_t got = console_read_log(&pos, chunk, want);

        if (!got)
            break;
        if (copy_to_guest(buffer + sofar, chunk, got))
            return -XEN_EFAULT;
        sofar += (uint32_t)got;
    }
    /*
     * The core's log can only be cleared as a whole: clear once the reader
     * has everything, so a chunked read with clear set (as the tools do)
     * never drops text it has not been given.
     */
    if (op->clear && sofar < op->count)
        console_clear_log();
    op->count = sofar;
    op->index = (uint32_t)pos;
    return 0;
}

static long sysctl_dispatch(struct xen_sysctl *op, bool *copy_on_error)
{
    switch (op->cmd) {
    case XEN_SYSCTL_physinfo:
        return sysctl_physinfo(&op->u.physinfo);
    case XEN_SYSCTL_sched_id:
        op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        return 0;
    case XEN_SYSCTL_getdomaininfolist:
        return sysctl_getdomaininfolist(&op->u.getdomaininfolist);
    case XEN_SYSCTL_readconsole:
        return sysctl_readconsole(&op->u.readconsole);
    case XEN_SYSCTL_scheduler_op:
        return sched_ctl_pool(&op->u.scheduler_op);
    case XEN_SYSCTL_cpupool_op:
        return sysctl_cpupool_op(&op->u.cpupool_op, HOST_NR_CPUS);
    case XEN_SYSCTL_getcpuinfo:
        return sysctl_getcpuinfo(&op->u.getcpuinfo, HOST_NR_CPUS);
    case XEN_SYSCTL_cputopoinfo:
        return sysctl_cputopoinfo(&op->u.cputopoinfo, HOST_NR_CPUS);
    case XEN_SYSCTL_numainfo:
        return sysctl_numainfo(&op->u.numainfo);
    case XEN_SYSCTL_get_cpu_policy:
        return sysctl_get_cpu_policy(&op->u.cpu_policy, copy_on_error);
    case XEN_SYSCTL_get_cpu_featureset:
        return sysctl_get_cpu_featureset(&op->u.cpu_featureset, copy_on_error);
    default:
        return -XEN_ENOSYS;
    }
}

HYPERCALL_HANDLER(do_sysctl)
{
    struct xen_sysctl op;
    bool copy_on_error = false;
    long rc;

    (void)a2; (void)a3; (void)a4; (void)a5;
    /* Xen's order: the structure, then its version, then the caller's right. */
    if (copy_from_guest(&op, a1, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (!control_caller_privileged())
        return -XEN_EPERM;
    rc = sysctl_dispatch(&op, &copy_on_error);
    /* Outputs travel back in the same structure, as on Xen. */
    if ((rc == 0 || copy_on_error) && copy_to_guest(a1, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
