#include <lintel/cpuid_policy.h>
#include <lintel/lib.h>

enum { EAX, EBX, ECX, EDX };

#define BIT(n) (1u << (n))

/* Leaf 1 ecx: VMX, SMX, EST, TM2, DS-CPL, MONITOR, PDCM, TSC-deadline. */
#define LEAF1_ECX_HIDDEN (BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | \
                          BIT(15) | BIT(24))
/* XSAVE and what needs its state: OSXSAVE, AVX, FMA, F16C. With XSAVE the
 * hypervisor has CR4.OSXSAVE on and PV guests see OSXSAVE set, as on Xen
 * (Linux uses XSAVE only when it sees both). */
#define LEAF1_ECX_XSAVE   BIT(26)
#define LEAF1_ECX_OSXSAVE BIT(27)
#define LEAF1_ECX_NEEDS_XSAVE (BIT(12) | BIT(27) | BIT(28) | BIT(29))
/* Leaf 1 edx: VME, DE, PSE, MCE, SEP, MCA, PSE36, DS, ACPI, TM, PBE:
 * ring-3 kernels have no large pages or machine-check banks. APIC stays
 * visible, as on Xen: without it Linux ignores the MADT's IO-APICs and dom0
 * cannot route its interrupts (it never touches the local APIC itself). */
#define LEAF1_EDX_HIDDEN (BIT(1) | BIT(2) | BIT(3) | BIT(7) | BIT(11) | \
                          BIT(14) | BIT(17) | BIT(21) | BIT(22) | BIT(29) | BIT(31))
#define LEAF1_EDX_MTRR   BIT(12)
#define LEAF1_ECX_HYPERVISOR BIT(31)
/* Leaf 7 ebx kept: BMI1, AVX2, BMI2, ERMS, RDSEED, ADX, SHA (no CR4 control needed). */
#define LEAF7_EBX_KEPT   (BIT(3) | BIT(5) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | BIT(29))
/* Leaf 7 ecx kept: GFNI, VAES, VPCLMULQDQ (instructions on SSE/AVX state). */
#define LEAF7_ECX_KEPT   (BIT(8) | BIT(9) | BIT(10))
/* Leaf 0xd/1 eax kept: XSAVEOPT, XSAVEC, XGETBV1 (not XSAVES: ring 0 only). */
#define LEAFD1_EAX_KEPT  (BIT(0) | BIT(1) | BIT(2))
#define XSTATE_LEGACY_AND_HEADER 576
/* 0x80000001 ecx: SVM hidden. */
#define EXT1_ECX_HIDDEN  BIT(2)

bool cpuid_is_hypervisor_leaf(uint32_t leaf)
{
    return leaf >= CPUID_HV_BASE && leaf < CPUID_HV_BASE + 0x100;
}

static void hypervisor_leaf(uint32_t leaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(out[0]));
    switch (leaf - CPUID_HV_BASE) {
    case 0:
        out[EAX] = CPUID_HV_LAST;
        memcpy(&out[EBX], "XenV", 4);
        memcpy(&out[ECX], "MMXe", 4);
        memcpy(&out[EDX], "nVMM", 4);
        break;
    case 1:
        out[EAX] = CPUID_HV_VERSION;
        break;
    case 2:
        out[EAX] = 1;               /* one hypercall page */
        out[EBX] = CPUID_HV_BASE;   /* the MSR that would place it */
        break;
    default:
        break;                      /* TSC, HVM and PV-specific leaves: nothing */
    }
}

void cpuid_pv_filter(uint32_t leaf, uint32_t subleaf, const uint32_t host[4],
                     bool privileged, uint32_t out[4])
{
    (void)subleaf;
    if (cpuid_is_hypervisor_leaf(leaf)) {
        hypervisor_leaf(leaf, out);
        return;
    }
    memcpy(out, host, 4 * sizeof(out[0]));
    switch (leaf) {
    case 1:
        out[ECX] = (out[ECX] & ~LEAF1_ECX_HIDDEN) | LEAF1_ECX_HYPERVISOR;
        if (out[ECX] & LEAF1_ECX_XSAVE)
            out[ECX] |= LEAF1_ECX_OSXSAVE;
        else
            out[ECX] &= ~LEAF1_ECX_NEEDS_XSAVE;
        out[EDX] &= ~LEAF1_EDX_HIDDEN;
        if (!privileged)
            out[EDX] &= ~LEAF1_EDX_MTRR;
        break;
    case 5: case 6: case 0xa: case 0xd:
        /* monitor/mwait, power management, PMU; XSAVE: cpuid_pv_xstate_leaf */
        memset(out, 0, 4 * sizeof(out[0]));
        break;
    case 7:
        if (subleaf == 0) {
            out[EAX] = 0;
            out[EBX] &= LEAF7_EBX_KEPT;
            out[ECX] &= LEAF7_ECX_KEPT;
        } else {
            out[EBX] = 0;
            out[ECX] = 0;
        }
        out[EDX] = 0;
        break;
    case 0x80000001:
        out[ECX] &= ~EXT1_ECX_HIDDEN;
        break;
    default:
        break;
    }
}

static uint32_t xstate_size(const struct cpuid_xstate *x, uint64_t mask)
{
    uint32_t size = XSTATE_LEGACY_AND_HEADER;

    if ((mask & CPUID_XCR0_YMM) && x->ymm_offset + x->ymm_size > size)
        size = x->ymm_offset + x->ymm_size;
    return size;
}

void cpuid_pv_xstate_leaf(uint32_t subleaf, const uint32_t host[4],
                          const struct cpuid_xstate *x, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(out[0]));
    if (!x->offered)
        return;
    switch (subleaf) {
    case 0:
        out[EAX] = (uint32_t)x->offered;
        out[EBX] = xstate_size(x, x->xcr0);
        out[ECX] = xstate_size(x, x->offered);
        break;
    case 1:
        out[EAX] = host[EAX] & LEAFD1_EAX_KEPT;
        break;
    case 2:
        if (x->offered & CPUID_XCR0_YMM) {
            out[EAX] = x->ymm_size;
            out[EBX] = x->ymm_offset;
        }
        break;
    default:
        break;
    }
}
