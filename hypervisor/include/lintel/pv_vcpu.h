/*
 * A 64-bit PV vCPU's guest-visible CPU state (owned by arch/x86_64/pv/).
 * Both the guest kernel and guest user run in ring 3; the hypervisor keeps
 * which of the two is current (in_kernel) and switches page-table roots and
 * GS bases between them on syscall from user, the iret hypercall and trap
 * bounces, as Xen does.
 */
#ifndef LINTEL_PV_VCPU_H
#define LINTEL_PV_VCPU_H

#include <lintel/types.h>

#define PV_GDT_MAX_FRAMES 14        /* guest GDT entries below 0xe000 */
#define PV_LDT_MAX_ENTRIES 8192     /* MMUEXT_SET_LDT's limit, as Xen's */
#define PV_LDT_MAX_FRAMES (PV_LDT_MAX_ENTRIES * 8 / 4096)

struct pv_trap_entry {              /* set_trap_table, by vector */
    uint64_t address;
    uint16_t cs;
    uint8_t flags;                  /* DPL in bits 0-1, "disable events" in bit 2 */
};

struct pv_vcpu {
    /* Saved guest registers while descheduled (layout of struct cpu_regs). */
    uint64_t saved_regs[22];

    bool initialised;               /* has a context (builder, VCPUOP_initialise) */
    bool in_kernel;
    mfn_t kernel_root;              /* L4 for kernel mode (NEW_BASEPTR) */
    mfn_t user_root;                /* L4 for user mode (NEW_USER_BASEPTR); 0: none */

    uint64_t kernel_sp;             /* stack_switch */
    uint16_t kernel_ss;

    struct pv_trap_entry traps[256];
    uint64_t event_callback, failsafe_callback, syscall_callback, nmi_callback;
    bool syscall_disables_events;
    bool failsafe_disables_events;

    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint64_t gdt_frames[PV_GDT_MAX_FRAMES];
    unsigned gdt_entries;
    uint64_t ldt_base;              /* MMUEXT_SET_LDT: what the guest asked */
    unsigned ldt_entries;
    /*
     * The LDT the CPU uses: a validated copy of the guest's descriptor
     * pages (arch/x86_64/pv/ldt.c), taken for ldt_loaded_base/entries.
     * Guest pages that could not be typed as descriptor pages yet read as
     * empty entries until a fault on them retries (Xen maps them lazily).
     */
    uint64_t *ldt_shadow;
    uint64_t ldt_loaded_base;
    unsigned ldt_loaded_entries;
    uint64_t ldt_frames[PV_LDT_MAX_FRAMES];     /* 0: not typed (yet) */

    /* %ds, %es, %fs, %gs while descheduled (the bases are kept apart). */
    uint16_t ds, es, fs, gs;

    uint64_t debugreg[8];
    uint64_t cr2;                   /* also mirrored in vcpu_info->arch.cr2 */
    uint64_t guest_cr4;             /* what mov from %cr4 shows the guest */
    bool fpu_switched_out;          /* fpu_taskswitch(1): #NM to the guest */
    unsigned iopl;                  /* physdev set_iopl, dom0 */

    /* vcpu_info: in shared_info until VCPUOP_register_vcpu_info moves it. */
    void *vcpu_info;                /* direct-map pointer */
    mfn_t vcpu_info_mfn;

    void *fpu_area;                 /* FXSAVE/XSAVE image, 64-byte aligned */
    uint64_t xcr0;                  /* the guest's XCR0 (xsetbv), live while it runs */
};

#endif
