/*
 * Pure rules for building a domain through domctl (see
 * include/lintel/domctl_rules.h). Compiled into the host unit tests.
 */
#include <lintel/domctl_rules.h>
#include <public/errno.h>

#define KNOWN_CDF_FLAGS (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity | \
                         XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain |                    \
                         XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt |                    \
                         XEN_DOMCTL_CDF_vpmu)

/* What a PV-only host without IOMMU, vPMU, tboot or tracing refuses. */
static int unsupported_features(const struct xen_domctl_createdomain *c)
{
    if (c->flags & XEN_DOMCTL_CDF_iommu)
        return -XEN_EINVAL;
    if (c->iommu_opts)
        return -XEN_EINVAL;
    if (c->flags & (XEN_DOMCTL_CDF_vpmu | XEN_DOMCTL_CDF_s3_integrity |
                    XEN_DOMCTL_CDF_nested_virt))
        return -XEN_EINVAL;
    if (c->vmtrace_size)
        return -XEN_EINVAL;
    return 0;
}

/* Xen's own order: flag words first, then counts, then the arch part. */
int createdomain_check(const struct xen_domctl_createdomain *c, unsigned max_vcpus_limit)
{
    unsigned version = c->grant_opts & XEN_DOMCTL_GRANT_version_mask;
    int rc;

    if (c->flags & ~KNOWN_CDF_FLAGS)
        return -XEN_EINVAL;
    if (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask)
        return -XEN_EINVAL;
    if (c->max_vcpus < 1)
        return -XEN_EINVAL;
    if ((c->flags & XEN_DOMCTL_CDF_hap) && !(c->flags & XEN_DOMCTL_CDF_hvm))
        return -XEN_EINVAL;
    if ((rc = unsupported_features(c)))
        return rc;
    /* Lintel is PV only: like Xen on a host without VT-x/SVM. */
    if (c->flags & XEN_DOMCTL_CDF_hvm)
        return -XEN_EINVAL;
    if (c->max_vcpus > max_vcpus_limit)
        return -XEN_EINVAL;
    if (c->arch.misc_flags & ~XEN_X86_MSR_RELAXED)
        return -XEN_EINVAL;
    /* Xen 4.17 answers a pool that does not exist with -ESRCH. */
    if (c->cpupool_id != 0)
        return -XEN_ESRCH;
    if (c->arch.emulation_flags & ~XEN_X86_EMU_ALL)
        return -XEN_EINVAL;
    /* A PV guest emulates nothing; Xen still tolerates a PIT request. */
    if (c->arch.emulation_flags && c->arch.emulation_flags != XEN_X86_EMU_PIT)
        return -XEN_EOPNOTSUPP;
    if (version == 0 || version > DOMCTL_MAX_GRANT_VERSION)
        return -XEN_EINVAL;
    return 0;
}

int createdomain_grant_limits(const struct xen_domctl_createdomain *c,
                              unsigned default_frames, unsigned default_maptrack,
                              unsigned *frames, unsigned *maptrack)
{
    int64_t f = c->max_grant_frames < 0 ? (int64_t)default_frames : c->max_grant_frames;
    int64_t m = c->max_maptrack_frames < 0 ? (int64_t)default_maptrack : c->max_maptrack_frames;

    if (f < 1 || f > DOMCTL_GRANT_FRAMES_CEILING || m > DOMCTL_MAPTRACK_FRAMES_CEILING)
        return -XEN_EINVAL;
    *frames = (unsigned)f;
    *maptrack = (unsigned)m;
    return 0;
}

int domid_choose(uint16_t requested, uint16_t *rover,
                 bool (*is_free)(uint16_t id, void *ctx), void *ctx, uint16_t *out)
{
    uint16_t id = *rover;

    if (requested > 0 && requested < DOMID_FIRST_RESERVED) {
        if (!is_free(requested, ctx))
            return -XEN_EEXIST;
        *out = requested;
        return 0;
    }
    /* Every valid id once, starting after the last one handed out. */
    for (unsigned tries = 0; tries < DOMID_FIRST_RESERVED - 1u; tries++) {
        id = (uint16_t)((unsigned)id + 1 >= DOMID_FIRST_RESERVED ? 1u : (unsigned)id + 1);
        if (is_free(id, ctx)) {
            *rover = id;
            *out = id;
            return 0;
        }
    }
    return -XEN_ENOMEM;
}

uint64_t cpumap_to_mask(const uint8_t *bytes, uint32_t nr_bits)
{
    uint64_t mask = 0;

    for (uint32_t cpu = 0; cpu < nr_bits && cpu < 64; cpu++)
        if (bytes[cpu / 8] & (1u << (cpu % 8)))
            mask |= 1ULL << cpu;
    return mask;
}
