/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: x86 definitions shared by everything in xen.h.
 *
 * Only the 64-bit layout is supported; 32-bit PV guests are out of scope.
 * Include <public/xen.h> rather than this file.
 */
/* Included on its own, it still gets everything in the right order. */
#include "../xen.h"

#ifndef LINTEL_PUBLIC_ARCH_X86_XEN_H
#define LINTEL_PUBLIC_ARCH_X86_XEN_H

#if !defined(__x86_64__)
#error "Lintel's public headers describe the x86_64 ABI only"
#endif

/*
 * Guest handles: a guest pointer wrapped in a one-member struct, so a
 * handle of one type cannot be silently passed where another is expected.
 * On x86_64 a handle is exactly one pointer wide, in every structure.
 */
#define LINTEL_HANDLE_TYPEDEF(name, type) \
    typedef struct { type *p; } lintel_guest_handle_##name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    LINTEL_HANDLE_TYPEDEF(name, type); \
    LINTEL_HANDLE_TYPEDEF(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)      lintel_guest_handle_##name
#define XEN_GUEST_HANDLE(name)        __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)  XEN_GUEST_HANDLE(name)
/* Toolstack structures use 64-bit handles; on x86_64 they are the same thing. */
#define XEN_GUEST_HANDLE_64(name)     XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)     set_xen_guest_handle_raw(hnd, val)
#define guest_handle_is_null(hnd)          ((hnd).p == 0)

#include "xen-x86_64.h"

#ifndef __ASSEMBLY__
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn  "lx"
#define PRIu_xen_pfn "lu"
typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"
#endif

/* This architecture has the classic PV entry (start_info) and an upcall mask. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * GDT pages from 14 on belong to the hypervisor (the FLAT_* selectors live
 * there), so a guest GDT may use at most 14 pages worth of entries.
 */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* shared_info only has room for this many vcpu_info slots. */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

/*
 * One virtual IDT entry. flags bits 0-1 are the DPL allowed to raise the
 * vector with int n; bit 2 set means "deliver with events still enabled"
 * (a trap gate), clear means events are masked on entry (an interrupt gate).
 * A zero address ends the table passed to set_trap_table.
 */
#define TI_GET_DPL(_ti)       ((_ti)->flags & 3)
#define TI_GET_IF(_ti)        ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)   ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t       vector;
    uint8_t       flags;
    uint16_t      cs;
    unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

typedef uint64_t tsc_timestamp_t;

/*
 * The full state of a PV vcpu as the toolstack sets or reads it
 * (VCPUOP_initialise, XEN_DOMCTL_setvcpucontext/getvcpucontext).
 */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;   /* FXSAVE image */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)
    unsigned long flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    unsigned long ldt_base, ldt_ents;
    unsigned long gdt_frames[16], gdt_ents;
    unsigned long kernel_ss, kernel_sp;  /* the stack_switch values */
    /* ctrlreg[3] is the kernel cr3 and ctrlreg[1] the user cr3, both in xen_pfn_to_cr3 form. */
    unsigned long ctrlreg[8];
    unsigned long debugreg[8];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;             /* VMASST_TYPE_* bitmap */
    uint64_t      fs_base;
    uint64_t      gs_base_kernel;
    uint64_t      gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

struct arch_shared_info {
    /* Highest pfn + 1 the guest's p2m covers; written by the guest for the tools. */
    unsigned long max_pfn;
    /* Frame of the top of the 3-level frame list describing the p2m (save/restore). */
    xen_pfn_t     pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    /* Alternative p2m description: a virtually mapped list, see SIF_VIRT_P2M_4TOOLS. */
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;  /* odd while the guest rewrites its p2m */
};
typedef struct arch_shared_info arch_shared_info_t;

/* x86 part of XEN_DOMCTL_createdomain: which emulated devices the domain gets. */
struct xen_arch_domainconfig {
#define _XEN_X86_EMU_LAPIC     0
#define XEN_X86_EMU_LAPIC      (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET      1
#define XEN_X86_EMU_HPET       (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM        2
#define XEN_X86_EMU_PM         (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC       3
#define XEN_X86_EMU_RTC        (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC    4
#define XEN_X86_EMU_IOAPIC     (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC       5
#define XEN_X86_EMU_PIC        (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA       6
#define XEN_X86_EMU_VGA        (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU     7
#define XEN_X86_EMU_IOMMU      (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT       8
#define XEN_X86_EMU_PIT        (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ  9
#define XEN_X86_EMU_USE_PIRQ   (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI      10
#define XEN_X86_EMU_VPCI       (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL (XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET | XEN_X86_EMU_PM | \
                         XEN_X86_EMU_RTC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC | \
                         XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU | XEN_X86_EMU_PIT | \
                         XEN_X86_EMU_USE_PIRQ | XEN_X86_EMU_VPCI)
    uint32_t emulation_flags;   /* a PV domain passes 0 */
#define XEN_X86_MSR_RELAXED    (1u << 0)
    uint32_t misc_flags;
};
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED

typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;   /* must be zero */
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* !__ASSEMBLY__ */

/*
 * A PV guest cannot trust a plain cpuid (it runs natively, unfiltered).
 * Prefixing it with ud2 followed by the bytes "xen" makes the instruction
 * fault, and the hypervisor then emulates it with the guest's policy.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f,0x0b,0x78,0x65,0x6e ;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

/* Port an HVM guest can write bytes to for the hypervisor's debug console. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* LINTEL_PUBLIC_ARCH_X86_XEN_H */
