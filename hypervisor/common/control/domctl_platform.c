/*
 * Per-domain platform settings the toolstack makes while building (Xen
 * 4.17's domctl interface): NUMA node affinity and the TSC mode. Lintel
 * has one node and lets every guest read the host TSC, so these check and
 * record what the toolstack asks and refuse what cannot be honoured.
 */
#include "control_private.h"

#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/time.h>
#include <public/errno.h>

/* Xen's TSC modes (xen/include/asm-x86/time.h's TSC_MODE_*). */
#define TSC_MODE_DEFAULT          0
#define TSC_MODE_ALWAYS_EMULATE   1
#define TSC_MODE_NEVER_EMULATE    2

/* The one node, 0, must be in the map: Xen refuses an affinity to no online node. */
long domctl_setnodeaffinity(struct domain *d, const struct xen_domctl_nodeaffinity *na)
{
    uint8_t first = 0;

    (void)d;
    if (na->nodemap.nr_bits == 0)
        return -XEN_EINVAL;
    if (copy_from_guest(&first, (uint64_t)(uintptr_t)na->nodemap.bitmap.p, 1))
        return -XEN_EFAULT;
    return (first & 1) ? 0 : -XEN_EINVAL;
}

long domctl_getnodeaffinity(struct domain *d, const struct xen_domctl_nodeaffinity *na)
{
    uint8_t bytes[32] = { 1 };
    uint32_t len = (na->nodemap.nr_bits + 7) / 8;
    uint64_t dst = (uint64_t)(uintptr_t)na->nodemap.bitmap.p;

    (void)d;
    for (uint32_t off = 0; off < len; off += sizeof(bytes)) {
        uint32_t n = MIN((uint32_t)sizeof(bytes), len - off);

        if (copy_to_guest(dst + off, bytes, n))
            return -XEN_EFAULT;
        bytes[0] = 0;
    }
    return 0;
}

/*
 * Guests read the host's TSC directly (Lintel never emulates rdtsc), so
 * "always emulate" cannot be honoured; default and native are the same here.
 */
long domctl_settscinfo(struct domain *d, const struct xen_domctl_tsc_info *ti)
{
    switch (ti->tsc_mode) {
    case TSC_MODE_DEFAULT:
    case TSC_MODE_NEVER_EMULATE:
        d->tsc_mode = ti->tsc_mode;
        return 0;
    case TSC_MODE_ALWAYS_EMULATE:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_EINVAL;
    }
}

long domctl_gettscinfo(struct domain *d, struct xen_domctl_tsc_info *ti)
{
    memset(ti, 0, sizeof(*ti));
    ti->tsc_mode = d->tsc_mode;
    ti->gtsc_khz = (uint32_t)tsc_khz();
    return 0;
}
