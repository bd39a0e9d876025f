/*
 * platform_op: the dom0-only platform interface. The interface version is
 * checked before anything else (-EACCES, as Xen). Provided: physical CPU
 * information for the one pCPU and settime (the wallclock dom0 keeps);
 * other sub-ops are -ENOSYS, which Linux treats as "not provided".
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/lib.h>
#include <lintel/printk.h>
#include <lintel/vcpu_time.h>
#include <lintel/x86.h>
#include <public/platform.h>

#ifndef EACCES
#define EACCES 13
#endif

/* The pCPUs this build drives. */
#define NR_PCPUS 1

static long get_cpuinfo(struct xen_platform_op *op)
{
    struct xenpf_pcpuinfo *info = &op->u.pcpu_info;

    info->max_present = NR_PCPUS - 1;
    if (info->xen_cpuid >= NR_PCPUS) {
        info->flags = XEN_PCPU_FLAGS_INVALID;
        return 0;
    }
    info->flags = XEN_PCPU_FLAGS_ONLINE;
    info->apic_id = 0;
    info->acpi_id = 0;
    return 0;
}

static long get_cpu_version(struct xen_platform_op *op)
{
    struct xenpf_pcpu_version *ver = &op->u.pcpu_version;
    uint32_t a, b, c, d;

    ver->max_present = NR_PCPUS - 1;
    if (ver->xen_cpuid >= NR_PCPUS) {
        memset(ver->vendor_id, 0, sizeof(ver->vendor_id));
        ver->family = ver->model = ver->stepping = 0;
        return 0;
    }
    cpuid(0, 0, &a, &b, &c, &d);
    memcpy(ver->vendor_id, &b, 4);
    memcpy(ver->vendor_id + 4, &d, 4);
    memcpy(ver->vendor_id + 8, &c, 4);
    cpuid(1, 0, &a, &b, &c, &d);
    ver->family = (a >> 8) & 0xf;
    if (ver->family == 0xf)
        ver->family += (a >> 20) & 0xff;
    ver->model = (a >> 4) & 0xf;
    if (ver->family >= 6)
        ver->model |= ((a >> 16) & 0xf) << 4;
    ver->stepping = a & 0xf;
    return 0;
}

static long settime(const struct xen_platform_op *op)
{
    if (op->cmd == XENPF_settime32) {
        wallclock_set(op->u.settime32.secs, op->u.settime32.nsecs,
                      op->u.settime32.system_time);
        return 0;
    }
    if (op->u.settime64.mbz)
        return -EINVAL;
    wallclock_set(op->u.settime64.secs, op->u.settime64.nsecs, op->u.settime64.system_time);
    return 0;
}

HYPERCALL_HANDLER(do_platform_op)
{
    struct xen_platform_op op;
    long rc;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (!current_domain()->is_privileged)
        return -EPERM;
    if (copy_from_guest(&op, a1, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XENPF_get_cpuinfo:
        rc = get_cpuinfo(&op);
        break;
    case XENPF_get_cpu_version:
        rc = get_cpu_version(&op);
        break;
    case XENPF_settime32:
    case XENPF_settime64:
        /* Nothing to copy back. */
        return settime(&op);
    default:
        pr_debug("platform_op: command %u not provided\n", op.cmd);
        return -ENOSYS;
    }
    if (!rc && copy_to_guest(a1, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
