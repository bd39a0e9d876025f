/*
 * The PV CPU-state hypercalls: trap table, kernel stack, callbacks,
 * segment bases, FPU task switch, vm_assist, nmi_op and
 * the dom0 subset of physdev_op. Each validates first and changes the
 * vCPU only when everything was acceptable; errno values are Xen 4.17's.
 */
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/physdev.h>
#include <lintel/pv_exec.h>
#include <lintel/x86.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/xen.h>

#ifndef ENODEV
#define ENODEV 19
#endif

#define MSR_FS_BASE         0xC0000100
#define MSR_GS_BASE         0xC0000101
#define CR0_TS              (1UL << 3)
#define TRAP_TABLE_BATCH    256

/* Addresses a guest may name as code or data: canonical, outside our range. */
static bool guest_address_ok(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va && guest_range_ok(va, 1);
}

HYPERCALL_HANDLER(do_set_trap_table)
{
    struct vcpu *v = current_vcpu();
    struct trap_info t;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (!a1) {
        memset(v->pv.traps, 0, sizeof(v->pv.traps));
        return 0;
    }
    /* Entries apply as they are read, so a bad one leaves the earlier ones set. */
    for (unsigned n = 0;; n++, a1 += sizeof(t)) {
        if (n == TRAP_TABLE_BATCH)
            return hypercall_continue(hypercall_regs(), a1, 0, 0, 0, 0);
        if (copy_from_guest(&t, a1, sizeof(t)))
            return -EFAULT;
        if (!t.address)
            return 0;
        if (!guest_address_ok(t.address))
            return -EINVAL;
        v->pv.traps[t.vector] = (struct pv_trap_entry){
            .address = t.address,
            .cs = t.cs | 3,
            .flags = t.flags,
        };
    }
}

HYPERCALL_HANDLER(do_stack_switch)
{
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    v->pv.kernel_ss = (uint16_t)(a1 | 3);
    v->pv.kernel_sp = a2;
    return 0;
}

static int set_callback(struct vcpu *v, unsigned type, uint64_t address, unsigned flags)
{
    if (!guest_address_ok(address) && address)
        return -EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        v->pv.event_callback = address;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->pv.failsafe_callback = address;
        v->pv.failsafe_disables_events = flags & CALLBACKF_mask_events;
        return 0;
    case CALLBACKTYPE_syscall:
        v->pv.syscall_callback = address;
        v->pv.syscall_disables_events = flags & CALLBACKF_mask_events;
        return 0;
    case CALLBACKTYPE_nmi:
        v->pv.nmi_callback = address;
        return 0;
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter:
        /* No 32-bit user code in 64-bit PV guests here; accepted, never used. */
        return 0;
    default:
        return -ENOSYS;
    }
}

HYPERCALL_HANDLER(do_set_callbacks)
{
    struct vcpu *v = current_vcpu();

    (void)a4, (void)a5;
    v->pv.event_callback = a1;
    v->pv.failsafe_callback = a2;
    v->pv.syscall_callback = a3;
    v->pv.syscall_disables_events = false;
    v->pv.failsafe_disables_events = false;
    return 0;
}

static long callback_register(struct vcpu *v, uint64_t arg)
{
    struct callback_register r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.type > CALLBACKTYPE_syscall32 || r.type == CALLBACKTYPE_sysenter_deprecated ||
        r.type == 6)
        return -ENOSYS;
    return set_callback(v, r.type, r.address, r.flags);
}

static long callback_unregister(struct vcpu *v, uint64_t arg)
{
    struct callback_unregister u;

    if (copy_from_guest(&u, arg, sizeof(u)))
        return -EFAULT;
    switch (u.type) {
    case CALLBACKTYPE_nmi:
        v->pv.nmi_callback = 0;
        return 0;
    case CALLBACKTYPE_event:
    case CALLBACKTYPE_failsafe:
    case CALLBACKTYPE_syscall:
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter:
        return -EINVAL;
    default:
        return -ENOSYS;
    }
}

HYPERCALL_HANDLER(do_callback_op)
{
    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case CALLBACKOP_register:
        return callback_register(current_vcpu(), a2);
    case CALLBACKOP_unregister:
        return callback_unregister(current_vcpu(), a2);
    default:
        return -ENOSYS;
    }
}

HYPERCALL_HANDLER(do_set_segment_base)
{
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case SEGBASE_FS:
        if (!guest_address_ok(a2) && a2)
            return -EINVAL;
        v->pv.fs_base = a2;
        wrmsr(MSR_FS_BASE, a2);
        return 0;
    case SEGBASE_GS_USER:
        if (!guest_address_ok(a2) && a2)
            return -EINVAL;
        v->pv.gs_base_user = a2;
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!guest_address_ok(a2) && a2)
            return -EINVAL;
        v->pv.gs_base_kernel = a2;
        wrmsr(MSR_GS_BASE, a2);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /* Loading %gs clears the base: do it with the user base swapped in. */
        uint16_t sel = (uint16_t)a2;
        uint64_t kernel_base = rdmsr(MSR_GS_BASE);

        /* A selector that would fault here is loaded as null, as Xen does. */
        if (!pv_data_selector_ok(v, sel))
            sel = 0;
        __asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)sel));
        v->pv.gs_base_user = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, kernel_base);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

HYPERCALL_HANDLER(do_fpu_taskswitch)
{
    struct vcpu *v = current_vcpu();

    (void)a2, (void)a3, (void)a4, (void)a5;
    v->pv.fpu_switched_out = a1 != 0;
    if (a1)
        __asm__ volatile("mov %%cr0, %%rax; or %0, %%rax; mov %%rax, %%cr0"
                         : : "i"(CR0_TS) : "rax", "memory");
    else
        __asm__ volatile("clts");
    return 0;
}

/* The assists Xen 4.17 offers a 64-bit PV guest. */
#define VM_ASSISTS_SUPPORTED ((1UL << VMASST_TYPE_4gb_segments) |                  \
                              (1UL << VMASST_TYPE_4gb_segments_notify) |           \
                              (1UL << VMASST_TYPE_writable_pagetables) |           \
                              (1UL << VMASST_TYPE_pae_extended_cr3) |              \
                              (1UL << VMASST_TYPE_architectural_iopl) |            \
                              (1UL << VMASST_TYPE_runstate_update_flag) |          \
                              (1UL << VMASST_TYPE_m2p_strict))

bool pv_vm_assist_enabled(const struct domain *d, unsigned type)
{
    return type < 64 && (d->vm_assist >> type) & 1;
}

HYPERCALL_HANDLER(do_vm_assist)
{
    (void)a3, (void)a4, (void)a5;
    if (a2 >= 64 || !((VM_ASSISTS_SUPPORTED >> a2) & 1))
        return a1 > VMASST_CMD_disable ? -ENOSYS : -EINVAL;
    switch (a1) {
    case VMASST_CMD_enable:
        current_domain()->vm_assist |= 1UL << a2;
        return 0;
    case VMASST_CMD_disable:
        current_domain()->vm_assist &= ~(1UL << a2);
        return 0;
    default:
        return -ENOSYS;
    }
}

HYPERCALL_HANDLER(do_nmi_op)
{
    struct xennmi_callback cb;
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case XENNMI_register_callback:
        if (copy_from_guest(&cb, a2, sizeof(cb)))
            return -EFAULT;
        if (!guest_address_ok(cb.handler_address))
            return -EINVAL;
        v->pv.nmi_callback = cb.handler_address;
        return 0;
    case XENNMI_unregister_callback:
        v->pv.nmi_callback = 0;
        return 0;
    default:
        return -ENOSYS;
    }
}

static long set_iopl(uint64_t arg)
{
    struct physdev_set_iopl s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    if (s.iopl > 3)
        return -EINVAL;
    current_vcpu()->pv.iopl = s.iopl;
    return 0;
}

HYPERCALL_HANDLER(do_physdev_op)
{
    (void)a3, (void)a4, (void)a5;
    switch (a1) {
    case PHYSDEVOP_set_iopl:
        return set_iopl(a2);
    default:
        return physdev_op((unsigned)a1, a2);
    }
}
