/*
 * Host topology queries for the toolstack (Xen 4.17's sysctl interface):
 * cpupool_op, getcpuinfo, cputopoinfo and numainfo. Lintel has one
 * cpupool (0, "Pool-0" to the tools) holding every pCPU and every domain,
 * run by the credit scheduler, on one NUMA node with one socket.
 */
#include "control_private.h"

#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/sched.h>
#include <lintel/time.h>
#include <lintel/vcpu_time.h>
#include <public/errno.h>
#include <public/vcpu.h>

/* Writes the first nr_cpus bits of mask and clears the rest of the caller's map. */
static long put_cpumap(const struct xenctl_bitmap *map, uint64_t mask, unsigned nr_cpus)
{
    uint8_t bytes[32] = { 0 };
    uint32_t len = (map->nr_bits + 7) / 8;
    uint64_t dst = (uint64_t)(uintptr_t)map->bitmap.p;

    for (unsigned cpu = 0; cpu < nr_cpus && cpu < 64; cpu++)
        if (mask & (1ULL << cpu))
            bytes[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
    for (uint32_t off = 0; off < len; off += sizeof(bytes)) {
        uint32_t n = MIN((uint32_t)sizeof(bytes), len - off);

        if (copy_to_guest(dst + off, bytes, n))
            return -XEN_EFAULT;
        memset(bytes, 0, sizeof(bytes));
    }
    return 0;
}

static uint32_t count_domains(void)
{
    uint32_t n = 0;

    for (struct domain *d = control_domain_from(0); d;
         d = (uint32_t)d->id + 1 < DOMID_FIRST_RESERVED ? control_domain_from((domid_t)(d->id + 1))
                                                        : NULL)
        n++;
    return n;
}

long sysctl_cpupool_op(struct xen_sysctl_cpupool_op *op, unsigned nr_cpus)
{
    uint64_t all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;

    switch (op->op) {
    case XEN_SYSCTL_CPUPOOL_OP_INFO:
        /* The first pool with an id >= the one asked: the tools list
         * pools by asking for id + 1 until -ENOENT. */
        if (op->cpupool_id > 0)
            return -XEN_ENOENT;
        op->cpupool_id = 0;
        op->sched_id = XEN_SCHEDULER_CREDIT;
        op->n_dom = count_domains();
        return put_cpumap(&op->cpumap, all, nr_cpus);
    case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
        /* Every pCPU belongs to pool 0. */
        return put_cpumap(&op->cpumap, 0, nr_cpus);
    case XEN_SYSCTL_CPUPOOL_OP_CREATE:
        return -XEN_EOPNOTSUPP;
    case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
    case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
    case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
    case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
        return op->cpupool_id == 0 ? -XEN_EOPNOTSUPP : -XEN_ENOENT;
    default:
        return -XEN_ENOSYS;
    }
}

long sysctl_getcpuinfo(struct xen_sysctl_getcpuinfo *op, unsigned nr_cpus)
{
    uint64_t dst = (uint64_t)(uintptr_t)op->info.p;
    uint32_t n = MIN(op->max_cpus, (uint32_t)nr_cpus);

    for (uint32_t cpu = 0; cpu < n; cpu++) {
        /* The time since boot no vCPU ran there (the scheduler counts it). */
        struct xen_sysctl_cpuinfo info = { .idletime = sched_cpu_idle_ns(cpu) };

        if (copy_to_guest(dst + cpu * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
    }
    op->nr_cpus = n;
    return 0;
}

/* A null handle asks only for the count, as on Xen. */
long sysctl_cputopoinfo(struct xen_sysctl_cputopoinfo *op, unsigned nr_cpus)
{
    uint64_t dst = (uint64_t)(uintptr_t)op->cputopo.p;

    if (dst) {
        if (op->num_cpus < nr_cpus)
            return -XEN_ENOBUFS;
        for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
            struct xen_sysctl_cputopo t = { .core = cpu, .socket = 0, .node = 0 };

            if (copy_to_guest(dst + cpu * sizeof(t), &t, sizeof(t)))
                return -XEN_EFAULT;
        }
    }
    op->num_cpus = nr_cpus;
    return 0;
}

long sysctl_numainfo(struct xen_sysctl_numainfo *op)
{
    uint64_t mem = (uint64_t)(uintptr_t)op->meminfo.p;
    uint64_t dist = (uint64_t)(uintptr_t)op->distance.p;

    if (mem || dist) {
        struct xen_sysctl_meminfo m = {
            .memsize = frame_allocator.total_frames << PAGE_SHIFT,
            .memfree = frame_allocator.free_frames << PAGE_SHIFT,
        };
        uint32_t local = 10;    /* ACPI SLIT's distance of a node to itself */

        if (op->num_nodes < 1)
            return -XEN_ENOBUFS;
        if (mem && copy_to_guest(mem, &m, sizeof(m)))
            return -XEN_EFAULT;
        if (dist && copy_to_guest(dist, &local, sizeof(local)))
            return -XEN_EFAULT;
    }
    op->num_nodes = 1;
    return 0;
}
