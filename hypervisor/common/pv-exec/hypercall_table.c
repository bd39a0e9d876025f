/*
 * The hypercall table, indexed by Xen's hypercall number. A number with no
 * entry returns -ENOSYS from hypercall_dispatch.
 */
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <public/xen.h>

#define ENTRY(name) [__HYPERVISOR_##name] = { do_##name, #name }

const struct hypercall_entry hypercall_table[NR_HYPERCALLS] = {
    ENTRY(set_trap_table),
    ENTRY(mmu_update),
    ENTRY(set_gdt),
    ENTRY(stack_switch),
    ENTRY(set_callbacks),
    ENTRY(fpu_taskswitch),
    ENTRY(platform_op),
    ENTRY(set_debugreg),
    ENTRY(get_debugreg),
    ENTRY(update_descriptor),
    ENTRY(memory_op),
    ENTRY(multicall),
    ENTRY(update_va_mapping),
    ENTRY(set_timer_op),
    ENTRY(xen_version),
    ENTRY(console_io),
    ENTRY(grant_table_op),
    ENTRY(vm_assist),
    ENTRY(update_va_mapping_otherdomain),
    ENTRY(iret),
    ENTRY(vcpu_op),
    ENTRY(set_segment_base),
    ENTRY(mmuext_op),
    ENTRY(nmi_op),
    ENTRY(sched_op),
    ENTRY(callback_op),
    ENTRY(event_channel_op),
    ENTRY(physdev_op),
    ENTRY(sysctl),
    ENTRY(domctl),
};

/* Names for the trace, including numbers we do not implement. */
const char *hypercall_name(uint64_t nr)
{
    static const char *const others[NR_HYPERCALLS] = {
        [__HYPERVISOR_sched_op_compat] = "sched_op_compat",
        [__HYPERVISOR_event_channel_op_compat] = "event_channel_op_compat",
        [__HYPERVISOR_physdev_op_compat] = "physdev_op_compat",
        [__HYPERVISOR_xsm_op] = "xsm_op",
        [__HYPERVISOR_xenoprof_op] = "xenoprof_op",
        [__HYPERVISOR_hvm_op] = "hvm_op",
        [__HYPERVISOR_kexec_op] = "kexec_op",
        [__HYPERVISOR_tmem_op] = "tmem_op",
        [__HYPERVISOR_argo_op] = "argo_op",
        [__HYPERVISOR_xenpmu_op] = "xenpmu_op",
        [__HYPERVISOR_dm_op] = "dm_op",
        [__HYPERVISOR_hypfs_op] = "hypfs_op",
    };

    if (nr >= NR_HYPERCALLS)
        return "?";
    if (hypercall_table[nr].name)
        return hypercall_table[nr].name;
    return others[nr] ? others[nr] : "?";
}
