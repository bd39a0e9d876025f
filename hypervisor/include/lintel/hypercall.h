/*
 * Hypercall dispatch. The entry stub (arch/x86_64/pv/entry.S, syscall from
 * the guest kernel) saves the guest's registers and calls
 * hypercall_dispatch(), which indexes hypercall_table by the Xen number in
 * rax and passes rdi, rsi, rdx, r10, r8. Each handler lives in the file that
 * owns its object and is registered in common/hypercall_table.c. Unknown or
 * unimplemented numbers return -ENOSYS. With the boot option
 * hypercall_trace, every call is logged with its arguments and result.
 *
 * A handler that must stop part way (a long batch) returns
 * hypercall_continue(...): the guest re-executes the hypercall with updated
 * arguments, so interrupts and other vCPUs get the CPU in between.
 */
#ifndef LINTEL_HYPERCALL_H
#define LINTEL_HYPERCALL_H

#include <lintel/types.h>

struct cpu_regs;

typedef long (*hypercall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5);

struct hypercall_entry {
    hypercall_fn fn;
    const char *name;
};

#define NR_HYPERCALLS 64
extern const struct hypercall_entry hypercall_table[NR_HYPERCALLS];

void hypercall_dispatch(struct cpu_regs *regs);
/* Debug key 'T': the hypercall trace on and off while running. */
void hypercall_register_keys(void);
/* The hypercall's name for logs ("?" for numbers Xen never assigned). */
const char *hypercall_name(uint64_t nr);
/* Rewinds the guest's rip to the hypercall instruction and stores the
 * given arguments back, so the call resumes where it stopped. */
long hypercall_continue(struct cpu_regs *regs, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5);
/*
 * multicall's way to run one entry: a continuation the entry asks for
 * cannot rewrite the registers (they hold the multicall's arguments), so
 * it lands in args instead and *continued says so; the multicall then
 * stores the new arguments into the guest's entry and continues itself
 * from that entry, as Xen does.
 */
long hypercall_run_nested(hypercall_fn fn, uint64_t args[5], bool *continued);
/* The register frame of the hypercall in progress on this pCPU. */
struct cpu_regs *hypercall_regs(void);

#endif
