/*
 * CPUID/MSR policies as the toolstack exchanges them (Xen 4.17's
 * XEN_SYSCTL_get_cpu_policy, XEN_DOMCTL_get/set_cpu_policy and
 * XEN_SYSCTL_get_cpu_featureset). A policy holds the leaves a guest may be
 * shown, in the same partition as Xen's struct cpu_policy so that libxc's
 * deserialiser accepts what we send: basic leaves 0..0xd, with 4 (cache),
 * 7 (features), 0xb (topology) and 0xd (XSAVE) by subleaf, the two
 * hypervisor-range limits, and extended leaves 0x80000000..0x80000021.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_CPU_POLICY_H
#define LINTEL_CPU_POLICY_H

#include <lintel/types.h>
#include <public/xen.h>

#define CPU_POLICY_NR_BASIC   (0xdu + 1)
#define CPU_POLICY_NR_CACHE   (5u + 1)
#define CPU_POLICY_NR_FEAT    (2u + 1)
#define CPU_POLICY_NR_TOPO    (1u + 1)
#define CPU_POLICY_NR_XSTATE  (62u + 1)
#define CPU_POLICY_NR_EXTD    (0x21u + 1)
/* Xen's CPUID_MAX_SERIALISED_LEAVES: every array, less the basic slots the
 * subleaf arrays hang off, plus the two hypervisor limits. */
#define CPU_POLICY_MAX_LEAVES (CPU_POLICY_NR_BASIC + CPU_POLICY_NR_CACHE - 1 + \
                               CPU_POLICY_NR_FEAT - 1 + CPU_POLICY_NR_TOPO - 1 + \
                               CPU_POLICY_NR_XSTATE - 1 + CPU_POLICY_NR_EXTD + 2)
/* Xen's MSR_MAX_SERIALISED_ENTRIES: PLATFORM_INFO and ARCH_CAPABILITIES. */
#define CPU_POLICY_MAX_MSRS   2
#define CPU_POLICY_MSR_PLATFORM_INFO 0x000000ceu
#define CPU_POLICY_MSR_ARCH_CAPS     0x0000010au
/* Xen 4.17's FSCAPINTS: words of a feature set (FEATURESET_1d .. e21c). */
#define CPU_FEATURESET_WORDS  19
/* "No subleaf" / "no leaf" in the error fields, as Xen reports them. */
#define CPU_POLICY_NONE       0xffffffffu

struct cpuid_regs {
    uint32_t a, b, c, d;
};

struct cpu_policy {
    struct cpuid_regs basic[CPU_POLICY_NR_BASIC];
    struct cpuid_regs cache[CPU_POLICY_NR_CACHE];
    struct cpuid_regs feat[CPU_POLICY_NR_FEAT];
    struct cpuid_regs topo[CPU_POLICY_NR_TOPO];
    struct cpuid_regs xstate[CPU_POLICY_NR_XSTATE];
    struct cpuid_regs extd[CPU_POLICY_NR_EXTD];
    uint32_t hv_limit, hv2_limit;
    uint64_t platform_info, arch_caps;
};

/* Where a refused policy went wrong (CPU_POLICY_NONE where nothing). */
struct cpu_policy_error {
    uint32_t leaf, subleaf, msr;
};

/* Answers cpuid(leaf, subleaf) as the policy being collected should see it. */
typedef void (*cpuid_source)(uint32_t leaf, uint32_t subleaf, uint32_t out[4], void *ctx);

/* Fills p by asking source for every leaf a policy holds, as Xen collects its own. */
void cpu_policy_collect(struct cpu_policy *p, cpuid_source source, void *ctx);

/* Xen's serialised order; -XEN_ENOBUFS once room entries are written (those stay). */
int cpu_policy_to_leaves(const struct cpu_policy *p, xen_cpuid_leaf_t *out,
                         uint32_t room, uint32_t *written);
int cpu_policy_to_msrs(const struct cpu_policy *p, xen_msr_entry_t *out,
                       uint32_t room, uint32_t *written);

/* Merges a toolstack's leaves/MSRs into p: -XEN_ERANGE for a leaf or MSR
 * no policy holds, -XEN_EINVAL for MSR flags, -XEN_EOVERFLOW for a value
 * too wide; err names the culprit. The caller has bounded the counts. */
int cpu_policy_from_leaves(struct cpu_policy *p, const xen_cpuid_leaf_t *in, uint32_t nr,
                           struct cpu_policy_error *err);
int cpu_policy_from_msrs(struct cpu_policy *p, const xen_msr_entry_t *in, uint32_t nr,
                         struct cpu_policy_error *err);

/* Zeroes what lies beyond the policy's own maximum leaves. */
void cpu_policy_clear_out_of_range(struct cpu_policy *p);
/* Xen's audit of a new policy against the most it may offer: -XEN_EINVAL
 * (err set) for max leaves or PLATFORM_INFO bits beyond max. */
int cpu_policy_check_compatible(const struct cpu_policy *max, const struct cpu_policy *p,
                                struct cpu_policy_error *err);
/* Drops every feature max lacks (Xen recalculates a set policy so). */
void cpu_policy_clamp_features(struct cpu_policy *p, const struct cpu_policy *max);

void cpu_policy_featureset(const struct cpu_policy *p, uint32_t fs[CPU_FEATURESET_WORDS]);

/*
 * What a guest whose toolstack set p sees for (leaf, subleaf): p's values,
 * zeros past its maximum leaves, and from live (this vCPU's own answer)
 * the fields that depend on the vCPU: APIC IDs, OSXSAVE and the XSAVE sizes.
 */
void cpu_policy_guest_view(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf,
                           const uint32_t live[4], uint32_t out[4]);

/* The hypervisor side (common/control/cpu_policy_ops.c). */
struct domain;
/* Turns out, the vCPU's own answer, into what d's set policy shows (if any). */
void domain_cpuid_apply_policy(const struct domain *d, uint32_t leaf, uint32_t subleaf,
                               uint32_t out[4]);
void domain_cpu_policy_free(struct domain *d);

#endif
