#include "vcpus.h"

#include "kernel.h"

#include <public/sched.h>

#define WAIT_YIELDS 100000

void vcpu_context_prepare(vcpu_guest_context_t *ctx, void (*entry)(void), void *stack,
                          size_t stack_size)
{
    unsigned long top = ((unsigned long)stack + stack_size) & ~15UL;

    memory_set(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel;
    ctx->user_regs.rip = (unsigned long)entry;
    /* As if entry() had been called: the ABI wants rsp + 8 16-byte aligned. */
    ctx->user_regs.rsp = top - 8;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.rflags = 0x2;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = ctx->user_regs.rsp;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
}

int vcpu_wait_count(volatile unsigned int *count, unsigned int target)
{
    for (unsigned int i = 0; i < WAIT_YIELDS && *count < target; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    return *count >= target;
}

int vcpu_wait_down(unsigned int id)
{
    for (unsigned int i = 0; i < WAIT_YIELDS; i++) {
        if (HYPERVISOR_vcpu_op(VCPUOP_is_up, id, 0) == 0)
            return 1;
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    }
    return 0;
}
