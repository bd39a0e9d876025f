/*
 * The PV execution layer (arch/x86_64/pv/) as the rest of the hypervisor
 * calls it: vCPU state set-up, the entry/exit machinery, trap bounces and
 * guest-mode switches. Owned by pv-exec.
 */
#ifndef LINTEL_PV_EXEC_H
#define LINTEL_PV_EXEC_H

#include <lintel/domain.h>

struct cpu_regs;

/* Pseudo vectors in cpu_regs.vector for entries that are not exceptions. */
#define PV_VECTOR_SYSCALL        0x100
#define PV_VECTOR_SYSCALL_COMPAT 0x101

/* Guest selectors (public/arch-x86/xen-x86_64.h): both modes run in ring 3. */
#define PV_KERNEL_CS 0xe033
#define PV_KERNEL_SS 0xe02b
#define PV_USER_CS   0xe033
#define PV_USER_SS   0xe02b

/* Says so at boot when the PV memory manager's weak stand-ins are in use. */

/* Boot-time set-up: IDT gates, syscall MSRs, the ring-0 stack for guests. */
void pv_exec_init(void);
/* The per-pCPU part (rsp0, syscall MSRs, FPU bits): each AP calls it too. */
void pv_exec_cpu_init(void);

int pv_vcpu_init(struct vcpu *v);
void pv_vcpu_destroy(struct vcpu *v);
/* Prepares v to start at rip with rsi = start_info, in kernel mode. */
void pv_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rsp, uint64_t rsi);
void pv_vcpu_print_state(struct vcpu *v);
/*
 * Gives a vCPU that never ran its first context (VCPUOP_initialise, the
 * toolstack's setvcpucontext): 0, or -EINVAL for an unusable context
 * (bad addresses, a page-table root the memory manager refuses).
 */
struct vcpu_guest_context;
int pv_vcpu_load_context(struct vcpu *v, const struct vcpu_guest_context *c);
uint64_t pv_vcpu_guest_rip(const struct vcpu *v);
/* The guest registers of v: the live frame if v runs, else its saved copy. */
struct cpu_regs *pv_guest_regs(struct vcpu *v);

/* The events mask and pending flag of v's vcpu_info. */
struct vcpu_info;
struct vcpu_info *pv_vcpu_info(struct vcpu *v);

/*
 * Arranges for the current vCPU to enter its guest handler for vector
 * (trap table entry) on the way out, with the given error code; false if
 * the guest has no handler (the caller crashes the domain).
 */
bool pv_inject_trap(struct cpu_regs *regs, unsigned vector, bool has_error,
                    uint64_t error_code);

/* Routes a guest exception (vector < 32) to emulation or the guest. */
void pv_handle_exception(struct cpu_regs *regs);
/* Vectors >= 32 from a guest: int $0x80, or an interrupt for the core. */
void pv_handle_soft_vector(struct cpu_regs *regs);
/* A user-mode syscall enters the guest kernel's syscall callback. */
bool pv_inject_syscall(struct cpu_regs *regs, struct vcpu *v);
/*
 * Makes sure iretq cannot fault on the frame (canonical rip, loadable CS
 * and SS); a bad one becomes a #GP for the guest (as Xen reflects a failed
 * iretq), or crashes the domain if it has no handler. False when the
 * domain was crashed.
 */
bool pv_check_return_frame(struct cpu_regs *regs, struct vcpu *v);
/*
 * A data selector of v would not load when it was switched in (Xen's
 * failsafe case): the guest kernel's failsafe callback gets Xen's frame
 * with the four selectors (ds, es, fs, gs) it had; no callback crashes it.
 */
void pv_inject_failsafe(struct cpu_regs *regs, struct vcpu *v, const uint16_t segments[4]);
/* Bounces to the event callback if an upcall is pending and unmasked. */
void pv_deliver_event(struct cpu_regs *regs, struct vcpu *v);
/* set_gdt for any vCPU of the caller: frames become descriptor tables. */
int pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, unsigned entries);
/* May iretq load sel as v's CS (code) or SS? */
bool pv_selector_ok(const struct vcpu *v, uint64_t sel, bool code);
/* May v load sel into a data segment register (null included)? */
bool pv_data_selector_ok(const struct vcpu *v, uint64_t sel);
/* Loads v's guest GDT entries and LDT (set_gdt, SET_LDT). */
void pv_load_descriptor_tables(struct vcpu *v);
/* A descriptor checked (and fixed up) in *d, or false if a guest may not have it. */
bool pv_descriptor_fixup(uint64_t *d);
/*
 * Whether all 512 descriptors of the frame pass pv_descriptor_fixup; the
 * checked form of each one up to the first bad one is written back into
 * the frame, as Xen does.
 */
bool pv_frame_descriptors_fixup(uint64_t mfn);
/* The GDT this pCPU runs on. */
uint64_t *pv_live_gdt(void);

/*
 * Guest LDTs (ldt.c). The LDT descriptor lives in the reserved GDT slot
 * Xen uses for it, beside the TSS.
 */
#define PV_LDT_SELECTOR 0xe050
/* Follows v's ldt_base/ldt_entries (typing its pages) and loads it if v runs. */
void pv_ldt_load(struct vcpu *v);
/* Drops v's GDT frames (vCPU teardown). */
void pv_gdt_release(struct vcpu *v);
/* Drops v's LDT pages and shadow (vCPU teardown). */
void pv_ldt_release(struct vcpu *v);
/* The checked descriptor at index of v's loaded LDT, or NULL past its end. */
const uint64_t *pv_ldt_descriptor(const struct vcpu *v, unsigned index);
/* update_descriptor wrote into frame mfn of d: refresh LDT copies of it. */
void pv_ldt_frame_changed(struct domain *d, mfn_t mfn);
/*
 * A #GP naming an LDT selector whose page could not be typed when the LDT
 * was set: retries the page, or gives the guest Xen's #PF for it. False
 * when the fault was not about such a page.
 */
bool pv_ldt_fault(struct cpu_regs *regs, uint64_t error_code);
/* Machine address behind guest va in v's kernel (or current) tables; 0 if unmapped. */
uint64_t pv_guest_va_to_maddr(struct vcpu *v, uint64_t va, bool kernel_tables);

/* Switches the current vCPU between guest kernel and guest user mode. */
void pv_toggle_guest_mode(struct vcpu *v);

/* C entry points from entry.S. */
void pv_entry_from_guest(struct cpu_regs *regs);
void pv_exit_work(struct cpu_regs *regs);
__noreturn void pv_reset_stack_and_return(struct cpu_regs *frame);
__noreturn void pv_reset_stack_and_call(void (*fn)(void));
/* The frame at the top of the guest-entry stack. */
struct cpu_regs *pv_frame(void);

/* Emulation of what ring 3 may not do (arch/x86_64/pv/emulate.c). */
bool pv_emulate_gp(struct cpu_regs *regs);
bool pv_emulate_ud(struct cpu_regs *regs);
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/*
 * Writable page tables: emulates a faulting 8-byte store into a guest page
 * table (arch/x86_64/pv/ptwr.c); false when it was not one.
 */
bool pv_emulate_pt_write(struct cpu_regs *regs, uint64_t cr2);
/*
 * PV-MM's side of it: validates val as a new entry at machine address
 * maddr of one of d's page tables, exactly as MMU_NORMAL_PT_UPDATE does,
 * and writes it; 0 or a negative errno. (A weak -ENOSYS stand-in links
 * until PV-MM provides it.)
 */
int pv_mm_pt_write(struct domain *d, uint64_t maddr, uint64_t val);
/*
 * Debug registers (debugreg.c): set_debugreg's rules for any vCPU of the
 * caller (also the toolstack's context), arming on vCPU switch, and #DB.
 */
int pv_set_debugreg(struct vcpu *v, unsigned reg, uint64_t val);
void pv_debugreg_init(struct vcpu *v);
void pv_debugreg_switch_in(struct vcpu *v);
void pv_debugreg_switch_out(struct vcpu *v);
/* #DB from the guest: the hit goes into its DR6 view and to its handler. */
void pv_debug_exception(struct cpu_regs *regs);
/* #DB in ring 0 (a guest data breakpoint on memory we touched): true if handled. */
bool pv_debug_in_hypervisor(struct cpu_regs *regs);

/*
 * FPU/SSE/AVX state (xstate.c): XSAVE when the CPU has it, else FXSAVE.
 * The XCR0 components a PV guest may enable: x87, SSE, YMM.
 */
#define PV_XCR0_X87     0x1ULL
#define PV_XCR0_SSE     0x2ULL
#define PV_XCR0_YMM     0x4ULL
#define PV_XCR0_DEFAULT (PV_XCR0_X87 | PV_XCR0_SSE)
/* Per pCPU: CR4.OSXSAVE and XCR0 (the first call also sizes the areas). */
void pv_xstate_cpu_init(void);
/* XCR0 bits offered to guests (0 without XSAVE). */
uint64_t pv_xstate_offered(void);
int pv_xstate_vcpu_init(struct vcpu *v);
/* A toolstack context's 512-byte FXSAVE image becomes v's state. */
void pv_xstate_load_legacy(struct vcpu *v, const void *fxsave_image);
void pv_xstate_save(struct vcpu *v);
void pv_xstate_restore(struct vcpu *v);
/* Has the guest turned CR4.OSXSAVE on in its view (and may it)? */
bool pv_xstate_guest_osxsave(const struct vcpu *v);
bool pv_xstate_cr4_ok(uint64_t guest_cr4);
/* Emulates the guest kernel's xsetbv: 0 when done, else the vector to give it. */
unsigned pv_emulate_xsetbv(struct cpu_regs *regs);

/* vm_assist state of d (VMASST_TYPE_*). */
bool pv_vm_assist_enabled(const struct domain *d, unsigned type);

/* The hypercall page of a 64-bit PV guest, written into page. */
void pv_write_hypercall_page(void *page);

#endif
