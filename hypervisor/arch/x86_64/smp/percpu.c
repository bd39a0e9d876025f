/*
 * Where each pCPU's stack block is (percpu.h). The boot CPU's is in the
 * image (head.S boot_stack, so it is usable from the first instruction);
 * the others come from the frame allocator when the AP is brought up.
 */
#include <lintel/percpu.h>
#include <lintel/smp.h>
#include <lintel/traps.h>

extern char boot_stack[];
extern const char pv_syscall_stubs[], pv_syscall_compat_stubs[];

#define SYSCALL_STUB_SIZE 32    /* arch/x86_64/pv/entry.S */

/* Read by the syscall stubs in entry.S: each pCPU's rsp0. */
uint64_t cpu_stack_tops[NR_CPUS] = {
    [0] = (uint64_t)(uintptr_t)(boot_stack + CPU_STACK_TOP_OFFSET),
};

uintptr_t cpu_stack_block(unsigned cpu)
{
    return (uintptr_t)cpu_stack_tops[cpu] - CPU_STACK_TOP_OFFSET;
}

uint64_t cpu_stack_top(unsigned cpu)
{
    return cpu_stack_tops[cpu];
}

void smp_set_stack_block(unsigned cpu, uintptr_t block)
{
    struct cpu_info *info = (struct cpu_info *)(block + CPU_STACK_TOP_OFFSET);

    info->cpu = cpu;
    cpu_stack_tops[cpu] = block + CPU_STACK_TOP_OFFSET;
}

struct cpu_regs *this_cpu_guest_frame(void)
{
    uintptr_t sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_regs *)(cpu_stack_block_of(sp) + CPU_FRAME_OFFSET);
}

uint64_t smp_syscall_entry(unsigned cpu, bool compat)
{
    const char *stubs = compat ? pv_syscall_compat_stubs : pv_syscall_stubs;

    return (uint64_t)(uintptr_t)(stubs + cpu * SYSCALL_STUB_SIZE);
}
