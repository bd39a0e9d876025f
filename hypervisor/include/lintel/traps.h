/* Interrupt and exception entry: the saved register frame and vectors. */
#ifndef LINTEL_TRAPS_H
#define LINTEL_TRAPS_H

#include <lintel/types.h>

/* Layout fixed by arch/x86_64/entry.S, which pushes it in reverse. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

#define VECTOR_NMI              2
#define VECTOR_DOUBLE_FAULT     8
#define VECTOR_GP_FAULT         13
#define VECTOR_PAGE_FAULT       14
#define VECTOR_MACHINE_CHECK    18
#define VECTOR_PIC_BASE         0x20    /* legacy 8259s remapped here, masked */
#define VECTOR_PIC1_SPURIOUS    (VECTOR_PIC_BASE + 7)
#define VECTOR_PIC2_SPURIOUS    (VECTOR_PIC_BASE + 15)
#define VECTOR_APIC_TIMER       0xf0
#define VECTOR_APIC_ERROR       0xfe
#define VECTOR_APIC_SPURIOUS    0xff

#define IST_NMI     1
#define IST_DF      2
#define IST_MCE     3

void traps_init(void);
void do_interrupt(struct cpu_regs *regs);
__noreturn void crash_report(const struct cpu_regs *regs, const char *why);
void traps_register_keys(void);

/* Segment selectors, at the offsets Xen's PV ABI fixes (0xe000 and up). */
#define HYPERVISOR_CS   0xe008
#define HYPERVISOR_DS   0xe010
#define TSS_SELECTOR    0xe040

void descriptors_init(void);
/* An application processor's GDT (gdt_size() zeroed bytes), TSS and IDT. */
size_t gdt_size(void);
void descriptors_init_cpu(unsigned cpu, uint64_t *gdt_memory);
void tss_set_ist(unsigned ist, uint64_t stack_top);
/* The stack the CPU switches to when an interrupt arrives from rings 1-3. */
void tss_set_rsp0(uint64_t stack_top);
/*
 * Points an IDT vector at another entry stub (e.g. the PV guest entry
 * path) with the given DPL (3 lets guests raise it with int n). The
 * vector keeps its IST stack, so NMI, #DF and #MC stay on theirs.
 */
void idt_set_handler(unsigned vector, const void *stub, unsigned dpl);

#endif
