/* Guest user mode for the test kernels; see usermode.h. */
#include "usermode.h"

#include <public/callback.h>

#include "kernel.h"

extern char syscall_callback[];

/* Traps and syscalls from user mode arrive on this stack. */
static char kernel_entry_stack[4 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

long user_mode_setup(void)
{
    struct mmuext_op op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR,
        .arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
    };
    struct callback_register syscall = {
        .type = CALLBACKTYPE_syscall,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)syscall_callback,
    };
    long rc;

    rc = HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
    if (rc)
        return rc;
    rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                 kernel_entry_stack + sizeof(kernel_entry_stack));
    if (rc)
        return rc;
    return HYPERVISOR_callback_op(CALLBACKOP_register, &syscall);
}
