/*
 * What cpuid shows a 64-bit PV guest: the host's leaves with what a
 * ring-3 kernel cannot use filtered out, plus the hypervisor leaves at
 * 0x40000000 ("XenVMMXenVMM", version, hypercall page). Pure logic: also
 * compiled into the host unit tests.
 */
#ifndef LINTEL_CPUID_POLICY_H
#define LINTEL_CPUID_POLICY_H

#include <lintel/types.h>

#define CPUID_HV_BASE   0x40000000u
#define CPUID_HV_LAST   0x40000005u
/* XENVER_version's value: (major << 16) | minor. */
#define CPUID_HV_VERSION ((4u << 16) | 17u)

/* True for leaves answered without asking the host (the hypervisor range). */
bool cpuid_is_hypervisor_leaf(uint32_t leaf);
/* host: the CPU's answer for (leaf, subleaf); out: what the guest sees. */
void cpuid_pv_filter(uint32_t leaf, uint32_t subleaf, const uint32_t host[4],
                     bool privileged, uint32_t out[4]);

/*
 * Leaf 0xd (XSAVE) as a PV vCPU sees it: the components offered, the area
 * size for its current XCR0 and for all of them, XSAVEOPT & co from the
 * host (host = the CPU's leaf 0xd for that subleaf).
 */
#define CPUID_XCR0_YMM 0x4ULL
struct cpuid_xstate {
    uint64_t offered;               /* XCR0 bits guests may enable; 0: no XSAVE */
    uint64_t xcr0;                  /* the vCPU's XCR0 */
    uint32_t ymm_offset, ymm_size;  /* the CPU's leaf 0xd/2 */
};
void cpuid_pv_xstate_leaf(uint32_t subleaf, const uint32_t host[4],
                          const struct cpuid_xstate *x, uint32_t out[4]);

#endif
