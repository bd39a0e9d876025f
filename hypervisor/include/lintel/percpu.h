/*
 * Per-CPU data.
 *
 * Every pCPU runs on its own stack block: CPU_STACK_SIZE bytes aligned to
 * their size, holding (from the bottom) the NMI, #DF and #MC IST stacks,
 * the main stack, then the guest frame and a struct cpu_info at the very
 * top. Any code in ring 0 (interrupt handlers on IST stacks included) finds
 * its CPU by rounding rsp up to the block's end, so no register and no
 * segment base is needed: PV guests own GS, and the syscall entry has no
 * free register (see arch/x86_64/smp/README in hypervisor/README.md).
 *
 * Per-CPU variables are arrays indexed by that CPU number, declared where
 * they are used: DEFINE_PER_CPU(type, name) / this_cpu(name) / per_cpu(name, cpu).
 * Also used from assembly, so the layout is #defines.
 */
#ifndef LINTEL_PERCPU_H
#define LINTEL_PERCPU_H

/* Enough for QEMU's -smp 4 with room; cpumask_t is one 64-bit word. */
#define NR_CPUS             16
#define CPU_STACK_ORDER     4
#define CPU_STACK_SIZE      (0x1000 << CPU_STACK_ORDER)
#define CPU_INFO_SIZE       64
#define CPU_INFO_CPU        0
/* struct cpu_regs: 22 quadwords, kept just below struct cpu_info. */
#define CPU_FRAME_SIZE      (22 * 8)
/* rsp0: where the CPU pushes a guest's interrupt frame. */
#define CPU_STACK_TOP_OFFSET    (CPU_STACK_SIZE - CPU_INFO_SIZE)
#define CPU_FRAME_OFFSET        (CPU_STACK_TOP_OFFSET - CPU_FRAME_SIZE)
/* IST stacks at the bottom of the block (IST_STACK_SIZE each, layout.h). */
#define CPU_IST_STACKS      3

#ifndef __ASSEMBLER__
#include <lintel/types.h>

struct cpu_info {
    uint32_t cpu;           /* this block's CPU number (0 = boot CPU) */
    uint32_t apic_id;
    uint64_t reserved[7];
};

_Static_assert(sizeof(struct cpu_info) == CPU_INFO_SIZE, "cpu_info size is fixed for entry.S");

#ifdef LINTEL_HOST
static inline unsigned smp_processor_id(void)
{
    return 0;
}
#else
static inline uintptr_t cpu_stack_block_of(uintptr_t sp)
{
    return sp & ~(uintptr_t)(CPU_STACK_SIZE - 1);
}

static inline struct cpu_info *this_cpu_info(void)
{
    uintptr_t sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)(cpu_stack_block_of(sp) + CPU_STACK_TOP_OFFSET);
}

static inline unsigned smp_processor_id(void)
{
    return this_cpu_info()->cpu;
}
#endif

#define DEFINE_PER_CPU(type, name)  __typeof__(type) per_cpu__##name[NR_CPUS]
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name[NR_CPUS]
#define per_cpu(name, cpu)          (per_cpu__##name[(cpu)])
#define this_cpu(name)              per_cpu(name, smp_processor_id())

#endif
#endif
