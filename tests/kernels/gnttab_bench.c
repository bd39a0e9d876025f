/*
 * gnttab_bench: grant performance as dom0 sees it, for make bench. Prints
 * "BENCH <name> <figure>" (pvclock time: under QEMU TCG the absolute values
 * say little, the Lintel/Xen ratio is the point):
 *   copy_4k_mbps      GNTTABOP_copy of one 4 KiB page per hypercall, MB/s
 *   copy_64k_mbps     16 such copies (64 KiB) per hypercall, MB/s
 *   memcpy_mbps       a plain memcpy of the same 64 KiB in this guest: the ceiling
 *   map_unmap_per_s   host map + unmap pairs of one grant, per second
 */
#include "lib/kernel.h"
#include "lib/mm.h"

#include <public/grant_table.h>

const char kernel_name[] = "gnttab_bench";

#define RW_FLAGS  (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define PAGES     16
#define FIRST_REF GNTTAB_NR_RESERVED_ENTRIES
#define COPY_ROUNDS 200
#define MAP_ROUNDS  2000

#define TABLE_WINDOW scratch_pages[0]
#define MAP_TARGET   scratch_pages[1]

static char source[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static char dest[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct gnttab_copy copies[PAGES];
static grant_entry_v1_t *table;

static long gnttab(unsigned int cmd, void *args, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, args, count);
}

static void report(const char *name, uint64_t bytes_or_ops, uint64_t ns, uint64_t scale)
{
    printk("BENCH %s %lu\n", name, (unsigned long)(ns ? bytes_or_ops * scale / ns : 0));
}

TEST(setup)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1 };

    set_xen_guest_handle(setup.frame_list, &frame);
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_okay);
    if (setup.status != GNTST_okay)
        return;
    EXPECT_OK(remap(TABLE_WINDOW, frame, RW_FLAGS));
    table = (grant_entry_v1_t *)TABLE_WINDOW;
    for (unsigned int i = 0; i < PAGES; i++) {
        memory_set(source[i], (int)i + 1, PAGE_SIZE);
        table[FIRST_REF + i].domid = 0;
        table[FIRST_REF + i].frame = (uint32_t)virt_to_mfn(source[i]);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        table[FIRST_REF + i].flags = GTF_permit_access | GTF_readonly;
        copies[i] = (struct gnttab_copy){
            .source = { .u.ref = FIRST_REF + i, .domid = 0 },
            .dest = { .u.gmfn = virt_to_mfn(dest[i]), .domid = DOMID_SELF },
            .len = PAGE_SIZE, .flags = GNTCOPY_source_gref,
        };
    }
}

static int copy_batches(unsigned int per_call, unsigned int rounds)
{
    for (unsigned int r = 0; r < rounds; r++)
        for (unsigned int i = 0; i < PAGES; i += per_call) {
            if (gnttab(GNTTABOP_copy, &copies[i], per_call))
                return 0;
            for (unsigned int k = i; k < i + per_call; k++)
                if (copies[k].status != GNTST_okay)
                    return 0;
        }
    return 1;
}

TEST(copy_bandwidth)
{
    uint64_t start, bytes = (uint64_t)COPY_ROUNDS * PAGES * PAGE_SIZE;

    EXPECT_TRUE(table != 0);
    if (!table)
        return;
    start = system_time_ns();
    EXPECT_TRUE(copy_batches(1, COPY_ROUNDS));
    report("copy_4k_mbps", bytes, system_time_ns() - start, 1000);
    start = system_time_ns();
    EXPECT_TRUE(copy_batches(PAGES, COPY_ROUNDS));
    report("copy_64k_mbps", bytes, system_time_ns() - start, 1000);
    EXPECT_EQ(dest[PAGES - 1][100], PAGES);
    start = system_time_ns();
    for (unsigned int r = 0; r < COPY_ROUNDS; r++) {
        memcpy(dest, source, sizeof(source));
        asm volatile("" ::: "memory");
    }
    report("memcpy_mbps", bytes, system_time_ns() - start, 1000);
}

TEST(map_unmap_pairs)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)(unsigned long)MAP_TARGET,
        .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = FIRST_REF, .dom = 0,
    };
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };
    unsigned int done = 0;
    uint64_t start;

    EXPECT_TRUE(table != 0);
    if (!table)
        return;
    start = system_time_ns();
    for (; done < MAP_ROUNDS; done++) {
        if (gnttab(GNTTABOP_map_grant_ref, &map, 1) || map.status != GNTST_okay)
            break;
        unmap.handle = map.handle;
        if (gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1) || unmap.status != GNTST_okay)
            break;
    }
    report("map_unmap_per_s", done, system_time_ns() - start, 1000000000);
    EXPECT_EQ(done, MAP_ROUNDS);
    EXPECT_OK(remap(MAP_TARGET, virt_to_mfn(MAP_TARGET), RW_FLAGS));
}
