/* Exception dispatch for the test kernels; see traps.h. */
#include "traps.h"

#include "kernel.h"

/* Vectors 0-19, then SOFT_INT_VECTOR. */
#define NR_STUBS 21

struct fixup {
    uint64_t fault_rip;
    uint64_t resume_rip;
};

extern const struct fixup __fixups_start[], __fixups_end[];
extern const uint64_t trap_entry_table[NR_STUBS];

static unsigned int stub_vector(unsigned int stub)
{
    return stub < 20 ? stub : SOFT_INT_VECTOR;
}

volatile struct trap_record last_trap;
trap_hook_t trap_hook;

static const struct fixup *find_fixup(uint64_t rip)
{
    for (const struct fixup *f = __fixups_start; f < __fixups_end; f++)
        if (f->fault_rip == rip)
            return f;
    return 0;
}

static uint64_t current_cr2(void)
{
    shared_info_t *shared = shared_info_map();
    return shared ? shared->vcpu_info[0].arch.cr2 : ~0ULL;
}

/* Set by events.c when a kernel uses event channels. */
void (*event_upcall_handler)(struct trap_frame *frame);

void trap_dispatch(struct trap_frame *frame)
{
    const struct fixup *fixup;

    if (frame->vector == EVENT_UPCALL_VECTOR) {
        if (!event_upcall_handler)
            kernel_abort("event upcall with no handler at rip %#lx",
                         (unsigned long)frame->rip);
        event_upcall_handler(frame);
        return;
    }

    last_trap.count++;
    last_trap.vector = frame->vector;
    last_trap.error_code = frame->error_code;
    last_trap.rip = frame->rip;
    last_trap.cs = frame->cs;
    last_trap.cr2 = frame->vector == 14 ? current_cr2() : 0;
    last_trap.resumed_at_fixup = 0;

    if (trap_hook && trap_hook(frame))
        return;
    fixup = find_fixup(frame->rip);
    if (fixup) {
        frame->rip = fixup->resume_rip;
        last_trap.resumed_at_fixup = 1;
        return;
    }
    /* int3 and int $n are traps: rip already points past the instruction. */
    if (frame->vector == 3 || frame->vector == SOFT_INT_VECTOR)
        return;
    kernel_abort("unexpected trap: vector %lu error %#lx at rip %#lx",
                 (unsigned long)frame->vector, (unsigned long)frame->error_code,
                 (unsigned long)frame->rip);
}

void trap_reset(void)
{
    last_trap.count = 0;
    last_trap.vector = ~0ULL;
    last_trap.error_code = 0;
    last_trap.rip = 0;
    last_trap.cr2 = 0;
    last_trap.resumed_at_fixup = 0;
    trap_hook = 0;
}

long traps_install_with_gate_dpl(unsigned int vector, unsigned int dpl)
{
    static trap_info_t table[NR_STUBS + 1];
    unsigned int n = 0;
    int found = 0;
    long rc;

    for (unsigned int i = 0; i < NR_STUBS; i++) {
        unsigned int v = stub_vector(i);
        /* DPL 0 and events masked on entry, except where software raises it. */
        unsigned int flags = (v == 3 || v == SOFT_INT_VECTOR) ? 3 : 0;

        if (v == vector) {
            found = 1;
            if (dpl == TRAP_NO_GATE)
                continue;
            flags = dpl;
        }
        table[n].vector = (uint8_t)v;
        table[n].flags = (uint8_t)flags;
        table[n].cs = FLAT_KERNEL_CS;
        table[n].address = trap_entry_table[i];
        n++;
    }
    table[n] = (trap_info_t){ 0 };
    if (!found)
        return -1;
    trap_reset();
    /* set_trap_table only adds entries; clearing first drops an omitted gate. */
    rc = HYPERVISOR_set_trap_table(0);
    return rc ? rc : HYPERVISOR_set_trap_table(table);
}

long traps_install(void)
{
    return traps_install_with_gate_dpl(3, 3);
}
