/*
 * bench: the cost of the PV primitives, for comparing hypervisors. Each
 * test times a loop of one operation and prints
 *     BENCH <name> <nanoseconds per operation>
 * (pvclock time, so under QEMU TCG these are relative numbers: compare
 * Xen and Lintel on the same machine, not with real hardware). The checks
 * only make sure every timed operation actually succeeded.
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/mm.h"
#include "lib/traps.h"
#include "lib/usermode.h"

#include <public/version.h>

const char kernel_name[] = "bench";

#define RW_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)

static uint64_t bench_start;

static void begin(void)
{
    bench_start = system_time_ns();
}

static void report(const char *name, unsigned int ops)
{
    uint64_t elapsed = system_time_ns() - bench_start;

    printk("BENCH %s %lu\n", name, (unsigned long)(elapsed / ops));
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(events_init());
    EXPECT_OK(user_mode_setup());
}

TEST(null_hypercall)
{
    long failures = 0;

    begin();
    for (int i = 0; i < 10000; i++)
        failures += HYPERVISOR_xen_version(XENVER_version, 0) <= 0;
    report("xen_version", 10000);
    EXPECT_EQ(failures, 0);
}

TEST(multicall_of_thirty_two)
{
    static multicall_entry_t calls[32];
    long failures = 0;

    for (int i = 0; i < 32; i++)
        calls[i] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } };
    begin();
    for (int i = 0; i < 1000; i++)
        failures += HYPERVISOR_multicall(calls, 32) != 0;
    report("multicall_32_xen_version", 1000);
    EXPECT_EQ(failures, 0);
}

TEST(update_va_mapping)
{
    void *va = scratch_pages[0];
    unsigned long a = virt_to_mfn(scratch_pages[0]), b = virt_to_mfn(scratch_pages[1]);
    long failures = 0;

    begin();
    for (int i = 0; i < 2000; i++)
        failures += remap(va, (i & 1) ? a : b, RW_FLAGS) != 0;
    report("update_va_mapping_invlpg", 2000);
    failures += remap(va, a, RW_FLAGS) != 0;
    EXPECT_EQ(failures, 0);
}

TEST(mmu_update_batch_of_512)
{
    static struct mmu_update reqs[512];
    uint64_t maddr;
    long failures = 0;

    EXPECT_TRUE(l1_entry_of(scratch_pages[0], 0, &maddr));
    for (int i = 0; i < 512; i++) {
        reqs[i].ptr = maddr | MMU_NORMAL_PT_UPDATE;
        reqs[i].val = ((uint64_t)virt_to_mfn(scratch_pages[i & 1]) * PAGE_SIZE) | RW_FLAGS;
    }
    /* The batch must leave the page mapped where the kernel expects it. */
    reqs[511].val = ((uint64_t)virt_to_mfn(scratch_pages[0]) * PAGE_SIZE) | RW_FLAGS;
    begin();
    for (int i = 0; i < 200; i++)
        failures += HYPERVISOR_mmu_update(reqs, 512, 0, DOMID_SELF) != 0;
    report("mmu_update_512_ptes", 200);
    HYPERVISOR_xen_version(XENVER_version, 0);
    EXPECT_EQ(failures, 0);
}

TEST(pin_and_unpin_an_l4)
{
    void *va = scratch_pages[2];
    unsigned long mfn = virt_to_mfn(va);
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = mfn };
    struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = mfn };
    long failures = 0;

    for (int i = 0; i < 512; i++)
        ((volatile uint64_t *)va)[i] = 0;
    /* A page table may not stay writable anywhere: map it read-only first. */
    EXPECT_OK(remap(va, mfn, PTE_PRESENT | PTE_ACCESSED));
    begin();
    for (int i = 0; i < 1000; i++) {
        failures += HYPERVISOR_mmuext_op(&pin, 1, 0, DOMID_SELF) != 0;
        failures += HYPERVISOR_mmuext_op(&unpin, 1, 0, DOMID_SELF) != 0;
    }
    report("pin_unpin_l4", 1000);
    EXPECT_OK(remap(va, mfn, RW_FLAGS));
    EXPECT_EQ(failures, 0);
}

static void *demand_va;
static unsigned long demand_mfn;

/* Maps the page the loop below unmapped, so the faulting write is retried. */
static int map_on_demand(struct trap_frame *frame)
{
    if (frame->vector != 14)
        return 0;
    return remap(demand_va, demand_mfn, RW_FLAGS) == 0;
}

TEST(demand_map_page_fault_loop)
{
    long failures = 0;

    demand_va = scratch_pages[3];
    demand_mfn = virt_to_mfn(demand_va);
    trap_reset();
    trap_hook = map_on_demand;
    begin();
    for (int i = 0; i < 1000; i++) {
        failures += remap(demand_va, demand_mfn, 0) != 0;
        *(volatile char *)demand_va = (char)i;
    }
    report("unmap_fault_map_retry", 1000);
    trap_hook = 0;
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(last_trap.count, 1000);
}

TEST(trap_bounce_and_iret)
{
    trap_reset();
    begin();
    for (int i = 0; i < 2000; i++)
        asm volatile("int3");
    report("int3_bounce_iret", 2000);
    EXPECT_EQ(last_trap.count, 2000);
}

TEST(page_fault_bounce)
{
    unsigned long value = 0;

    trap_reset();
    begin();
    for (int i = 0; i < 2000; i++)
        FAULT_PROBE("mov (%1), %0", : "+r"(value) : "r"(0x1000UL));
    report("page_fault_bounce_iret", 2000);
    EXPECT_EQ(last_trap.count, 2000);
}

TEST(event_loopback)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
    struct evtchn_send send;
    unsigned int before;

    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    bind.remote_port = alloc.port;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind));
    events_enable();
    send.port = bind.local_port;
    before = event_upcalls;
    begin();
    for (int i = 0; i < 2000; i++)
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    report("evtchn_send_and_upcall", 2000);
    events_disable();
    /* Every send was delivered as its own upcall. */
    EXPECT_EQ(event_upcalls - before, 2000);
}

static void user_nothing(void)
{
    user_return(1);
}

static char user_stack[PAGE_SIZE] __attribute__((aligned(16)));

TEST(user_mode_round_trip)
{
    long failures = 0;

    begin();
    for (int i = 0; i < 2000; i++)
        failures += user_call(user_nothing, user_stack + sizeof(user_stack)) != 1;
    report("iret_to_user_and_syscall_back", 2000);
    EXPECT_EQ(failures, 0);
}
