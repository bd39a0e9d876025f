/*
 * xen_version: what a guest learns about the hypervisor. Lintel reports
 * the Xen interface it implements (4.17), because guests decide what to
 * use from that number and from the feature bits below.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/lib.h>
#include <lintel/setup.h>
#include <lintel/version.h>
#include <public/features.h>
#include <public/version.h>
#include <public/xen.h>

#define XEN_MAJOR 4
#define XEN_MINOR 17

static const char extraversion[] = ".0-lintel";
static const char capabilities[] = "xen-3.0-x86_64";

/* Feature submap 0 for a 64-bit PV guest, as Xen 4.17 reports it. */
static uint32_t pv_feature_submap0(const struct domain *d)
{
    uint32_t map = (1u << XENFEAT_memory_op_vnode_supported) |
                   (1u << XENFEAT_pae_pgdir_above_4gb) |
                   (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                   (1u << XENFEAT_highmem_assist) |
                   (1u << XENFEAT_gnttab_map_avail_bits);

    if (d->is_privileged)
        map |= 1u << XENFEAT_dom0;
    return map;
}

/* Copies a string into a fixed-size guest buffer of size bytes, padded with NULs. */
static long put_string(uint64_t buf, const char *s, size_t size)
{
    char tmp[1024];

    memset(tmp, 0, size);
    lintel_strlcpy(tmp, s, size);
    return copy_to_guest(buf, tmp, size) ? -EFAULT : 0;
}

static long get_features(uint64_t arg)
{
    struct xen_feature_info fi;

    if (copy_from_guest(&fi, arg, sizeof(fi)))
        return -EFAULT;
    if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
        return -EINVAL;
    fi.submap = pv_feature_submap0(current_domain());
    return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
}

static long compile_info(uint64_t arg)
{
    struct xen_compile_info ci;

    memset(&ci, 0, sizeof(ci));
    lintel_strlcpy(ci.compiler, "gcc", sizeof(ci.compiler));
    lintel_strlcpy(ci.compile_by, "lintel", sizeof(ci.compile_by));
    lintel_strlcpy(ci.compile_domain, "lintel", sizeof(ci.compile_domain));
    lintel_strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
    return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
}

static long platform_parameters(uint64_t arg)
{
    struct xen_platform_parameters pp = { .virt_start = HYPERVISOR_VIRT_START };

    return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
}

static long guest_handle(uint64_t arg)
{
    uint8_t handle[16];         /* xen_domain_handle_t */

    /* Domains have no UUID yet: all zeroes, as Xen reports for an unset one. */
    memset(handle, 0, sizeof(handle));
    return copy_to_guest(arg, handle, sizeof(handle)) ? -EFAULT : 0;
}

static long commandline(uint64_t arg)
{
    /* Xen shows its command line to the control domain only. */
    if (!current_domain()->is_privileged)
        return -EPERM;
    return put_string(arg, boot_hypervisor_args(), sizeof(xen_commandline_t));
}

HYPERCALL_HANDLER(do_xen_version)
{
    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case XENVER_version:
        return (XEN_MAJOR << 16) | XEN_MINOR;
    case XENVER_extraversion:
        return put_string(a2, extraversion, sizeof(xen_extraversion_t));
    case XENVER_compile_info:
        return compile_info(a2);
    case XENVER_capabilities:
        return put_string(a2, capabilities, sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return put_string(a2, "lintel " LINTEL_VERSION, sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters:
        return platform_parameters(a2);
    case XENVER_get_features:
        return get_features(a2);
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
        return guest_handle(a2);
    case XENVER_commandline:
        return commandline(a2);
    case XENVER_build_id:
        return -EPERM;
    default:
        return -ENOSYS;
    }
}
