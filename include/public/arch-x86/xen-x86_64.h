/* SPDX-License-Identifier: MIT */
/*
 * Lintel public ABI: the x86_64-only part of the guest interface.
 *
 * A 64-bit PV guest runs its kernel and its user code in ring 3, so every
 * selector handed to it carries RPL 3. The numbers and layouts here must
 * equal Xen 4.17's (tests/abi checks them); the words are ours.
 */
#include "xen.h"

#ifndef LINTEL_PUBLIC_ARCH_X86_XEN_X86_64_H
#define LINTEL_PUBLIC_ARCH_X86_XEN_X86_64_H

/*
 * Flat segments in the hypervisor-reserved part of the GDT. A 64-bit data
 * selector of 0 is legal in long mode, which is why DS64 is the null selector.
 */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

/* Kernel and user share ring 3; the aliases exist so callers can say which one they mean. */
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64
#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_DS32   FLAT_RING3_DS32
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_CS32   FLAT_RING3_CS32
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_SS32   FLAT_RING3_SS32
#define FLAT_USER_SS     FLAT_USER_SS64

/*
 * The hypervisor owns this slice of the upper canonical half in every
 * address space; guests must never map anything there. The first part of it
 * is the read-only machine-to-physical table guests read directly.
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END   xen_mk_ulong(__HYPERVISOR_VIRT_END)
#endif
#define MACH2PHYS_VIRT_START  xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END    xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/* Which base set_segment_base changes. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3 /* loads the user GS selector, keeping the kernel GS base */

/* vcpu_guest_context.flags: the vcpu was stopped inside a syscall entry. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

#ifndef __ASSEMBLY__

/*
 * What the guest pushes before HYPERVISOR_iret: the stub adds rax, the
 * guest supplies the rest. flags carries VGCF_in_syscall to request a
 * sysret-style return (rcx and r11 are then not restored).
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * Registers are 64-bit slots; the unions only give the narrower names that
 * emulation code wants (eax, ax, al...) without changing the layout.
 */
#define LINTEL_REG_ABCD(reg) union { \
    uint64_t r##reg##x; uint32_t e##reg##x; uint16_t reg##x; \
    struct { uint8_t reg##l; uint8_t reg##h; }; }
#define LINTEL_REG_BYTE(n) union { \
    uint64_t r##n; uint32_t e##n; uint16_t n; uint8_t n##l; }
#define LINTEL_REG_WORD(n) union { \
    uint64_t r##n; uint32_t e##n; uint16_t n; }
#define LINTEL_REG_NUM(num) union { \
    uint64_t r##num; uint32_t r##num##d; uint16_t r##num##w; uint8_t r##num##b; }

struct cpu_user_regs {
    LINTEL_REG_NUM(15);
    LINTEL_REG_NUM(14);
    LINTEL_REG_NUM(13);
    LINTEL_REG_NUM(12);
    LINTEL_REG_BYTE(bp);
    LINTEL_REG_ABCD(b);
    LINTEL_REG_NUM(11);
    LINTEL_REG_NUM(10);
    LINTEL_REG_NUM(9);
    LINTEL_REG_NUM(8);
    LINTEL_REG_ABCD(a);
    LINTEL_REG_ABCD(c);
    LINTEL_REG_ABCD(d);
    LINTEL_REG_BYTE(si);
    LINTEL_REG_BYTE(di);
    uint32_t error_code;    /* hardware error code, or 0 */
    uint32_t entry_vector;  /* the hypervisor's own bookkeeping */
    LINTEL_REG_WORD(ip);
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask; /* event mask at trap time, restored by iret */
    uint8_t  _pad1[3];
    LINTEL_REG_WORD(flags);
    LINTEL_REG_BYTE(sp);
    uint16_t ss, _pad2[3];
    /* Segment registers are only meaningful in a saved vcpu context. */
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

#undef LINTEL_REG_ABCD
#undef LINTEL_REG_BYTE
#undef LINTEL_REG_WORD
#undef LINTEL_REG_NUM

/* In guest context a cr3 value is a frame number shifted into place. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

struct arch_vcpu_info {
    unsigned long cr2;  /* faulting address of the last #PF bounced to the guest */
    unsigned long pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* A callback is just a virtual address: the code selector is implied on 64-bit. */
typedef unsigned long xen_callback_t;

#endif /* !__ASSEMBLY__ */

#endif /* LINTEL_PUBLIC_ARCH_X86_XEN_X86_64_H */
