/*
 * Every hypercall handler the dispatch table names, whoever owns it. All
 * take the five argument registers (rdi, rsi, rdx, r10, r8) as uint64_t and
 * return a value for rax (a negative errno on failure).
 *
 * Owners (see BRIEF-PV-COMMON): PV-MM defines do_mmu_update,
 * do_update_va_mapping, do_update_va_mapping_otherdomain, do_mmuext_op and
 * do_memory_op; PV-EVENTS defines do_event_channel_op, do_sched_op and
 * do_set_timer_op; everything else is PV-EXEC's. Until an owner links its
 * handler, common/pv-exec/hypercall_defaults.c supplies a weak one that
 * returns -ENOSYS (never a pretend success).
 */
#ifndef LINTEL_HYPERCALL_HANDLERS_H
#define LINTEL_HYPERCALL_HANDLERS_H

#include <lintel/types.h>

#define HYPERCALL_HANDLER(name) \
    long name(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)

/* PV-MM */
HYPERCALL_HANDLER(do_mmu_update);
HYPERCALL_HANDLER(do_update_va_mapping);
HYPERCALL_HANDLER(do_update_va_mapping_otherdomain);
HYPERCALL_HANDLER(do_mmuext_op);
HYPERCALL_HANDLER(do_memory_op);
/* PV-EVENTS */
HYPERCALL_HANDLER(do_event_channel_op);
HYPERCALL_HANDLER(do_sched_op);
HYPERCALL_HANDLER(do_set_timer_op);
/* Grants (a later area) */
HYPERCALL_HANDLER(do_grant_table_op);
/* PV-EXEC */
HYPERCALL_HANDLER(do_set_trap_table);
HYPERCALL_HANDLER(do_set_gdt);
HYPERCALL_HANDLER(do_stack_switch);
HYPERCALL_HANDLER(do_set_callbacks);
HYPERCALL_HANDLER(do_fpu_taskswitch);
HYPERCALL_HANDLER(do_platform_op);
HYPERCALL_HANDLER(do_set_debugreg);
HYPERCALL_HANDLER(do_get_debugreg);
HYPERCALL_HANDLER(do_update_descriptor);
HYPERCALL_HANDLER(do_multicall);
HYPERCALL_HANDLER(do_xen_version);
HYPERCALL_HANDLER(do_console_io);
HYPERCALL_HANDLER(do_physdev_op);
HYPERCALL_HANDLER(do_vm_assist);
HYPERCALL_HANDLER(do_iret);
HYPERCALL_HANDLER(do_vcpu_op);
HYPERCALL_HANDLER(do_set_segment_base);
HYPERCALL_HANDLER(do_nmi_op);
HYPERCALL_HANDLER(do_callback_op);
/* Toolstack (a later area) */
HYPERCALL_HANDLER(do_sysctl);
HYPERCALL_HANDLER(do_domctl);


/*
 * vcpu_op's timer and runstate sub-ops (get_runstate_info,
 * register_runstate_memory_area, set/stop periodic and singleshot timers,
 * register_vcpu_time_memory_area), implemented by PV-EVENTS' time code:
 * v is the target vCPU of the caller's domain, arg the guest pointer.
 */
struct vcpu;
long vcpu_time_op(struct vcpu *v, unsigned cmd, uint64_t arg);

#endif
