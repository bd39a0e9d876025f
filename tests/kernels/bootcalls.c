/*
 * bootcalls: the hypercalls the stock Linux kernel makes early in its
 * boot as a PV dom0 that the other kernels do not cover: moving vcpu_info
 * out of shared_info, the runstate area, one-shot timers, set_gdt, I/O
 * privilege, platform_op and the NMI callback. Expected values are Xen
 * 4.17's.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/platform.h>
#include <public/vcpu.h>

const char kernel_name[] = "bootcalls";

#define UNMAPPED_ADDR 0x1000UL
#define RW_FLAGS      (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS      (PTE_PRESENT | PTE_ACCESSED)

#define GDT_PAGE      scratch_pages[0]
#define VCPU_INFO_PAGE scratch_pages[1]

static void never_called(void)
{
    for (;;)
        ;
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    EXPECT_TRUE(shared_info_map() != 0);
}

TEST(runstate_area)
{
    static struct vcpu_runstate_info area;
    struct vcpu_register_runstate_memory_area reg = { .addr.v = &area };

    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct sched_poll poll = { .nr_ports = 1 };
    evtchn_port_t port;

    area.state = -1;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
    /*
     * Sleep so the vcpu is switched out and back in. On a slow machine the
     * deadline may pass before the hypervisor gets to block us, so retry
     * until a blocked spell shows up.
     */
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    port = alloc.port;
    set_xen_guest_handle(poll.ports, &port);
    for (int attempt = 0; attempt < 50 && area.time[RUNSTATE_blocked] == 0; attempt++) {
        poll.timeout = system_time_ns() + 10000000;
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    }
    /* The area follows the vcpu's state changes. */
    EXPECT_EQ(area.state, RUNSTATE_running);
    EXPECT_TRUE(area.time[RUNSTATE_running] > 0);
    EXPECT_TRUE(area.time[RUNSTATE_blocked] > 0);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 1, &reg), XEN_ENOENT);
}

TEST(singleshot_timer)
{
    struct vcpu_set_singleshot_timer past = {
        .timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future,
    };
    struct vcpu_set_singleshot_timer later = {
        .timeout_abs_ns = system_time_ns() + 1000000000ULL, .flags = VCPU_SSHOTTMR_future,
    };

    /*
     * Xen 4.17 ignores VCPU_SSHOTTMR_future: a deadline already passed is
     * accepted (the timer fires at once) rather than refused with -ETIME.
     */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &past));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &later));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, UNMAPPED_ADDR), XEN_EFAULT);
}

TEST(register_vcpu_info_moves_it)
{
    struct vcpu_register_vcpu_info bad_offset = {
        .mfn = virt_to_mfn(VCPU_INFO_PAGE), .offset = PAGE_SIZE - 8,
    };
    struct vcpu_register_vcpu_info reg = {
        .mfn = virt_to_mfn(VCPU_INFO_PAGE), .offset = 128,
    };
    vcpu_info_t *moved = (vcpu_info_t *)(VCPU_INFO_PAGE + 128);

    /* The structure may not cross the end of the page. */
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &bad_offset), XEN_ENXIO);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg));
    /* The hypervisor copied the state over: time is valid, events still masked. */
    EXPECT_NE(moved->time.tsc_to_system_mul, 0);
    EXPECT_EQ(moved->evtchn_upcall_mask, 1);
    /* It can only be moved once. */
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), XEN_EINVAL);
}

TEST(set_gdt)
{
    unsigned long frame = virt_to_mfn(GDT_PAGE);

    /* A GDT frame must not be writable by the guest. */
    EXPECT_ERRNO(HYPERVISOR_set_gdt(&frame, 16), XEN_EINVAL);
    EXPECT_OK(remap(GDT_PAGE, frame, RO_FLAGS));
    EXPECT_OK(HYPERVISOR_set_gdt(&frame, 16));
    /* Now in use as a descriptor table, it cannot be mapped writable. */
    EXPECT_ERRNO(remap(GDT_PAGE, frame, RW_FLAGS), XEN_EBUSY);
    /* Entries beyond the guest's share of the GDT are refused. */
    EXPECT_ERRNO(HYPERVISOR_set_gdt(&frame, FIRST_RESERVED_GDT_ENTRY + 1), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_set_gdt(UNMAPPED_ADDR, 16), XEN_EFAULT);
}

TEST(physdev_set_iopl)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };

    EXPECT_OK(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl));
    iopl.iopl = 4;
    EXPECT_ERRNO(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_physdev_op(99, &iopl), XEN_ENOSYS);
}

TEST(platform_op)
{
    struct xen_platform_op op = {
        .cmd = XENPF_get_cpuinfo, .interface_version = XENPF_INTERFACE_VERSION,
    };

    op.u.pcpu_info.xen_cpuid = 0;
    EXPECT_OK(HYPERVISOR_platform_op(&op));
    EXPECT_NE(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE, 0);
    EXPECT_EQ(op.u.pcpu_info.max_present, 0);
    /* The interface version is checked before anything else. */
    op.interface_version = XENPF_INTERFACE_VERSION + 1;
    EXPECT_ERRNO(HYPERVISOR_platform_op(&op), XEN_EACCES);
    op.interface_version = XENPF_INTERFACE_VERSION;
    op.cmd = 99;
    EXPECT_ERRNO(HYPERVISOR_platform_op(&op), XEN_ENOSYS);
    EXPECT_ERRNO(HYPERVISOR_platform_op(UNMAPPED_ADDR), XEN_EFAULT);
}

TEST(nmi_callback)
{
    struct xennmi_callback cb = { .handler_address = (unsigned long)never_called };

    EXPECT_OK(HYPERVISOR_nmi_op(XENNMI_register_callback, &cb));
    EXPECT_OK(HYPERVISOR_nmi_op(XENNMI_unregister_callback, 0));
    EXPECT_ERRNO(HYPERVISOR_nmi_op(99, &cb), XEN_ENOSYS);
}

TEST(console_read)
{
    static char buf[16];

    /* dom0 may read the console input; nothing was typed. */
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), 0);
}
