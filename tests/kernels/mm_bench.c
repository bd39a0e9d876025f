/*
 * mm_bench: the cost of the PV memory-management primitives of issue 5,
 * printed as "BENCH <name> <ns per operation>" (pvclock time: under QEMU
 * TCG compare Xen and Lintel on the same machine, never with hardware).
 *   mmu_update_512_ptes      one mmu_update of 512 PTE writes (so Lintel's
 *                            batch continuations are part of the cost)
 *   pin_unpin_l4             pin and unpin of a four-level tree (validation
 *                            of L4, L3, L2, L1 and a writable data page)
 *   page_fault_map_unmap     touch an unmapped page, the #PF bounces to our
 *                            handler which maps it with update_va_mapping,
 *                            the access completes, then the page is unmapped
 * The checks only make sure every timed operation succeeded.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/version.h>

const char kernel_name[] = "mm_bench";

#define RW_FLAGS   (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS   (PTE_PRESENT | PTE_ACCESSED)
#define BATCH      512
#define ROUNDS     200
#define PIN_ROUNDS 500
#define PF_ROUNDS  1000

static struct mmu_update batch[BATCH];
static char tree[5][4096] __attribute__((aligned(4096)));  /* L1, L2, L3, L4, data */
static char window[4096] __attribute__((aligned(4096)));
static unsigned long window_mfn;
static uint64_t bench_start;

static void begin(void)
{
    bench_start = system_time_ns();
}

static void report(const char *name, unsigned int ops)
{
    printk("BENCH %s %lu\n", name, (unsigned long)((system_time_ns() - bench_start) / ops));
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };
    return HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    window_mfn = virt_to_mfn(window);
}

TEST(mmu_update_batch_of_512)
{
    uint64_t maddr = 0;
    unsigned int done = 0;
    long failures = 0;

    EXPECT_TRUE(l1_entry_of(scratch_pages[0], 0, &maddr));
    for (int i = 0; i < BATCH; i++) {
        batch[i].ptr = maddr | MMU_NORMAL_PT_UPDATE;
        batch[i].val = ((uint64_t)virt_to_mfn(scratch_pages[(i + 1) & 1]) * PAGE_SIZE) |
                       RW_FLAGS;
    }
    begin();
    for (int i = 0; i < ROUNDS; i++) {
        failures += HYPERVISOR_mmu_update(batch, BATCH, &done, DOMID_SELF) != 0;
        failures += done != BATCH;
    }
    report("mmu_update_512_ptes", ROUNDS);
    EXPECT_OK(remap(scratch_pages[0], virt_to_mfn(scratch_pages[0]), RW_FLAGS));
    EXPECT_EQ(failures, 0);
}

TEST(pin_and_unpin_of_an_l4)
{
    unsigned long mfn[5];
    long failures = 0;

    for (int i = 0; i < 5; i++)
        mfn[i] = virt_to_mfn(tree[i]);
    for (int i = 0; i < 4; i++)
        ((uint64_t *)tree[i])[0] = (uint64_t)mfn[i == 0 ? 4 : i - 1] * PAGE_SIZE | RW_FLAGS;
    for (int i = 0; i < 4; i++)
        EXPECT_OK(remap(tree[i], mfn[i], RO_FLAGS));
    begin();
    for (int i = 0; i < PIN_ROUNDS; i++) {
        failures += mmuext(MMUEXT_PIN_L4_TABLE, mfn[3]) != 0;
        failures += mmuext(MMUEXT_UNPIN_TABLE, mfn[3]) != 0;
    }
    report("pin_unpin_l4", PIN_ROUNDS);
    for (int i = 0; i < 4; i++)
        EXPECT_OK(remap(tree[i], mfn[i], RW_FLAGS));
    EXPECT_EQ(failures, 0);
}

static int map_on_fault(struct trap_frame *frame)
{
    if (frame->vector != 14 || (last_trap.cr2 & ~0xfffUL) != (uint64_t)(unsigned long)window)
        return 0;
    return remap(window, window_mfn, RW_FLAGS) == 0;
}

TEST(page_fault_bounce_that_maps)
{
    long failures = 0;

    window[8] = 1;
    trap_reset();
    trap_hook = map_on_fault;
    begin();
    for (int i = 0; i < PF_ROUNDS; i++) {
        failures += remap(window, 0, 0) != 0;
        /* Faults, gets mapped by the handler, and completes. */
        failures += *(volatile char *)&window[8] != 1;
    }
    report("page_fault_map_unmap", PF_ROUNDS);
    trap_hook = 0;
    EXPECT_OK(remap(window, window_mfn, RW_FLAGS));
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(last_trap.count, PF_ROUNDS);
}
