/*
 * gnttab: grant tables from the granting and the mapping side at once,
 * with dom0 granting pages to itself. Table setup and queries, mapping a
 * grant by virtual address, copying through a grant, and the per-op
 * status codes of refused operations, as Xen 4.17 reports them.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/grant_table.h>

const char kernel_name[] = "gnttab";

#define UNMAPPED_ADDR 0x1000UL
#define RW_FLAGS      (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)

#define TABLE_WINDOW scratch_pages[0]  /* where the grant table frame is mapped */
#define GRANTED      scratch_pages[1]  /* the page we grant */
#define MAP_TARGET   scratch_pages[2]  /* the address the grant gets mapped at */
#define COPY_DEST    scratch_pages[3]

#define REF_RW   GNTTAB_NR_RESERVED_ENTRIES        /* first free reference */
#define REF_RO   (GNTTAB_NR_RESERVED_ENTRIES + 1)
#define REF_NONE (GNTTAB_NR_RESERVED_ENTRIES + 2)  /* left invalid */

#define COMPILER_BARRIER() asm volatile("" ::: "memory")

static grant_entry_v1_t *table;

/*
 * The hypervisor replaces the PTE but leaves this vcpu's TLB alone, as
 * with any PTE a PV guest has Xen change for it: the guest flushes.
 */
static void flush_address(const void *va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (unsigned long)va };
    HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

static long gnttab(unsigned int cmd, void *args, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, args, count);
}

/* Without a mapped table the grant tests cannot run; say so once per test, do not fault. */
#define REQUIRE_TABLE()                   \
    do {                                  \
        EXPECT_TRUE(table != 0);          \
        if (!table)                       \
            return;                       \
    } while (0)

static void grant(grant_ref_t ref, const void *page, uint16_t flags)
{
    table[ref].domid = 0;
    table[ref].frame = (uint32_t)virt_to_mfn(page);
    /* The entry must be complete before the flags make it valid. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    table[ref].flags = flags;
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    for (unsigned int i = 0; i < SCRATCH_PAGES; i++)
        memory_set(scratch_pages[i], 0, PAGE_SIZE);
}

TEST(query_size_and_version)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    struct gnttab_get_version version = { .dom = DOMID_SELF };

    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    EXPECT_EQ(query.status, GNTST_okay);
    testfw_note(testfw_current, "grant frames %u of at most %u", query.nr_frames,
                query.max_nr_frames);
    EXPECT_TRUE(query.nr_frames >= 1);
    EXPECT_TRUE(query.max_nr_frames >= query.nr_frames);
    EXPECT_OK(gnttab(GNTTABOP_get_version, &version, 1));
    EXPECT_EQ(version.version, 1);
}

TEST(setup_table_and_map_it)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1 };

    set_xen_guest_handle(setup.frame_list, &frame);
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    EXPECT_EQ(setup.status, GNTST_okay);
    EXPECT_NE(frame, 0);
    if (setup.status != GNTST_okay || frame == 0)
        return;
    /* The frame is the hypervisor's, shared with us writable. */
    EXPECT_OK(remap(TABLE_WINDOW, frame, RW_FLAGS));
    table = (grant_entry_v1_t *)TABLE_WINDOW;
    EXPECT_EQ(table[REF_RW].flags, GTF_invalid);
}

TEST(map_a_grant_by_virtual_address)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)(unsigned long)MAP_TARGET,
        .flags = GNTMAP_host_map, .ref = REF_RW, .dom = 0,
    };
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };

    REQUIRE_TABLE();

    GRANTED[10] = 0x42;
    grant(REF_RW, GRANTED, GTF_permit_access);
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    flush_address(MAP_TARGET);
    COMPILER_BARRIER();
    EXPECT_EQ(MAP_TARGET[10], 0x42);
    MAP_TARGET[11] = 0x43;
    COMPILER_BARRIER();
    EXPECT_EQ(GRANTED[11], 0x43);
    /* While mapped writable the granter sees both in-use flags. */
    EXPECT_EQ(table[REF_RW].flags & (GTF_reading | GTF_writing), GTF_reading | GTF_writing);

    unmap.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_EQ(table[REF_RW].flags & (GTF_reading | GTF_writing), 0);
    /* The address is now unmapped. */
    trap_reset();
    FAULT_PROBE("movb (%0), %%al", : : "r"(MAP_TARGET) : "rax");
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_OK(remap(MAP_TARGET, virt_to_mfn(MAP_TARGET), RW_FLAGS));
}

TEST(read_only_grants)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)(unsigned long)MAP_TARGET,
        .flags = GNTMAP_host_map, .ref = REF_RO, .dom = 0,
    };
    struct gnttab_unmap_grant_ref unmap = { .host_addr = map.host_addr };

    REQUIRE_TABLE();

    grant(REF_RO, GRANTED, GTF_permit_access | GTF_readonly);
    /* Writable mapping of a read-only grant is refused (Xen says "general error")... */
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_general_error);
    /* ...a read-only one works. */
    map.flags = GNTMAP_host_map | GNTMAP_readonly;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_okay);
    EXPECT_EQ(table[REF_RO].flags & (GTF_reading | GTF_writing), GTF_reading);
    unmap.handle = map.handle;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_okay);
    EXPECT_OK(remap(MAP_TARGET, virt_to_mfn(MAP_TARGET), RW_FLAGS));
}

TEST(copy_through_a_grant)
{
    struct gnttab_copy copy = {
        .source = { .u.ref = REF_RW, .domid = 0, .offset = 100 },
        .dest = { .domid = DOMID_SELF, .offset = 200 },
        .len = 8, .flags = GNTCOPY_source_gref,
    };

    REQUIRE_TABLE();

    for (int i = 0; i < 8; i++)
        GRANTED[100 + i] = (char)(0x10 + i);
    copy.dest.u.gmfn = virt_to_mfn(COPY_DEST);
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_okay);
    COMPILER_BARRIER();
    EXPECT_EQ(COPY_DEST[200], 0x10);
    EXPECT_EQ(COPY_DEST[207], 0x17);
    /* A copy may not run past the end of a page. */
    copy.source.offset = PAGE_SIZE - 4;
    EXPECT_OK(gnttab(GNTTABOP_copy, &copy, 1));
    EXPECT_EQ(copy.status, GNTST_bad_copy_arg);
}

TEST(per_operation_refusals)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)(unsigned long)MAP_TARGET, .flags = GNTMAP_host_map, .dom = 0,
    };
    struct gnttab_unmap_grant_ref unmap = {
        .host_addr = (uint64_t)(unsigned long)MAP_TARGET, .handle = 12345,
    };
    struct gnttab_query_size query = { .dom = 0x7000 };

    REQUIRE_TABLE();

    map.ref = REF_NONE;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_general_error);
    map.ref = 1000000;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_bad_gntref);
    map.ref = REF_RW;
    map.dom = 0x7000;
    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &map, 1));
    EXPECT_EQ(map.status, GNTST_bad_domain);
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    EXPECT_OK(gnttab(GNTTABOP_query_size, &query, 1));
    EXPECT_EQ(query.status, GNTST_bad_domain);
}

TEST(hypercall_refusals)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };

    EXPECT_ERRNO(gnttab(99, &query, 1), XEN_ENOSYS);
    EXPECT_ERRNO(gnttab(GNTTABOP_query_size, (void *)UNMAPPED_ADDR, 1), XEN_EFAULT);
    EXPECT_ERRNO(gnttab(GNTTABOP_map_grant_ref, (void *)UNMAPPED_ADDR, 1), XEN_EFAULT);
}
