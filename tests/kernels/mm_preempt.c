/*
 * mm_preempt: MMU work far too long for one go must not hold the CPU.
 * A single mmu_update of 100,000 entries, the pin of an L4 whose tree
 * holds 256 full L1 tables, the mmu_update hooking that tree into a
 * pinned L4, and the first two inside one multicall: each
 * completes as one call with the same result and done count as Xen's,
 * and a 1 ms periodic timer keeps delivering its event meanwhile (the
 * hypervisor stops, lets the timer through and continues the call).
 */
#include "lib/events.h"
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/version.h>

const char kernel_name[] = "mm_preempt";

#define RW_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS (PTE_PRESENT | PTE_ACCESSED)
#define MS       1000000ULL

#define HUGE_BATCH 100000
#define NR_L1      256
#define NR_DATA    512

static struct mmu_update batch[HUGE_BATCH];
static char window[4096] __attribute__((aligned(4096)));
static char target[2][4096] __attribute__((aligned(4096)));
/* The big tree: L4 -> L3 -> L2 -> 256 L1s, each mapping all of data. */
static char l1s[NR_L1][4096] __attribute__((aligned(4096)));
static char upper[3][4096] __attribute__((aligned(4096)));
static char data[NR_DATA][4096] __attribute__((aligned(4096)));
#define L2 upper[0]
#define L3 upper[1]
#define L4 upper[2]

static unsigned long mfn_of(const void *va)
{
    return virt_to_mfn(va);
}

static uint64_t maddr_of(const void *va)
{
    return (uint64_t)mfn_of(va) * PAGE_SIZE;
}

static long mmuext(unsigned int cmd, unsigned long arg1)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1 };
    return HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

static unsigned int ticks_since(unsigned int before)
{
    return event_upcalls - before;
}

/* Ticks can only be asked for when the call took several periods. */
static void expect_ticks_during(unsigned int ticks, uint64_t elapsed_ns, const char *what)
{
    testfw_note(testfw_current, "%s: %lu us, %u timer events during it", what,
                (unsigned long)(elapsed_ns / 1000), ticks);
    if (elapsed_ns >= 10 * MS)
        EXPECT_TRUE(ticks >= 2);
}

TEST(periodic_timer_runs)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct vcpu_set_periodic_timer period = { .period_ns = 1 * MS };
    unsigned int before;
    uint64_t end;

    EXPECT_OK(traps_install());
    EXPECT_OK(events_init());
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &virq));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period));
    events_enable();
    /* Spinning, as time.c does (Xen's periodic timer does not wake a
     * blocked vCPU). */
    before = event_upcalls;
    end = system_time_ns() + 100 * MS;
    while (system_time_ns() < end)
        asm volatile("pause");
    testfw_note(testfw_current, "%u timer events in 100 ms", ticks_since(before));
    EXPECT_TRUE(ticks_since(before) >= 2);
}

/* Entry i writes the L1 entry mapping window: alternately target 0 and 1. */
static void fill_batch(uint64_t pte_maddr, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        batch[i].ptr = pte_maddr | MMU_NORMAL_PT_UPDATE;
        batch[i].val = maddr_of(target[i % 2]) | RW_FLAGS;
    }
}

TEST(huge_mmu_update_batch_is_one_call)
{
    uint64_t pte_maddr = 0, value = 0, start;
    unsigned int done = 0, before;

    EXPECT_TRUE(l1_entry_of(window, 0, &pte_maddr));
    fill_batch(pte_maddr, HUGE_BATCH);
    batch[HUGE_BATCH - 1].val = maddr_of(target[0]) | RW_FLAGS;
    target[0][8] = 0x5a;
    before = event_upcalls;
    start = system_time_ns();
    EXPECT_OK(HYPERVISOR_mmu_update(batch, HUGE_BATCH, &done, DOMID_SELF));
    expect_ticks_during(ticks_since(before), system_time_ns() - start, "mmu_update x100000");
    EXPECT_EQ(done, HUGE_BATCH);
    EXPECT_OK(mmuext(MMUEXT_INVLPG_LOCAL, (unsigned long)window));
    EXPECT_TRUE(l1_entry_of(window, &value, 0));
    EXPECT_EQ(value & PTE_FRAME_MASK, maddr_of(target[0]));
    EXPECT_EQ(window[8], 0x5a);

    /* A refusal deep in the batch (a page table mapped writable): done
     * says exactly how far it got. */
    batch[77777].val = (uint64_t)l1_table_mfn_of(window) * PAGE_SIZE | RW_FLAGS;
    done = 0;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(batch, HUGE_BATCH, &done, DOMID_SELF), XEN_EBUSY);
    EXPECT_EQ(done, 77777);
    EXPECT_OK(remap(window, mfn_of(window), RW_FLAGS));
}

static long set_read_only(void *page, int read_only)
{
    return remap(page, mfn_of(page), read_only ? RO_FLAGS : RW_FLAGS);
}

static void build_big_tree(void)
{
    memory_set(upper, 0, sizeof(upper));
    for (unsigned int i = 0; i < NR_L1; i++)
        for (unsigned int j = 0; j < NR_DATA; j++)
            ((uint64_t *)l1s[i])[j] = maddr_of(data[j]) | RO_FLAGS;
    for (unsigned int i = 0; i < NR_L1; i++)
        ((uint64_t *)L2)[i] = maddr_of(l1s[i]) | RW_FLAGS;
    ((uint64_t *)L3)[3] = maddr_of(L2) | RW_FLAGS;
    ((uint64_t *)L4)[5] = maddr_of(L3) | RW_FLAGS;
}

static unsigned int tree_read_only(int read_only)
{
    unsigned int failures = 0;

    for (unsigned int i = 0; i < NR_L1; i++)
        failures += set_read_only(l1s[i], read_only) != 0;
    for (unsigned int i = 0; i < 3; i++)
        failures += set_read_only(upper[i], read_only) != 0;
    return failures;
}

/* The tree is typed: no table of it can be mapped writable. */
static void expect_tree_typed(void)
{
    EXPECT_ERRNO(remap(window, mfn_of(l1s[0]), RW_FLAGS), XEN_EBUSY);
    EXPECT_ERRNO(remap(window, mfn_of(l1s[NR_L1 - 1]), RW_FLAGS), XEN_EBUSY);
    EXPECT_ERRNO(remap(window, mfn_of(L2), RW_FLAGS), XEN_EBUSY);
}

static void expect_tree_released(void)
{
    EXPECT_OK(remap(window, mfn_of(l1s[NR_L1 - 1]), RW_FLAGS));
    EXPECT_OK(remap(window, mfn_of(window), RW_FLAGS));
}

TEST(pin_of_a_big_tree_is_one_call)
{
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };
    unsigned int done = 0, before;
    uint64_t start;

    build_big_tree();
    EXPECT_EQ(tree_read_only(1), 0);
    op.arg1.mfn = mfn_of(L4);
    before = event_upcalls;
    start = system_time_ns();
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF));
    expect_ticks_during(ticks_since(before), system_time_ns() - start,
                        "pin of an L4 over 256 full L1s");
    EXPECT_EQ(done, 1);
    expect_tree_typed();
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L4_TABLE, mfn_of(L4)), XEN_EINVAL);
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(L4)));
    expect_tree_released();
    EXPECT_EQ(tree_read_only(0), 0);
}

TEST(big_tree_with_a_bad_last_entry_is_refused_whole)
{
    build_big_tree();
    /* The last L1's last entry maps a page table writable. */
    ((uint64_t *)l1s[NR_L1 - 1])[NR_DATA - 1] = maddr_of(L2) | RW_FLAGS;
    EXPECT_EQ(tree_read_only(1), 0);
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L4_TABLE, mfn_of(L4)), XEN_EBUSY);
    /* Nothing stayed typed: the first L1 maps writable again. */
    expect_tree_released();
    EXPECT_OK(remap(window, mfn_of(l1s[0]), RW_FLAGS));
    EXPECT_OK(remap(window, mfn_of(window), RW_FLAGS));
    EXPECT_EQ(tree_read_only(0), 0);
}

TEST(mmu_update_hooking_a_big_tree_into_a_pinned_l4_is_one_call)
{
    struct mmu_update req;
    unsigned int done = 0, before;
    uint64_t start;

    build_big_tree();
    ((uint64_t *)L4)[5] = 0;
    EXPECT_EQ(tree_read_only(1), 0);
    EXPECT_OK(mmuext(MMUEXT_PIN_L4_TABLE, mfn_of(L4)));
    req.ptr = (maddr_of(L4) + 5 * 8) | MMU_NORMAL_PT_UPDATE;
    req.val = maddr_of(L3) | RW_FLAGS;
    before = event_upcalls;
    start = system_time_ns();
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF));
    expect_ticks_during(ticks_since(before), system_time_ns() - start,
                        "mmu_update of an L4 entry over 256 full L1s");
    EXPECT_EQ(done, 1);
    expect_tree_typed();
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(L4)));
    expect_tree_released();
    EXPECT_EQ(tree_read_only(0), 0);
}

TEST(long_calls_continue_inside_a_multicall)
{
    static multicall_entry_t calls[3];
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    unsigned int done_updates = 0, done_pin = 0, before;
    uint64_t pte_maddr = 0, start;

    EXPECT_TRUE(l1_entry_of(window, 0, &pte_maddr));
    fill_batch(pte_maddr, 30000);
    build_big_tree();
    EXPECT_EQ(tree_read_only(1), 0);
    pin.arg1.mfn = mfn_of(L4);
    calls[0] = (multicall_entry_t){ .op = __HYPERVISOR_mmu_update,
        .args = { (unsigned long)batch, 30000, (unsigned long)&done_updates, DOMID_SELF } };
    calls[1] = (multicall_entry_t){ .op = __HYPERVISOR_mmuext_op,
        .args = { (unsigned long)&pin, 1, (unsigned long)&done_pin, DOMID_SELF } };
    calls[2] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } };
    before = event_upcalls;
    start = system_time_ns();
    EXPECT_OK(HYPERVISOR_multicall(calls, 3));
    expect_ticks_during(ticks_since(before), system_time_ns() - start,
                        "multicall of mmu_update x30000 and the pin");
    EXPECT_EQ(calls[0].result, 0);
    EXPECT_EQ(done_updates, 30000);
    EXPECT_EQ(calls[1].result, 0);
    EXPECT_EQ(done_pin, 1);
    EXPECT_EQ(calls[2].result >> 16, 4);
    expect_tree_typed();
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(L4)));
    expect_tree_released();
    EXPECT_EQ(tree_read_only(0), 0);
}

TEST(timer_stops)
{
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
}
