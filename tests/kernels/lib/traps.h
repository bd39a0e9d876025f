/*
 * Exceptions in a PV test kernel.
 *
 * The hypervisor bounces a guest exception to the handler registered with
 * set_trap_table. traps_install() registers one entry stub per vector;
 * every stub ends in trap_dispatch(), which records what happened in
 * last_trap and resumes either after the faulting instruction (when a
 * probe registered a resume point for it, see FAULT_PROBE) or where the
 * trap left off (int3, or a handler that fixed the cause).
 */
#ifndef TESTKERNEL_TRAPS_H
#define TESTKERNEL_TRAPS_H

/* The pseudo vector under which event upcalls reach trap_dispatch (see events.h). */
#define EVENT_UPCALL_VECTOR 0x100

#ifndef __ASSEMBLY__

#include <stdint.h>

/* The stack as trap_common leaves it; the hardware-style frame is at the end. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct trap_record {
    unsigned int count;       /* traps taken since the last trap_reset() */
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip;
    uint64_t cs;
    uint64_t cr2;             /* vcpu_info->arch.cr2 when the trap was taken */
    int resumed_at_fixup;
};

extern volatile struct trap_record last_trap;

/* A handler a test may set to deal with a vector itself; return 1 if handled. */
typedef int (*trap_hook_t)(struct trap_frame *frame);
extern trap_hook_t trap_hook;

/* The software-interrupt vector the tests raise with int $0x80. */
#define SOFT_INT_VECTOR 0x80

/*
 * Registers the stubs for vectors 0-19 and SOFT_INT_VECTOR, all with gate
 * DPL 0 except int3 and SOFT_INT_VECTOR (DPL 3).
 */
long traps_install(void);
/*
 * The same with one of those vectors' gate DPL changed, to test who may
 * raise it, or with no gate at all for it (TRAP_NO_GATE); -1 for a vector
 * without a stub.
 */
#define TRAP_NO_GATE 0xff
long traps_install_with_gate_dpl(unsigned int vector, unsigned int dpl);
void trap_reset(void);

/*
 * Places insn (one instruction, as assembly text) so that a fault on it
 * resumes right after it. Extra arguments are asm operands, numbered
 * from 0 as usual.
 */
#define FAULT_PROBE(insn, ...)                                              \
    asm volatile("1: " insn "\n2:\n"                                        \
                 ".pushsection .fixups, \"a\"\n"                            \
                 ".balign 8\n"                                              \
                 ".quad 1b, 2b\n"                                           \
                 ".popsection\n" __VA_ARGS__)

#endif /* !__ASSEMBLY__ */

#endif /* TESTKERNEL_TRAPS_H */
