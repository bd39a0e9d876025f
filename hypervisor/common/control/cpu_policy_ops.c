/*
 * The toolstack's view of CPUID policies (Xen 4.17's interface):
 * XEN_SYSCTL_get_cpu_policy and get_cpu_featureset for the host's policies,
 * XEN_DOMCTL_get/set_cpu_policy for a domain's. Lintel is PV only: the raw
 * and host policies are the CPU's own, the PV default and maximum are what
 * arch/x86_64/pv/cpuid_policy.c lets a guest see, and HVM has none. A
 * domain keeps the policy its toolstack set; until then it sees the PV
 * default, computed live by the cpuid emulation.
 */
#include "control_private.h"

#include <lintel/cpu_policy.h>
#include <lintel/cpuid_policy.h>
#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/x86.h>
#include <public/errno.h>

#define LEAF1_ECX_OSXSAVE (1u << 27)

static void cpu_source(uint32_t leaf, uint32_t subleaf, uint32_t out[4], void *ctx)
{
    (void)ctx;
    cpuid(leaf, subleaf, &out[0], &out[1], &out[2], &out[3]);
}

/* What an unprivileged PV guest is shown, with every XSAVE component it
 * may enable turned on (the sizes for its real XCR0 are the vCPU's). */
static void pv_source(uint32_t leaf, uint32_t subleaf, uint32_t out[4], void *ctx)
{
    uint32_t host[4];

    (void)ctx;
    cpuid(leaf, subleaf, &host[0], &host[1], &host[2], &host[3]);
    if (leaf == 0xd) {
        struct cpuid_xstate x = { .offered = pv_xstate_offered() };
        uint32_t ymm[4];

        x.xcr0 = x.offered;
        cpuid(0xd, 2, &ymm[0], &ymm[1], &ymm[2], &ymm[3]);
        x.ymm_size = ymm[0];
        x.ymm_offset = ymm[1];
        cpuid_pv_xstate_leaf(subleaf, host, &x, out);
        return;
    }
    cpuid_pv_filter(leaf, subleaf, host, false, out);
    /* OSXSAVE follows the vCPU's CR4: no policy carries it (as on Xen). */
    if (leaf == 1)
        out[2] &= ~LEAF1_ECX_OSXSAVE;
}

enum policy_kind { POLICY_HOST, POLICY_PV, POLICY_NONE };

static enum policy_kind sysctl_policy_kind(uint32_t index)
{
    switch (index) {
    case XEN_SYSCTL_cpu_policy_raw:
    case XEN_SYSCTL_cpu_policy_host:
        return POLICY_HOST;
    case XEN_SYSCTL_cpu_policy_pv_max:
    case XEN_SYSCTL_cpu_policy_pv_default:
        return POLICY_PV;
    default:
        return POLICY_NONE;
    }
}

static struct cpu_policy *policy_new(enum policy_kind kind)
{
    struct cpu_policy *p = xmalloc(sizeof(*p));

    if (p)
        cpu_policy_collect(p, kind == POLICY_HOST ? cpu_source : pv_source, NULL);
    return p;
}

/*
 * Writes p's leaves to the caller's array of *nr; on success *nr is the
 * count. A short array gets what fits and -ENOBUFS, as on Xen.
 */
static long put_leaves(const struct cpu_policy *p, uint64_t dst, uint32_t *nr)
{
    xen_cpuid_leaf_t *all = xmalloc(CPU_POLICY_MAX_LEAVES * sizeof(*all));
    uint32_t n;
    long rc;

    if (!all)
        return -XEN_ENOMEM;
    rc = cpu_policy_to_leaves(p, all, MIN(*nr, (uint32_t)CPU_POLICY_MAX_LEAVES), &n);
    if (copy_to_guest(dst, all, n * sizeof(*all)))
        rc = -XEN_EFAULT;
    else if (rc == 0)
        *nr = n;
    xfree(all);
    return rc;
}

static long put_msrs(const struct cpu_policy *p, uint64_t dst, uint32_t *nr)
{
    xen_msr_entry_t all[CPU_POLICY_MAX_MSRS];
    uint32_t n;
    long rc = cpu_policy_to_msrs(p, all, *nr, &n);

    if (copy_to_guest(dst, all, n * sizeof(*all)))
        return -XEN_EFAULT;
    if (rc == 0)
        *nr = n;
    return rc;
}

/* *partial: the leaf count went out though the MSRs failed (Xen copies it first). */
long sysctl_get_cpu_policy(struct xen_sysctl_cpu_policy *cp, bool *partial)
{
    uint64_t leaves = (uint64_t)(uintptr_t)cp->leaves.p, msrs = (uint64_t)(uintptr_t)cp->msrs.p;
    enum policy_kind kind = sysctl_policy_kind(cp->index);
    struct cpu_policy *p;
    long rc = 0;

    if (cp->_rsvd || cp->index > XEN_SYSCTL_cpu_policy_hvm_default)
        return -XEN_EINVAL;
    if (kind == POLICY_NONE)
        return -XEN_EOPNOTSUPP;     /* Lintel runs no HVM guests */
    if (!(p = policy_new(kind)))
        return -XEN_ENOMEM;
    if (!leaves)
        cp->nr_leaves = CPU_POLICY_MAX_LEAVES;
    else
        rc = put_leaves(p, leaves, &cp->nr_leaves);
    if (rc == 0) {
        if (!msrs)
            cp->nr_msrs = CPU_POLICY_MAX_MSRS;
        else
            rc = put_msrs(p, msrs, &cp->nr_msrs);
        *partial = rc != 0;
    }
    xfree(p);
    return rc;
}

/* *partial: nr_features goes back with -ENOBUFS (a short buffer), as on Xen. */
long sysctl_get_cpu_featureset(struct xen_sysctl_cpu_featureset *fs, bool *partial)
{
    uint32_t words[CPU_FEATURESET_WORDS];
    uint32_t nr = MIN(fs->nr_features, (uint32_t)CPU_FEATURESET_WORDS);
    struct cpu_policy *p;

    if (!fs->features.p) {
        fs->nr_features = CPU_FEATURESET_WORDS;
        return 0;
    }
    switch (fs->index) {
    case XEN_SYSCTL_cpu_featureset_raw:
    case XEN_SYSCTL_cpu_featureset_host:
        p = policy_new(POLICY_HOST);
        break;
    case XEN_SYSCTL_cpu_featureset_pv:
    case XEN_SYSCTL_cpu_featureset_pv_max:
        p = policy_new(POLICY_PV);
        break;
    case XEN_SYSCTL_cpu_featureset_hvm:
    case XEN_SYSCTL_cpu_featureset_hvm_max:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_EINVAL;
    }
    if (!p)
        return -XEN_ENOMEM;
    cpu_policy_featureset(p, words);
    xfree(p);
    if (copy_to_guest((uint64_t)(uintptr_t)fs->features.p, words, nr * sizeof(words[0])))
        return -XEN_EFAULT;
    fs->nr_features = nr;
    *partial = true;
    return nr < CPU_FEATURESET_WORDS ? -XEN_ENOBUFS : 0;
}

static struct cpu_policy *domain_policy_copy(struct domain *d)
{
    struct cpu_policy *p;

    if (!d->cpu_policy)
        return policy_new(POLICY_PV);
    if ((p = xmalloc(sizeof(*p))))
        memcpy(p, d->cpu_policy, sizeof(*p));
    return p;
}

long domctl_get_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *cp)
{
    uint64_t leaves = (uint64_t)(uintptr_t)cp->leaves.p, msrs = (uint64_t)(uintptr_t)cp->msrs.p;
    struct cpu_policy *p = domain_policy_copy(d);
    long rc = 0;

    if (!p)
        return -XEN_ENOMEM;
    if (!leaves)
        cp->nr_leaves = CPU_POLICY_MAX_LEAVES;
    else
        rc = put_leaves(p, leaves, &cp->nr_leaves);
    if (rc == 0 && !msrs)
        cp->nr_msrs = CPU_POLICY_MAX_MSRS;
    else if (rc == 0)
        rc = put_msrs(p, msrs, &cp->nr_msrs);
    xfree(p);
    return rc;
}

/* Reads the toolstack's arrays into p; counts past what a policy holds are -E2BIG. */
static long merge_from_guest(struct cpu_policy *p, const struct xen_domctl_cpu_policy *cp,
                             struct cpu_policy_error *err)
{
    xen_cpuid_leaf_t *leaves;
    xen_msr_entry_t msrs[CPU_POLICY_MAX_MSRS];
    long rc;

    if (cp->nr_leaves > CPU_POLICY_MAX_LEAVES)
        return -XEN_E2BIG;
    if (!(leaves = xmalloc(CPU_POLICY_MAX_LEAVES * sizeof(*leaves))))
        return -XEN_ENOMEM;
    if (copy_from_guest(leaves, (uint64_t)(uintptr_t)cp->leaves.p,
                        cp->nr_leaves * sizeof(*leaves)))
        rc = -XEN_EFAULT;
    else
        rc = cpu_policy_from_leaves(p, leaves, cp->nr_leaves, err);
    xfree(leaves);
    if (rc)
        return rc;
    if (cp->nr_msrs > CPU_POLICY_MAX_MSRS)
        return -XEN_E2BIG;
    if (copy_from_guest(msrs, (uint64_t)(uintptr_t)cp->msrs.p, cp->nr_msrs * sizeof(msrs[0])))
        return -XEN_EFAULT;
    return cpu_policy_from_msrs(p, msrs, cp->nr_msrs, err);
}

static long install_policy(struct domain *d, struct xen_domctl_cpu_policy *cp)
{
    struct cpu_policy_error err = { CPU_POLICY_NONE, CPU_POLICY_NONE, CPU_POLICY_NONE };
    struct cpu_policy *p = domain_policy_copy(d), *max = policy_new(POLICY_PV);
    long rc = -XEN_ENOMEM;

    if (p && max && !(rc = merge_from_guest(p, cp, &err))) {
        cpu_policy_clear_out_of_range(p);
        rc = cpu_policy_check_compatible(max, p, &err);
    }
    if (rc == 0) {
        /* Features the host cannot give are dropped, as Xen recalculates. */
        cpu_policy_clamp_features(p, max);
        struct cpu_policy *old = d->cpu_policy;

        d->cpu_policy = p;
        p = old;
    }
    cp->err_leaf = err.leaf;
    cp->err_subleaf = err.subleaf;
    cp->err_msr = err.msr;
    xfree(p);
    xfree(max);
    return rc;
}

/* Xen copies the error fields back only when the policy was refused. */
long domctl_set_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *cp, bool *copy_back)
{
    long rc;

    if (d == current_domain())
        return -XEN_EINVAL;     /* it could not be paused */
    domain_pause(d);
    /* Once the domain ran, its vCPUs may have acted on what they saw. */
    rc = d->state != DOMAIN_CREATED ? -XEN_EEXIST : install_policy(d, cp);
    domain_unpause(d);
    *copy_back = rc != 0;
    return rc;
}

void domain_cpuid_apply_policy(const struct domain *d, uint32_t leaf, uint32_t subleaf,
                               uint32_t out[4])
{
    uint32_t live[4];

    if (!d->cpu_policy)
        return;
    memcpy(live, out, sizeof(live));
    cpu_policy_guest_view(d->cpu_policy, leaf, subleaf, live, out);
}

void domain_cpu_policy_free(struct domain *d)
{
    xfree(d->cpu_policy);
    d->cpu_policy = NULL;
}
