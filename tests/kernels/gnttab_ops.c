/*
 * gnttab_ops: the grant paths the gnttab kernel leaves out, with dom0
 * granting to itself. A read-only mapping really is read-only; unmapping
 * with a wrong handle or address is refused and changes nothing; grants to
 * another domain or never made cannot be mapped; copies are bounded by
 * their page and by what was granted; device mappings, PTE-addressed
 * mappings and unmap_and_replace; grant table version 2 with its status
 * frames. The expected values are what Xen 4.17 does.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/grant_table.h>

const char kernel_name[] = "gnttab_ops";

#define RW_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS (PTE_PRESENT | PTE_ACCESSED)
#define PF_WRITE 0x2        /* #PF error code: the access was a write */
#define OTHER_DOMAIN 5      /* exists nowhere in these tests */

#define TABLE_WINDOW  scratch_pages[0]
#define GRANTED       scratch_pages[1]
#define MAP_TARGET    scratch_pages[2]
#define OTHER_PAGE    scratch_pages[3]
#define STATUS_WINDOW scratch_pages[4]
#define COPY_DEST     scratch_pages[5]

#define REF_A GNTTAB_NR_RESERVED_ENTRIES
#define REF_B (GNTTAB_NR_RESERVED_ENTRIES + 1)

#define COMPILER_BARRIER() asm volatile("" ::: "memory")

static grant_entry_v1_t *table;
static unsigned long table_frame;

static void flush_address(const void *va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (unsigned long)va };
    HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

static long gnttab(unsigned int cmd, void *args, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, args, count);
}

#define REQUIRE(cond)            \
    do {                         \
        EXPECT_TRUE(cond);       \
        if (!(cond))             \
            return;              \
    } while (0)

static void grant_v1(grant_ref_t ref, const void *page, uint16_t domid, uint16_t flags)
{
    table[ref].domid = domid;
    table[ref].frame = (uint32_t)virt_to_mfn(page);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    table[ref].flags = flags;
}

static struct gnttab_map_grant_ref map_op(grant_ref_t ref, const void *at, uint32_t flags)
{
    return (struct gnttab_map_grant_ref){
        .host_addr = (uint64_t)(unsigned long)at, .flags = flags, .ref = ref, .dom = 0,
    };
}

static void restore(void *va)
{
    EXPECT_OK(remap(va, virt_to_mfn(va), RW_FLAGS));
}

/* Read or write one byte at va; the vector of the fault it took, or -1. */
static int probe_write(volatile char *va)
{
    trap_reset();
    FAULT_PROBE("movb $1, (%0)", : : "r"(va) : "memory");
    return last_trap.count ? (int)last_trap.vector : -1;
}

static int probe_read(volatile char *va)
{
    trap_reset();
    FAULT_PROBE("movb (%0), %%al", : : "r"(va) : "rax", "memory");
    return last_trap.count ? (int)last_trap.vector : -1;
}

TEST(setup)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1 };

    EXPECT_OK(traps_install());
    for (unsigned int i = 0; i < SCRATCH_PAGES; i++)
        memory_set(scratch_pages[i], 0, PAGE_SIZE);
    set_xen_guest_handle(setup.frame_list, &frame);
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_okay);
    if (setup.status != GNTST_okay || !frame)
        return;
    EXPECT_OK(remap(TABLE_WINDOW, frame, RW_FLAGS));
    table = (grant_entry_v1_t *)TABLE_WINDOW;
    table_frame = frame;
}

TEST(setup_table_limits)
{
    xen_pfn_t frames[2];
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    struct gnttab_setup_table setup = { .dom = DOMID_SELF };

    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    set_xen_guest_handle(setup.frame_list, frames);
    setup.nr_frames = query.max_nr_frames + 1;
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_general_error);
    /* Growing keeps the frames already handed out. */
    setup.nr_frames = 2;
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_okay);
    EXPECT_EQ(frames[0], table_frame);
    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    EXPECT_EQ(query.nr_frames, 2);
    /* One op at a time for the table-level commands. */
    EXPECT_ERRNO(gnttab(GNTTABOP_query_size, &query, 2), XEN_EINVAL);
}

TEST(read_only_mapping_is_enforced)
{
    struct gnttab_map_grant_ref map = map_op(REF_A, MAP_TARGET, GNTMAP_host_map | GNTMAP_readonly);
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };

    REQUIRE(table);
    GRANTED[0] = 0x5a;
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    flush_address(MAP_TARGET);
    EXPECT_EQ(probe_read(MAP_TARGET), -1);
    EXPECT_EQ(MAP_TARGET[0], 0x5a);
    EXPECT_EQ(probe_write(MAP_TARGET), 14);
    EXPECT_TRUE(last_trap.error_code & PF_WRITE);
    EXPECT_EQ(GRANTED[0], 0x5a);
    unmap.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
    restore(MAP_TARGET);
}

TEST(unmap_with_wrong_handle_or_address)
{
    struct gnttab_map_grant_ref map = map_op(REF_A, MAP_TARGET, GNTMAP_host_map);
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };

    REQUIRE(table);
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    flush_address(MAP_TARGET);

    unmap.handle = map.handle + 1;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    unmap.handle = 0xffffffffu;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    /* The right handle at an address that does not map the grant. */
    unmap.handle = map.handle;
    unmap.host_addr = (uint64_t)(unsigned long)OTHER_PAGE;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_general_error);
    unmap.host_addr = map.host_addr;
    /* None of that changed the mapping. */
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(probe_write(MAP_TARGET), -1);
    EXPECT_EQ(probe_write(OTHER_PAGE), -1);

    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
    /* The handle is gone now. */
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    restore(MAP_TARGET);
}

TEST(grants_that_do_not_allow_the_mapping)
{
    struct gnttab_map_grant_ref map = map_op(REF_A, MAP_TARGET, GNTMAP_host_map);

    REQUIRE(table);
    /* Granted to another domain. */
    grant_v1(REF_A, GRANTED, OTHER_DOMAIN, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_general_error);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
    /* Never granted (the slot is empty), and revoked. */
    map.ref = REF_B;
    table[REF_B].flags = GTF_invalid;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_general_error);
    EXPECT_EQ(table[REF_B].flags, GTF_invalid);
    /* Neither host nor device mapping asked for. */
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access);
    map = map_op(REF_A, MAP_TARGET, GNTMAP_readonly);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_bad_gntref);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
}

TEST(device_mapping)
{
    struct gnttab_map_grant_ref map = map_op(REF_A, 0, GNTMAP_device_map);
    struct gnttab_unmap_grant_ref unmap = { 0 };

    REQUIRE(table);
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    EXPECT_EQ(map.dev_bus_addr, (uint64_t)virt_to_mfn(GRANTED) << 12);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_reading | GTF_writing);
    unmap.handle = map.handle;
    /* A bus address that is not the frame's. */
    unmap.dev_bus_addr = map.dev_bus_addr + PAGE_SIZE;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_dev_addr);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_reading | GTF_writing);
    unmap.dev_bus_addr = map.dev_bus_addr;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
}

TEST(mapping_by_pte_address)
{
    uint64_t pte = 0, maddr = 0;
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap = { 0 };

    REQUIRE(table);
    REQUIRE(l1_entry_of(MAP_TARGET, &pte, &maddr));
    GRANTED[1] = 0x61;
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access | GTF_readonly);
    map = map_op(REF_A, 0, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly);
    map.host_addr = maddr;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    flush_address(MAP_TARGET);
    EXPECT_EQ(MAP_TARGET[1], 0x61);
    EXPECT_TRUE(l1_entry_of(MAP_TARGET, &pte, &maddr));
    EXPECT_EQ(pte & PTE_FRAME_MASK, (uint64_t)virt_to_mfn(GRANTED) << 12);
    EXPECT_EQ(pte & PTE_WRITABLE, 0);
    unmap.host_addr = maddr;
    unmap.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_readonly);
    /* A PTE address that is not in a page table of ours. */
    map.host_addr = (uint64_t)virt_to_mfn(OTHER_PAGE) << 12;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_general_error);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_readonly);
    restore(MAP_TARGET);
}

TEST(unmap_and_replace)
{
    struct gnttab_map_grant_ref map = map_op(REF_A, MAP_TARGET, GNTMAP_host_map);
    struct gnttab_unmap_and_replace replace = { .host_addr = map.host_addr };

    REQUIRE(table);
    OTHER_PAGE[2] = 0x77;
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    /* MAP_TARGET takes over OTHER_PAGE's mapping, which goes away. */
    replace.new_addr = (uint64_t)(unsigned long)OTHER_PAGE;
    replace.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_and_replace, &replace, 1));
    EXPECT_EQ(replace.status, GNTST_okay);
    flush_address(MAP_TARGET);
    flush_address(OTHER_PAGE);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access);
    EXPECT_EQ(MAP_TARGET[2], 0x77);
    EXPECT_EQ(probe_read(OTHER_PAGE), 14);
    restore(OTHER_PAGE);
    restore(MAP_TARGET);
    EXPECT_EQ(OTHER_PAGE[2], 0x77);
}

TEST(copy_bounds_and_rights)
{
    struct gnttab_copy copy = {
        .source = { .u.ref = REF_A, .domid = 0, .offset = 0 },
        .dest = { .domid = DOMID_SELF },
        .len = 16, .flags = GNTCOPY_source_gref,
    };

    REQUIRE(table);
    copy.dest.u.gmfn = virt_to_mfn(COPY_DEST);
    grant_v1(REF_A, GRANTED, 0, GTF_permit_access | GTF_readonly);
    /* A read-only grant is a fine source... */
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_okay);
    EXPECT_EQ(table[REF_A].flags, GTF_permit_access | GTF_readonly);
    /* ...but not a destination. */
    copy.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    copy.dest.u.ref = REF_A;
    copy.dest.domid = 0;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_general_error);
    /* The destination crossing its page end. */
    copy.flags = GNTCOPY_source_gref;
    copy.dest.domid = DOMID_SELF;
    copy.dest.u.gmfn = virt_to_mfn(COPY_DEST);
    copy.dest.offset = PAGE_SIZE - 8;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_bad_copy_arg);
    /* A frame by number is for DOMID_SELF only, even naming our own id. */
    copy.dest.offset = 0;
    copy.dest.domid = 0;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_permission_denied);
    /* References out of the table, never granted, another domain's. */
    copy.dest.domid = DOMID_SELF;
    copy.source.u.ref = 1000000;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_bad_gntref);
    copy.source.u.ref = REF_B;
    table[REF_B].flags = GTF_invalid;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_general_error);
    copy.source.u.ref = REF_A;
    copy.source.domid = OTHER_DOMAIN;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_bad_domain);
    /* A batch: each op has its own status. */
    {
        struct gnttab_copy two[2] = { copy, copy };

        two[0].source.domid = 0;
        two[0].len = 4096;
        EXPECT_OK(gnttab(GNTTABOP_copy, two, 2));
        EXPECT_EQ(two[0].status, GNTST_okay);
        EXPECT_EQ(two[1].status, GNTST_bad_domain);
    }
}

TEST(version_2)
{
    struct gnttab_set_version set = { .version = 2 };
    struct gnttab_get_version get = { .dom = DOMID_SELF };
    struct gnttab_get_status_frames status = { .nr_frames = 1, .dom = DOMID_SELF };
    uint64_t status_frame = 0;
    grant_entry_v2_t *v2;
    volatile grant_status_t *st;
    struct gnttab_map_grant_ref map = map_op(REF_A, MAP_TARGET, GNTMAP_host_map);
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };

    REQUIRE(table);
    /* v1 has no status frames. */
    set_xen_guest_handle(status.frame_list, &status_frame);
    EXPECT_OK(gnttab(GNTTABOP_get_status_frames, &status, 1));
    EXPECT_EQ(status.status, GNTST_general_error);
    set.version = 3;
    EXPECT_ERRNO(gnttab(GNTTABOP_set_version, &set, 1), XEN_EINVAL);
    EXPECT_EQ(set.version, 1);
    /* The reserved entries survive a switch; the others are cleared. */
    grant_v1(0, GRANTED, 7, GTF_permit_access);
    set.version = 2;
    EXPECT_OK(gnttab(GNTTABOP_set_version, &set, 1));
    EXPECT_EQ(set.version, 2);
    EXPECT_OK(gnttab(GNTTABOP_get_version, &get, 1));
    EXPECT_EQ(get.version, 2);
    v2 = (grant_entry_v2_t *)TABLE_WINDOW;
    EXPECT_EQ(v2[0].full_page.hdr.flags, GTF_permit_access);
    EXPECT_EQ(v2[0].full_page.hdr.domid, 7);
    EXPECT_EQ(v2[0].full_page.frame, virt_to_mfn(GRANTED));
    EXPECT_EQ(v2[REF_A].hdr.flags, 0);

    EXPECT_OK(gnttab(GNTTABOP_get_status_frames, &status, 1));
    EXPECT_EQ(status.status, GNTST_okay);
    REQUIRE(status.status == GNTST_okay);
    EXPECT_OK(remap(STATUS_WINDOW, status_frame, RO_FLAGS));
    st = (volatile grant_status_t *)STATUS_WINDOW;

    GRANTED[3] = 0x33;
    v2[REF_A].full_page.hdr.domid = 0;
    v2[REF_A].full_page.frame = virt_to_mfn(GRANTED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    v2[REF_A].full_page.hdr.flags = GTF_permit_access;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    flush_address(MAP_TARGET);
    EXPECT_EQ(MAP_TARGET[3], 0x33);
    EXPECT_EQ(st[REF_A], GTF_reading | GTF_writing);
    EXPECT_EQ(v2[REF_A].hdr.flags, GTF_permit_access);
    /* No switching while a grant is in use. */
    set.version = 1;
    EXPECT_ERRNO(gnttab(GNTTABOP_set_version, &set, 1), XEN_EBUSY);
    EXPECT_EQ(set.version, 2);
    unmap.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(st[REF_A], 0);
    restore(MAP_TARGET);

    /* Back to v1: the status frame must not be mapped any more. */
    restore(STATUS_WINDOW);
    set.version = 1;
    EXPECT_OK(gnttab(GNTTABOP_set_version, &set, 1));
    EXPECT_EQ(set.version, 1);
    EXPECT_EQ(table[0].flags, GTF_permit_access);
    EXPECT_EQ(table[0].domid, 7);
    EXPECT_EQ(table[0].frame, virt_to_mfn(GRANTED));
    EXPECT_EQ(table[REF_A].flags, 0);
    table[0].flags = GTF_invalid;
}
