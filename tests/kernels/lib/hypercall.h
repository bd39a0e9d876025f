/*
 * Hypercalls from a 64-bit PV test kernel.
 *
 * A hypercall is a call to the hypervisor-written stub at
 * hypercall_page + number * 32. Arguments travel in rdi, rsi, rdx, r10, r8
 * and the result comes back in rax. Every argument register is declared
 * as clobbered: a debug Xen deliberately scribbles over the ones a
 * hypercall does not use, and the tests must not depend on either
 * behaviour.
 */
#ifndef TESTKERNEL_HYPERCALL_H
#define TESTKERNEL_HYPERCALL_H

#include <public/xen.h>

extern char hypercall_page[4096];

static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    register unsigned long rdx asm("rdx") = a3;
    register unsigned long r10 asm("r10") = a4;
    register unsigned long r8 asm("r8") = a5;
    long result;

    asm volatile("call *%[stub]"
                 : "=a"(result), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
                 : [stub] "r"(hypercall_page + nr * 32)
                 : "memory", "rcx", "r9", "r11");
    return result;
}

#define hypercall0(nr)                 hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)              hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)           hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)        hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                  (unsigned long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)     hypercall5(nr, (unsigned long)(a), (unsigned long)(b), \
                                                  (unsigned long)(c), (unsigned long)(d), 0)

#define HYPERVISOR_xen_version(cmd, arg) \
    hypercall2(__HYPERVISOR_xen_version, cmd, arg)
#define HYPERVISOR_console_io(cmd, len, buf) \
    hypercall3(__HYPERVISOR_console_io, cmd, len, buf)
#define HYPERVISOR_sched_op(cmd, arg) \
    hypercall2(__HYPERVISOR_sched_op, cmd, arg)
#define HYPERVISOR_set_trap_table(table) \
    hypercall1(__HYPERVISOR_set_trap_table, table)
#define HYPERVISOR_update_va_mapping(va, pte, flags) \
    hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags)
#define HYPERVISOR_mmu_update(reqs, count, done, dom) \
    hypercall4(__HYPERVISOR_mmu_update, reqs, count, done, dom)
#define HYPERVISOR_mmuext_op(ops, count, done, dom) \
    hypercall4(__HYPERVISOR_mmuext_op, ops, count, done, dom)
#define HYPERVISOR_callback_op(cmd, arg) \
    hypercall2(__HYPERVISOR_callback_op, cmd, arg)
#define HYPERVISOR_set_callbacks(event, failsafe, syscall) \
    hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall)
#define HYPERVISOR_stack_switch(ss, sp) \
    hypercall2(__HYPERVISOR_stack_switch, ss, sp)
#define HYPERVISOR_fpu_taskswitch(set) \
    hypercall1(__HYPERVISOR_fpu_taskswitch, set)
#define HYPERVISOR_set_debugreg(reg, value) \
    hypercall2(__HYPERVISOR_set_debugreg, reg, value)
#define HYPERVISOR_get_debugreg(reg) \
    hypercall1(__HYPERVISOR_get_debugreg, reg)
#define HYPERVISOR_update_descriptor(maddr, desc) \
    hypercall2(__HYPERVISOR_update_descriptor, maddr, desc)
#define HYPERVISOR_multicall(calls, count) \
    hypercall2(__HYPERVISOR_multicall, calls, count)
#define HYPERVISOR_set_timer_op(deadline) \
    hypercall1(__HYPERVISOR_set_timer_op, deadline)
#define HYPERVISOR_vm_assist(cmd, type) \
    hypercall2(__HYPERVISOR_vm_assist, cmd, type)
#define HYPERVISOR_vcpu_op(cmd, vcpu, arg) \
    hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg)
#define HYPERVISOR_set_segment_base(which, base) \
    hypercall2(__HYPERVISOR_set_segment_base, which, base)
#define HYPERVISOR_event_channel_op(cmd, arg) \
    hypercall2(__HYPERVISOR_event_channel_op, cmd, arg)
#define HYPERVISOR_memory_op(cmd, arg) \
    hypercall2(__HYPERVISOR_memory_op, cmd, arg)
#define HYPERVISOR_grant_table_op(cmd, args, count) \
    hypercall3(__HYPERVISOR_grant_table_op, cmd, args, count)
#define HYPERVISOR_physdev_op(cmd, arg) \
    hypercall2(__HYPERVISOR_physdev_op, cmd, arg)
#define HYPERVISOR_platform_op(op) \
    hypercall1(__HYPERVISOR_platform_op, op)
#define HYPERVISOR_nmi_op(cmd, arg) \
    hypercall2(__HYPERVISOR_nmi_op, cmd, arg)
#define HYPERVISOR_set_gdt(frames, entries) \
    hypercall2(__HYPERVISOR_set_gdt, frames, entries)

#endif /* TESTKERNEL_HYPERCALL_H */
