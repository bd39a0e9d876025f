/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the hypervisor's cpuid leaves.
 *
 * Starting at 0x40000000 (or a multiple of 0x100 above it, when another
 * hypervisor's leaves come first) a guest finds:
 *   leaf 0: eax = last leaf of the range, ebx/ecx/edx = "XenVMMXenVMM"
 *   leaf 1: eax = version, (major << 16) | minor
 *   leaf 2: eax = number of hypercall pages, ebx = the MSR that installs them
 *   leaf 3: time (TSC mode and frequency), per subleaf
 *   leaf 4: HVM features (XEN_HVM_CPUID_*)
 *   leaf 5: PV features (XEN_CPUID_FEAT1_* in ecx)
 * A PV guest reads them through the forced-emulation prefix (XEN_CPUID).
 */
#ifndef LINTEL_PUBLIC_ARCH_X86_CPUID_H
#define LINTEL_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))

/* "XenVMMXenVMM", four bytes per register, little-endian. */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e  /* "nVMM" */

/* Leaf 5 ecx: mmu_update may be asked to keep the hardware A/D bits. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  (1u << 0)

/* Leaf 4 eax: virtualisation help available to HVM guests. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3)  /* ebx holds the vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4)  /* ecx holds the domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)

/* Leaf 5 eax: the machine address width PV guests may rely on. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#define XEN_CPUID_MAX_NUM_LEAVES 5

#endif /* LINTEL_PUBLIC_ARCH_X86_CPUID_H */
