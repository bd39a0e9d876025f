/*
 * mm: the PV memory-safety rules as a guest sees them. A frame is either
 * a page table or writable, never both; page tables may only point at the
 * guest's own frames; the hypervisor's range is never mapped by a guest.
 * Also the memory_op queries of a dom0 and a reservation round trip.
 * Expected values are Xen 4.17's.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/memory.h>

const char kernel_name[] = "mm";

#define UNMAPPED_ADDR  0x1000UL
#define RW_FLAGS       (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS       (PTE_PRESENT | PTE_ACCESSED)
#define DOM0_PAGES     (64UL * 1024 * 1024 / PAGE_SIZE)

/* Scratch page roles. */
#define WINDOW   scratch_pages[0]   /* a virtual address the tests remap */
#define TARGET   scratch_pages[1]   /* an ordinary data page */
#define NEW_L1   scratch_pages[2]   /* becomes a page table for a while */
#define RELEASED scratch_pages[3]   /* handed back to the hypervisor and replaced */

/* Two names for one page: the compiler must not reorder accesses across this. */
#define ALIAS_BARRIER() asm volatile("" ::: "memory")

static unsigned long original_mfn(const void *va)
{
    return virt_to_mfn(va);
}

static long mmuext(unsigned int cmd, unsigned long arg1)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1 };
    return HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    for (unsigned int i = 0; i < SCRATCH_PAGES; i++)
        memory_set(scratch_pages[i], 0, PAGE_SIZE);
}

TEST(walk_finds_our_own_mappings)
{
    uint64_t pte = 0, maddr = 0;

    EXPECT_TRUE(l1_entry_of(TARGET, &pte, &maddr));
    EXPECT_EQ((pte & PTE_FRAME_MASK) / PAGE_SIZE, original_mfn(TARGET));
    EXPECT_EQ(pte & (PTE_PRESENT | PTE_WRITABLE), PTE_PRESENT | PTE_WRITABLE);
    /* 64-bit PV mappings all carry the user bit: the kernel runs in ring 3 too. */
    EXPECT_NE(pte & PTE_USER, 0);
}

TEST(update_va_mapping_aliases_a_page)
{
    TARGET[100] = 0x5a;
    EXPECT_OK(remap(WINDOW, original_mfn(TARGET), RW_FLAGS));
    EXPECT_EQ(WINDOW[100], 0x5a);
    WINDOW[200] = 0x33;
    ALIAS_BARRIER();
    EXPECT_EQ(TARGET[200], 0x33);
    EXPECT_OK(remap(WINDOW, original_mfn(WINDOW), RW_FLAGS));
    EXPECT_EQ(WINDOW[100], 0);
}

TEST(read_only_mapping_faults_on_write)
{
    EXPECT_OK(remap(WINDOW, original_mfn(WINDOW), RO_FLAGS));
    trap_reset();
    FAULT_PROBE("movb $1, (%0)", : : "r"(WINDOW) : "memory");
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(last_trap.cr2, (unsigned long)WINDOW);
    EXPECT_OK(remap(WINDOW, original_mfn(WINDOW), RW_FLAGS));
}

TEST(mmu_update_writes_a_pte)
{
    uint64_t maddr = 0;
    struct mmu_update req;
    unsigned int done = 0;

    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &maddr));
    req.ptr = maddr | MMU_NORMAL_PT_UPDATE;
    req.val = ((uint64_t)original_mfn(TARGET) * PAGE_SIZE) | RW_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF));
    EXPECT_EQ(done, 1);
    EXPECT_OK(mmuext(MMUEXT_INVLPG_LOCAL, (unsigned long)WINDOW));
    EXPECT_EQ(WINDOW[100], 0x5a);
    req.val = ((uint64_t)original_mfn(WINDOW) * PAGE_SIZE) | RW_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
    EXPECT_OK(mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0));
    EXPECT_EQ(WINDOW[100], 0);
}

TEST(mmu_update_on_ordinary_memory_is_a_plain_write)
{
    uint64_t *word = (uint64_t *)(TARGET + 64);
    struct mmu_update req = {
        .ptr = ((uint64_t)original_mfn(TARGET) * PAGE_SIZE + 64) | MMU_NORMAL_PT_UPDATE,
        .val = 0x1122334455667788ULL,
    };
    unsigned int done = 0;

    /* The frame is not a page table, so no validation applies: the value is stored. */
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF));
    EXPECT_EQ(done, 1);
    ALIAS_BARRIER();
    EXPECT_EQ(*word, 0x1122334455667788ULL);
}

TEST(mmu_update_refusals)
{
    uint64_t maddr = 0;
    struct mmu_update req;

    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &maddr));
    EXPECT_ERRNO(HYPERVISOR_mmu_update(UNMAPPED_ADDR, 1, 0, DOMID_SELF), XEN_EFAULT);
    /* A PTE naming one of our page tables writable. */
    req.ptr = maddr | MMU_NORMAL_PT_UPDATE;
    req.val = ((uint64_t)l1_table_mfn_of(WINDOW) * PAGE_SIZE) | RW_FLAGS;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF), XEN_EBUSY);
    /* Command 3 (no translation) is the same update for a PV guest. */
    req.ptr = maddr | MMU_PT_UPDATE_NO_TRANSLATE;
    req.val = ((uint64_t)original_mfn(WINDOW) * PAGE_SIZE) | RW_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
}

TEST(page_tables_are_never_writable)
{
    unsigned long l1 = l1_table_mfn_of(WINDOW);
    unsigned long l4 = virt_to_mfn((void *)start_info->pt_base);

    EXPECT_NE(l1, 0);
    /* Mapping a live page table writable would let the guest forge mappings. */
    EXPECT_ERRNO(remap(WINDOW, l1, RW_FLAGS), XEN_EBUSY);
    EXPECT_ERRNO(remap(WINDOW, l4, RW_FLAGS), XEN_EBUSY);
    /* Read-only is fine: guests read their page tables all the time. */
    EXPECT_OK(remap(WINDOW, l1, RO_FLAGS));
    EXPECT_OK(remap(WINDOW, original_mfn(WINDOW), RW_FLAGS));
}

TEST(the_hypervisor_range_cannot_be_mapped)
{
    EXPECT_ERRNO(HYPERVISOR_update_va_mapping(HYPERVISOR_VIRT_START + 0x200000UL,
                                              (uint64_t)original_mfn(TARGET) * PAGE_SIZE | RW_FLAGS,
                                              UVMF_INVLPG),
                 XEN_EINVAL);
}

TEST(pinning_requires_a_read_only_page)
{
    unsigned long mfn = original_mfn(NEW_L1);

    /* Still mapped writable: it cannot become a page table. */
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, mfn), XEN_EINVAL);
    EXPECT_OK(remap(NEW_L1, mfn, RO_FLAGS));
    EXPECT_OK(mmuext(MMUEXT_PIN_L1_TABLE, mfn));
    /* Pinned as a page table: no writable mapping may appear. */
    EXPECT_ERRNO(remap(WINDOW, mfn, RW_FLAGS), XEN_EBUSY);
    /* A page is one type at a time. */
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L2_TABLE, mfn), XEN_EINVAL);
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn));
    EXPECT_ERRNO(mmuext(MMUEXT_UNPIN_TABLE, mfn), XEN_EINVAL);
    EXPECT_OK(remap(NEW_L1, mfn, RW_FLAGS));
    NEW_L1[0] = 1;
    EXPECT_EQ(NEW_L1[0], 1);
    NEW_L1[0] = 0;
}

TEST(mmuext_refusals)
{
    struct mmuext_op op = { .cmd = 99 };

    /* Only a validated L4 can become the base pointer. */
    EXPECT_ERRNO(mmuext(MMUEXT_NEW_BASEPTR, original_mfn(TARGET)), XEN_EINVAL);
    EXPECT_OK(mmuext(MMUEXT_NEW_BASEPTR, virt_to_mfn((void *)start_info->pt_base)));
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF), XEN_ENOSYS);
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(UNMAPPED_ADDR, 1, 0, DOMID_SELF), XEN_EFAULT);
    EXPECT_OK(mmuext(MMUEXT_TLB_FLUSH_ALL, 0));
}

TEST(memory_op_queries)
{
    domid_t self = DOMID_SELF;
    struct xen_machphys_mapping mapping = { 0 };

    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), DOM0_PAGES);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self), DOM0_PAGES);
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mapping));
    EXPECT_EQ(mapping.v_start, MACH2PHYS_VIRT_START);
    EXPECT_TRUE(mapping.max_mfn > DOM0_PAGES);
    EXPECT_TRUE(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0) > 0);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_memory_op(99, &self), XEN_ENOSYS);
}

TEST(memory_maps)
{
    /* Each entry: 64-bit address, 64-bit size, 32-bit type (E820 layout). */
    static uint8_t entries[32][20];
    struct xen_memory_map map = { .nr_entries = 32 };

    set_xen_guest_handle(map.buffer, entries);
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map));
    testfw_note(testfw_current, "machine memory map: %u entries", map.nr_entries);
    EXPECT_TRUE(map.nr_entries >= 2);
    /* dom0 has no pseudo-physical map of its own; Linux then uses the machine one. */
    map.nr_entries = 32;
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &map), XEN_ENOSYS);
}

TEST(reservation_round_trip)
{
    domid_t self = DOMID_SELF;
    xen_pfn_t frame = original_mfn(RELEASED);
    unsigned long pfn = ((unsigned long)RELEASED - KERNEL_VIRT_BASE_ADDR) / PAGE_SIZE;
    struct xen_memory_reservation res = {
        .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(res.extent_start, &frame);
    EXPECT_OK(remap(RELEASED, 0, 0));
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 1);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), DOM0_PAGES - 1);
    /* Giving back a frame we no longer own does nothing. */
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 0);

    frame = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 1);
    EXPECT_NE(frame, 0);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), DOM0_PAGES);
    /* Record the new frame in both tables, then map it where the old one was. */
    {
        struct mmu_update m2p = {
            .ptr = ((uint64_t)frame * PAGE_SIZE) | MMU_MACHPHYS_UPDATE, .val = pfn,
        };
        EXPECT_OK(HYPERVISOR_mmu_update(&m2p, 1, 0, DOMID_SELF));
        EXPECT_EQ(mfn_to_pfn(frame), pfn);
        ((unsigned long *)start_info->mfn_list)[pfn] = frame;
    }
    EXPECT_OK(remap(RELEASED, frame, RW_FLAGS));
    RELEASED[7] = 7;
    EXPECT_EQ(RELEASED[7], 7);
    /* Beyond the maximum reservation nothing more is granted. */
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
}
