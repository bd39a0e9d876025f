/*
 * gnttab_limits: the per-domain grant limits, with dom0 granting to
 * itself. A full grant table cannot grow; a pin count stops at 128 mappings
 * of one kind per grant (Xen keeps each count in a byte); and the maptrack
 * (the mapper's handles: 1024 frames of 256 by default) runs out with
 * GNTST_no_space, never a crash, and works again once handles are
 * given back. Device mappings need no page-table entries, so half a
 * million of them are cheap. Expected values are what Xen 4.17 does.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/grant_table.h>

const char kernel_name[] = "gnttab_limits";

#define RW_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define WINDOW   scratch_pages[0]
#define GRANTED  scratch_pages[1]

#define PIN_LIMIT        128
#define PER_FRAME        (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define TABLE_FRAMES     5
#define FIRST_REF        GNTTAB_NR_RESERVED_ENTRIES
#define NR_REFS          (TABLE_FRAMES * PER_FRAME - FIRST_REF)
/* Xen 4.17's default: 1024 maptrack frames of 256 handles; Xen keeps one
 * handle per vCPU as the tail of its free list, Lintel does not. */
#define MAPTRACK_HANDLES (1024 * 256)
#define BATCH            512

static xen_pfn_t frames[TABLE_FRAMES];
static struct gnttab_map_grant_ref map_ops[BATCH];
static struct gnttab_unmap_grant_ref unmap_ops[BATCH];
static uint32_t handles[MAPTRACK_HANDLES + BATCH];
static grant_ref_t last_ref;
static int last_readonly;
static unsigned int nr_handles;
static int table_ready;

static long gnttab(unsigned int cmd, void *args, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, args, count);
}

static uint64_t granted_bus_addr(void)
{
    return (uint64_t)virt_to_mfn(GRANTED) << 12;
}

/* Entry `ref` of the table, through the window (remapped per frame). */
static grant_entry_v1_t *entry(grant_ref_t ref)
{
    static long shown = -1;
    long frame = ref / PER_FRAME;

    if (frame != shown) {
        remap(WINDOW, frames[frame], RW_FLAGS);
        shown = frame;
    }
    return (grant_entry_v1_t *)WINDOW + ref % PER_FRAME;
}

/* Mapping kinds in turn: read-only and read-write device mappings. */
static void fill_map(unsigned int i, grant_ref_t ref, int readonly)
{
    map_ops[i] = (struct gnttab_map_grant_ref){
        .flags = GNTMAP_device_map | (readonly ? GNTMAP_readonly : 0), .ref = ref, .dom = 0,
    };
}

static void unmap_handles(unsigned int first, unsigned int count)
{
    for (unsigned int done = 0; done < count;) {
        unsigned int n = count - done < BATCH ? count - done : BATCH;

        for (unsigned int i = 0; i < n; i++)
            unmap_ops[i] = (struct gnttab_unmap_grant_ref){
                .dev_bus_addr = granted_bus_addr(), .handle = handles[first + done + i],
            };
        if (gnttab(GNTTABOP_unmap_grant_ref, unmap_ops, n))
            return;
        for (unsigned int i = 0; i < n; i++)
            if (unmap_ops[i].status != GNTST_okay) {
                EXPECT_EQ(unmap_ops[i].status, GNTST_okay);
                return;
            }
        done += n;
    }
}

TEST(setup)
{
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = TABLE_FRAMES };

    EXPECT_OK(traps_install());
    set_xen_guest_handle(setup.frame_list, frames);
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_okay);
    if (setup.status != GNTST_okay)
        return;
    for (grant_ref_t ref = FIRST_REF; ref < FIRST_REF + NR_REFS; ref++) {
        grant_entry_v1_t *e = entry(ref);

        e->domid = 0;
        e->frame = (uint32_t)virt_to_mfn(GRANTED);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        e->flags = GTF_permit_access;
    }
    table_ready = 1;
}

TEST(a_full_table_does_not_grow)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    struct gnttab_setup_table setup = { .dom = DOMID_SELF };
    xen_pfn_t frame;

    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    testfw_note(testfw_current, "grant frames %u of at most %u", query.nr_frames,
                query.max_nr_frames);
    set_xen_guest_handle(setup.frame_list, &frame);
    setup.nr_frames = query.max_nr_frames + 1;
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_general_error);
    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    EXPECT_EQ(query.nr_frames, TABLE_FRAMES);
}

TEST(a_pin_count_stops_at_128)
{
    unsigned int ok = 0;

    EXPECT_TRUE(table_ready);
    if (!table_ready)
        return;
    for (unsigned int i = 0; i <= PIN_LIMIT; i++)
        fill_map(i, FIRST_REF, 1);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, map_ops, PIN_LIMIT + 1));
    for (unsigned int i = 0; i < PIN_LIMIT; i++)
        if (map_ops[i].status == GNTST_okay)
            handles[ok++] = map_ops[i].handle;
    EXPECT_EQ(ok, PIN_LIMIT);
    EXPECT_EQ(map_ops[PIN_LIMIT].status, GNTST_general_error);
    /* The other kind on the same grant still has room. */
    fill_map(0, FIRST_REF, 0);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, map_ops, 1));
    EXPECT_EQ(map_ops[0].status, GNTST_okay);
    handles[ok++] = map_ops[0].handle;
    EXPECT_EQ(entry(FIRST_REF)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    nr_handles = ok;
    unmap_handles(0, nr_handles);
    nr_handles = 0;
    EXPECT_EQ(entry(FIRST_REF)->flags, GTF_permit_access);
}

TEST(the_maptrack_runs_out_cleanly)
{
    unsigned int refused = 0, other = 0;
    uint64_t start = system_time_ns();

    EXPECT_TRUE(table_ready);
    if (!table_ready)
        return;
    /* 128 read-only and 128 writable mappings per grant, until refused. */
    for (unsigned int next = 0; !refused && next < NR_REFS * 2 * PIN_LIMIT; next += BATCH) {
        for (unsigned int i = 0; i < BATCH; i++) {
            unsigned int n = next + i;

            fill_map(i, FIRST_REF + n / (2 * PIN_LIMIT), (n / PIN_LIMIT) % 2);
        }
        if (gnttab(GNTTABOP_map_grant_ref, map_ops, BATCH))
            break;
        for (unsigned int i = 0; i < BATCH; i++) {
            if (map_ops[i].status == GNTST_okay) {
                handles[nr_handles++] = map_ops[i].handle;
                last_ref = map_ops[i].ref;
                last_readonly = !!(map_ops[i].flags & GNTMAP_readonly);
            } else if (map_ops[i].status == GNTST_no_space)
                refused++;
            else if (other++ == 0)
                testfw_note(testfw_current, "op %u (ref %u) failed with %d", next + i,
                            map_ops[i].ref, map_ops[i].status);
        }
    }
    testfw_note(testfw_current, "%u handles before the maptrack ran out (%u ms)", nr_handles,
                (unsigned int)((system_time_ns() - start) / 1000000));
    EXPECT_TRUE(nr_handles == MAPTRACK_HANDLES || nr_handles == MAPTRACK_HANDLES - 1);
    EXPECT_TRUE(refused > 0);
    EXPECT_EQ(other, 0);
    /* One handle back, one mapping more; then refused again. */
    if (nr_handles) {
        unmap_handles(nr_handles - 1, 1);
        nr_handles--;
        fill_map(0, last_ref, last_readonly);
        fill_map(1, last_ref, last_readonly);
        EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, map_ops, 2));
        EXPECT_EQ(map_ops[0].status, GNTST_okay);
        EXPECT_EQ(map_ops[1].status, GNTST_no_space);
        if (map_ops[0].status == GNTST_okay)
            handles[nr_handles++] = map_ops[0].handle;
    }
    unmap_handles(0, nr_handles);
    testfw_note(testfw_current, "all unmapped after %u ms",
                (unsigned int)((system_time_ns() - start) / 1000000));
    nr_handles = 0;
    EXPECT_EQ(entry(FIRST_REF)->flags, GTF_permit_access);
    EXPECT_EQ(entry(FIRST_REF + NR_REFS - 1)->flags, GTF_permit_access);
}
