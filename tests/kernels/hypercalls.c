/*
 * hypercalls: the core PV hypercalls of issue 4, each with its success
 * case and its refusals. The expected errno values are what Xen 4.17
 * returns (learned by running this kernel on it); Lintel must match.
 */
#include "lib/kernel.h"

#include <public/callback.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char kernel_name[] = "hypercalls";

#define UNMAPPED_ADDR        0x1000UL
#define HYPERVISOR_HOLE_ADDR (HYPERVISOR_VIRT_START + 0x100000UL)
#define NON_CANONICAL_ADDR   0x0000900000000000UL
#define UNUSED_HYPERCALL     60

/* Never entered: this kernel keeps events masked and takes no traps. */
static void never_called(void)
{
    for (;;)
        ;
}

static long xen_version_via_multicall_result(multicall_entry_t *e)
{
    return (long)e->result;
}

/* ---- set_trap_table ---- */

TEST(set_trap_table_accepts_a_table)
{
    trap_info_t table[] = {
        { .vector = 3, .flags = 3, .cs = FLAT_KERNEL_CS, .address = (unsigned long)never_called },
        { .vector = 14, .flags = 0, .cs = FLAT_KERNEL_CS, .address = (unsigned long)never_called },
        { 0 },
    };

    EXPECT_OK(HYPERVISOR_set_trap_table(table));
    /* A null table clears every entry. */
    EXPECT_OK(HYPERVISOR_set_trap_table(0));
}

TEST(set_trap_table_refusals)
{
    trap_info_t bad_address[] = {
        { .vector = 3, .flags = 3, .cs = FLAT_KERNEL_CS, .address = NON_CANONICAL_ADDR },
        { 0 },
    };
    /* A ring-0 selector is not refused: the hypervisor forces RPL 3 onto it. */
    trap_info_t ring0_selector[] = {
        { .vector = 3, .flags = 3, .cs = FLAT_KERNEL_CS & ~3, .address = (unsigned long)never_called },
        { 0 },
    };

    EXPECT_ERRNO(HYPERVISOR_set_trap_table(UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_set_trap_table(HYPERVISOR_HOLE_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_set_trap_table(bad_address), XEN_EINVAL);
    EXPECT_OK(HYPERVISOR_set_trap_table(ring0_selector));
    EXPECT_OK(HYPERVISOR_set_trap_table(0));
}

/* ---- callbacks ---- */

TEST(set_callbacks)
{
    /* Xen 4.17 does not validate these addresses (a bad one only faults when used). */
    EXPECT_OK(HYPERVISOR_set_callbacks(never_called, never_called, never_called));
}

TEST(callback_op_register)
{
    struct callback_register event = {
        .type = CALLBACKTYPE_event, .address = (unsigned long)never_called,
    };
    struct callback_register syscall = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = (unsigned long)never_called,
    };
    struct callback_register nmi = {
        .type = CALLBACKTYPE_nmi, .address = (unsigned long)never_called,
    };

    EXPECT_OK(HYPERVISOR_callback_op(CALLBACKOP_register, &event));
    EXPECT_OK(HYPERVISOR_callback_op(CALLBACKOP_register, &syscall));
    EXPECT_OK(HYPERVISOR_callback_op(CALLBACKOP_register, &nmi));
}

TEST(callback_op_refusals)
{
    struct callback_register bad_type = { .type = 99, .address = (unsigned long)never_called };
    struct callback_register bad_address = {
        .type = CALLBACKTYPE_event, .address = NON_CANONICAL_ADDR,
    };
    struct callback_unregister event = { .type = CALLBACKTYPE_event };
    struct callback_unregister nmi = { .type = CALLBACKTYPE_nmi };

    EXPECT_ERRNO(HYPERVISOR_callback_op(CALLBACKOP_register, &bad_type), XEN_ENOSYS);
    EXPECT_ERRNO(HYPERVISOR_callback_op(CALLBACKOP_register, &bad_address), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_callback_op(CALLBACKOP_register, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_callback_op(99, &event), XEN_ENOSYS);
    /* The event callback cannot be taken away, the NMI one can. */
    EXPECT_ERRNO(HYPERVISOR_callback_op(CALLBACKOP_unregister, &event), XEN_EINVAL);
    EXPECT_OK(HYPERVISOR_callback_op(CALLBACKOP_unregister, &nmi));
}

/* ---- stack, FPU, debug registers ---- */

TEST(stack_switch)
{
    static char stack[512] __attribute__((aligned(16)));

    EXPECT_OK(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, stack + sizeof(stack)));
}

TEST(fpu_taskswitch)
{
    EXPECT_OK(HYPERVISOR_fpu_taskswitch(1));
    EXPECT_OK(HYPERVISOR_fpu_taskswitch(0));
}

TEST(debug_registers)
{
    static unsigned long watched;

    EXPECT_OK(HYPERVISOR_set_debugreg(0, (unsigned long)&watched));
    EXPECT_EQ(HYPERVISOR_get_debugreg(0), (unsigned long)&watched);
    EXPECT_OK(HYPERVISOR_set_debugreg(0, 0));
    EXPECT_EQ(HYPERVISOR_get_debugreg(0), 0);
    /* dr7 with nothing enabled is accepted. */
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0x400));
}

TEST(debug_register_refusals)
{
    /* There is no debug register 8. */
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(8, 0), XEN_ENODEV);
    EXPECT_ERRNO(HYPERVISOR_get_debugreg(8), XEN_ENODEV);
    /* A breakpoint on the hypervisor's own addresses is not allowed. */
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(0, HYPERVISOR_HOLE_ADDR), XEN_EPERM);
}

/* ---- descriptors ---- */

/* A page of our own that only the descriptor tests write to. */
static uint64_t descriptor_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

#define FLAT_DATA_DPL3 0x00cff2000000ffffULL  /* 4 GiB read/write data, DPL 3 */
#define CODE64_DPL0    0x00af9a000000ffffULL  /* 64-bit code, DPL 0 */
#define CODE64_DPL3    0x00affa000000ffffULL  /* the same with DPL 3 */
#define TSS_AVAILABLE  0x0000890000000067ULL  /* a system segment: a TSS */

TEST(update_descriptor_writes_a_valid_descriptor)
{
    unsigned long maddr = virt_to_mfn(descriptor_page) * PAGE_SIZE;

    /* Any page of ours that is not mapped as something else may hold descriptors. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 16, FLAT_DATA_DPL3));
    EXPECT_EQ(descriptor_page[2], FLAT_DATA_DPL3);
    /* A ring-0 code segment is not refused but demoted to DPL 3. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 24, CODE64_DPL0));
    EXPECT_EQ(descriptor_page[3], CODE64_DPL3);
}

TEST(update_descriptor_refusals)
{
    unsigned long maddr = virt_to_mfn(descriptor_page) * PAGE_SIZE;

    /* Descriptors are 8 bytes and must be naturally aligned. */
    EXPECT_ERRNO(HYPERVISOR_update_descriptor(maddr + 4, FLAT_DATA_DPL3), XEN_EINVAL);
    /* System segments other than call gates are never accepted. */
    EXPECT_ERRNO(HYPERVISOR_update_descriptor(maddr + 32, TSS_AVAILABLE), XEN_EINVAL);
    EXPECT_EQ(descriptor_page[4], 0);
    /* A machine frame that is not ours. */
    EXPECT_ERRNO(HYPERVISOR_update_descriptor(0xfffffff000UL, FLAT_DATA_DPL3), XEN_EINVAL);
}

/* ---- multicall ---- */

TEST(multicall_runs_each_entry)
{
    static xen_feature_info_t fi = { .submap_idx = 0 };
    multicall_entry_t calls[] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_get_features, (unsigned long)&fi } },
        { .op = __HYPERVISOR_sched_op, .args = { SCHEDOP_yield, 0 } },
    };

    EXPECT_OK(HYPERVISOR_multicall(calls, 3));
    EXPECT_EQ(xen_version_via_multicall_result(&calls[0]),
              HYPERVISOR_xen_version(XENVER_version, 0));
    EXPECT_EQ(calls[1].result, 0);
    EXPECT_NE(fi.submap, 0);
    EXPECT_EQ(calls[2].result, 0);
    EXPECT_OK(HYPERVISOR_multicall(calls, 0));
}

TEST(multicall_bad_entries_fail_alone)
{
    multicall_entry_t inner[] = {
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 } },
    };
    multicall_entry_t calls[] = {
        { .op = UNUSED_HYPERCALL },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_extraversion, UNMAPPED_ADDR } },
        { .op = __HYPERVISOR_multicall, .args = { (unsigned long)inner, 1 } },
        { .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize, 0 } },
    };

    EXPECT_OK(HYPERVISOR_multicall(calls, 4));
    EXPECT_EQ((long)calls[0].result, -XEN_ENOSYS);
    EXPECT_EQ((long)calls[1].result, -XEN_EFAULT);
    /* A multicall may not nest. */
    EXPECT_EQ((long)calls[2].result, -XEN_EINVAL);
    EXPECT_EQ((long)calls[3].result, PAGE_SIZE);
}

TEST(multicall_bad_list)
{
    EXPECT_ERRNO(HYPERVISOR_multicall(UNMAPPED_ADDR, 1), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_multicall(HYPERVISOR_HOLE_ADDR, 2), XEN_EFAULT);
}

/* ---- timers and scheduling ---- */

TEST(set_timer_op)
{
    shared_info_t *shared = shared_info_map();
    uint64_t now = shared ? shared->vcpu_info[0].time.system_time : 0;

    EXPECT_TRUE(shared != 0);
    EXPECT_OK(HYPERVISOR_set_timer_op(now + 1000000000ULL));
    /* Zero cancels the timer. */
    EXPECT_OK(HYPERVISOR_set_timer_op(0));
}

TEST(sched_op)
{
    EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_yield, 0));
    EXPECT_ERRNO(HYPERVISOR_sched_op(99, 0), XEN_ENOSYS);
    EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_shutdown, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, UNMAPPED_ADDR), XEN_EFAULT);
}

/* ---- vm_assist ---- */

TEST(vm_assist)
{
    EXPECT_OK(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag));
    EXPECT_OK(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag));
    EXPECT_ERRNO(HYPERVISOR_vm_assist(VMASST_CMD_enable, 31), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_vm_assist(VMASST_CMD_enable, 1000), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_vm_assist(7, VMASST_TYPE_writable_pagetables), XEN_ENOSYS);
}

/* ---- vcpu_op ---- */

TEST(vcpu_op_is_up_and_runstate)
{
    static struct vcpu_runstate_info rs;

    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, 0), 1);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs));
    EXPECT_EQ(rs.state, RUNSTATE_running);
    EXPECT_TRUE(rs.time[RUNSTATE_running] > 0);
}

TEST(vcpu_op_refusals)
{
    static struct vcpu_runstate_info rs;

    /* dom0 was given one vcpu: higher ids do not exist. */
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0x7fffffff, 0), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(1000, 0, &rs), XEN_ENOSYS);
    /* Bringing up the running vcpu's context again is refused. */
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, &rs), XEN_EEXIST);
}

/* ---- segment bases ---- */

static unsigned long read_fs_word(void)
{
    unsigned long v;
    asm volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

TEST(set_segment_base)
{
    static unsigned long fs_target = 0x1234abcd5678ef90UL;

    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&fs_target));
    EXPECT_EQ(read_fs_word(), 0x1234abcd5678ef90UL);
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_FS, 0));
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0));
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0));
}

TEST(set_segment_base_refusals)
{
    EXPECT_ERRNO(HYPERVISOR_set_segment_base(99, 0), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_set_segment_base(SEGBASE_FS, NON_CANONICAL_ADDR), XEN_EINVAL);
}

/* ---- numbers that are not hypercalls ---- */

/* The hypercall number in rax as it is, not through the page's 32-bit mov. */
static long raw_hypercall(unsigned long nr)
{
    long result;

    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(nr), "D"(0UL), "S"(0UL), "d"(0UL)
                 : "rcx", "r11", "r8", "r10", "memory");
    return result;
}

/*
 * Every number that Xen 4.17 (as Debian builds it) has no handler for
 * either: the gaps, tmem, the unused arch slots, and the rest of the
 * hypercall page. The numbers only Lintel lacks (the compat ones, hvm_op,
 * xsm_op, kexec, dm_op, hypfs, mca...) cannot be checked against Xen.
 */
TEST(every_unassigned_number_is_enosys)
{
    static const unsigned int unassigned[] = {
        11, 38, 43, 44, 45, 46, 47, 50, 51, 52, 53, 54, 55,
    };
    unsigned int wrong = 0, first_wrong = 0;

    for (unsigned int i = 0; i < sizeof(unassigned) / sizeof(unassigned[0]); i++)
        if (hypercall0(unassigned[i]) != -XEN_ENOSYS && !wrong++)
            first_wrong = unassigned[i];
    for (unsigned int nr = 56; nr < PAGE_SIZE / 32; nr++)
        if (hypercall0(nr) != -XEN_ENOSYS && !wrong++)
            first_wrong = nr;
    if (wrong)
        testfw_note(testfw_current, "first number not refused: %u", first_wrong);
    EXPECT_EQ(wrong, 0);
    /* Past the page, and with the upper half of rax set (xen_version below). */
    EXPECT_EQ(raw_hypercall(128), -XEN_ENOSYS);
    EXPECT_EQ(raw_hypercall((1UL << 32) | __HYPERVISOR_xen_version), -XEN_ENOSYS);
    EXPECT_EQ(raw_hypercall(~0UL), -XEN_ENOSYS);
}
