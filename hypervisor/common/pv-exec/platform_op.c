/*
 * platform_op: the dom0-only platform interface. The interface version is
 * checked before anything else (-EACCES, as Xen). Provided: physical CPU
 * information, settime (the wallclock dom0 keeps), firmware_info (what a
 * BIOS boot without EDD or EFI has: the keyboard shift flags) and
 * enter_acpi_sleep for S5, which is how dom0's ACPI poweroff reaches the
 * machine. Other sub-ops are -ENOSYS, which Linux treats as "not provided";
 * each unknown command is logged once, so a guest cannot flood the log.
 */
#include <lintel/acpi.h>
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/vcpu_time.h>
#include <lintel/x86.h>
#include <public/platform.h>

#ifndef EACCES
#define EACCES 13
#endif
#ifndef ESRCH
#define ESRCH 3
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

/* The BIOS data area's keyboard shift flags (below 1 MiB: never reused). */
#define BDA_KBD_SHIFT_FLAGS 0x417
#define ACPI_STATE_S5       5
#define SLP_EN              (1u << 13)

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

/* No EDD, VBE/DDC or EFI data is collected at boot: Xen's answers when there is none. */
static long firmware_info(struct xen_platform_op *op)
{
    struct xenpf_firmware_info *fw = &op->u.firmware_info;

    switch (fw->type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return -ESRCH;
    case XEN_FW_EFI_INFO:
        return -ENOSYS;
    case XEN_FW_KBD_SHIFT_FLAGS:
        if (fw->index != 0)
            return -ESRCH;
        fw->u.kbd_shift_flags = *(const uint8_t *)phys_to_virt(BDA_KBD_SHIFT_FLAGS);
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * Linux's ACPI code computes the PM1 control values and hands them over
 * instead of writing them. Soft-off is done here with the caller's values;
 * Lintel cannot resume from S1-S4, so those are refused.
 */
static long enter_acpi_sleep(const struct xenpf_enter_acpi_sleep *s)
{
    if (s->sleep_state != ACPI_STATE_S5)
        return -EOPNOTSUPP;
    if (s->flags & XENPF_ACPI_SLEEP_EXTENDED)
        return -EPERM;          /* no FADT sleep control register known */
    if (!acpi.pm1a_cnt)
        return -EPERM;
    if (s->flags)
        return -EINVAL;
    if (s->val_b && ((s->val_a ^ s->val_b) & SLP_EN))
        return -EINVAL;
    machine_acpi_soft_off(s->val_a, s->val_b);
}

/* One bit per command number below 128 and one for all larger ones, so
 * each unknown command is reported once. */
static void report_unknown(uint32_t cmd)
{
    static uint64_t reported[3];
    unsigned bit = cmd < 128 ? cmd : 128;

    if (reported[bit / 64] & (1ULL << (bit % 64)))
        return;
    reported[bit / 64] |= 1ULL << (bit % 64);
    pr_info("platform_op: command %u not provided (reported once)\n", cmd);
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
    case XENPF_firmware_info:
        rc = firmware_info(&op);
        break;
    case XENPF_enter_acpi_sleep:
        return enter_acpi_sleep(&op.u.enter_acpi_sleep);
    default:
        report_unknown(op.cmd);
        return -ENOSYS;
    }
    if (!rc && copy_to_guest(a1, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
