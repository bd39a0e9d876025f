/*
 * mm_attacks: what a PV guest may try against the memory rules, and must
 * be refused with Xen's exact error; plus the normal use of every MMU
 * hypercall the mm kernel does not cover (whole-tree pins, recursive
 * maps, copy/clear page, flush variants, long batches that continue).
 * Every refusal is followed by a check that nothing changed. Expected
 * values are Xen 4.17's, learned by running this kernel on it.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/memory.h>
#include <public/sysctl.h>

const char kernel_name[] = "mm_attacks";

#define RW_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS (PTE_PRESENT | PTE_ACCESSED)
#define PTE_PSE  0x080UL

/* A guest-owned L4 slot nothing else uses, for the recursive map. */
#define RECURSIVE_SLOT 400UL
#define HV_FIRST_SLOT  256UL
#define BATCH          512

#define NR_PAGES 16
static char pages[NR_PAGES][4096] __attribute__((aligned(4096)));
/* Roles (each test puts its pages back as plain RW memory). */
#define TABLE_A  pages[0]
#define TABLE_B  pages[1]
#define TABLE_C  pages[2]
#define TABLE_D  pages[3]
#define DATA     pages[4]
#define DATA2    pages[5]
#define GIVEN    pages[6]   /* handed back to the hypervisor while mapped */
#define WINDOW   pages[7]
#define SWAPPED  8          /* pages[8..11]: exchanged for contiguous memory */

static struct mmu_update batch[BATCH];

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

static long mmuext2(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2 };
    return HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

static long pt_write(uint64_t table_maddr, unsigned int index, uint64_t val)
{
    struct mmu_update req = {
        .ptr = (table_maddr + index * 8) | MMU_NORMAL_PT_UPDATE, .val = val,
    };
    return HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF);
}

static uint64_t own_l4_maddr(void)
{
    return maddr_of((void *)start_info->pt_base);
}

static const uint64_t *own_l4(void)
{
    return (const uint64_t *)start_info->pt_base;
}

/* Turns one of our pages into a page-table candidate: zeroed, then
 * entries written while it is still ordinary memory, then read-only. */
static long make_read_only(void *page)
{
    return remap(page, mfn_of(page), RO_FLAGS);
}

static long make_writable(void *page)
{
    return remap(page, mfn_of(page), RW_FLAGS);
}

static void fill(void *page, unsigned int index, uint64_t entry)
{
    ((uint64_t *)page)[index] = entry;
}

/* Whether the hypervisor counts mfn as ours: only then may we set its m2p
 * entry (rewritten with the value it has, so nothing changes). */
static int hypervisor_says_ours(unsigned long mfn)
{
    struct mmu_update req = {
        .ptr = (uint64_t)mfn * PAGE_SIZE | MMU_MACHPHYS_UPDATE, .val = mfn_to_pfn(mfn),
    };
    return HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF) == 0;
}

/* A machine frame that is not ours: RAM whose m2p entry does not lead back
 * through our p2m, and which is not a hypervisor page lent to us either
 * (shared_info). Searched from the top of RAM, where the hypervisor and
 * free memory live. */
static unsigned long foreign_frame(void)
{
    static unsigned long found;
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0);
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    if (found)
        return found;
    for (unsigned long mfn = (unsigned long)max - 1; mfn > 0x100; mfn--) {
        unsigned long pfn = mfn_to_pfn(mfn);

        if ((pfn >= start_info->nr_pages || p2m[pfn] != mfn) && !hypervisor_says_ours(mfn))
            return found = mfn;
    }
    return 0;
}

static unsigned int refcheck_pin_unpin(void *page, unsigned int level_cmd)
{
    long pin = mmuext(level_cmd, mfn_of(page));
    long unpin = mmuext(MMUEXT_UNPIN_TABLE, mfn_of(page));
    return pin == 0 && unpin == 0;
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    for (unsigned int i = 0; i < NR_PAGES; i++)
        memory_set(pages[i], 0, PAGE_SIZE);
    EXPECT_NE(foreign_frame(), 0);
}

TEST(mapping_a_frame_we_do_not_own)
{
    unsigned long foreign = foreign_frame();
    uint64_t slot = 0;

    testfw_note(testfw_current, "foreign frame %#lx", foreign);
    /* Xen's refusal of a leaf it cannot take a reference on is -EBUSY. */
    EXPECT_ERRNO(remap(WINDOW, foreign, RO_FLAGS), XEN_EBUSY);
    EXPECT_ERRNO(remap(WINDOW, foreign, RW_FLAGS), XEN_EBUSY);
    EXPECT_TRUE(l1_entry_of(WINDOW, &slot, 0));
    EXPECT_EQ((slot & PTE_FRAME_MASK) / PAGE_SIZE, mfn_of(WINDOW));
    /* Nor inside a table that is then pinned. */
    fill(TABLE_A, 3, (uint64_t)foreign * PAGE_SIZE | RO_FLAGS);
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, mfn_of(TABLE_A)), XEN_EBUSY);
    EXPECT_OK(make_writable(TABLE_A));
    fill(TABLE_A, 3, 0);
    /* Nor one level up: an L2 naming someone else's frame as its L1. */
    fill(TABLE_B, 3, (uint64_t)foreign * PAGE_SIZE | RO_FLAGS);
    EXPECT_OK(make_read_only(TABLE_B));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L2_TABLE, mfn_of(TABLE_B)), XEN_EINVAL);
    EXPECT_OK(make_writable(TABLE_B));
    fill(TABLE_B, 3, 0);
    /* Nor as a table: pinning or writing another domain's frame. */
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, foreign), XEN_EINVAL);
    EXPECT_ERRNO(pt_write((uint64_t)foreign * PAGE_SIZE, 0, 0), XEN_EINVAL);
    /* Nor beyond the end of RAM. */
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, 0xfffffffffUL), XEN_EINVAL);
}

TEST(page_table_writable_through_a_second_mapping)
{
    unsigned long l1 = l1_table_mfn_of(WINDOW);
    uint64_t window_pte = 0;

    /* A read-only alias of a live L1 is fine... */
    EXPECT_OK(remap(WINDOW, l1, RO_FLAGS));
    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &window_pte));
    /* ...but turning that alias writable by a PTE write is not. */
    {
        struct mmu_update req = {
            .ptr = window_pte | MMU_NORMAL_PT_UPDATE,
            .val = (uint64_t)l1 * PAGE_SIZE | RW_FLAGS,
        };
        EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF), XEN_EBUSY);
        req.ptr = window_pte | MMU_PT_UPDATE_PRESERVE_AD;
        EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF), XEN_EBUSY);
    }
    /* The alias shows the table as it is. */
    EXPECT_EQ(((const uint64_t *)WINDOW)[(window_pte & 0xfff) / 8] & PTE_FRAME_MASK,
              (uint64_t)l1 * PAGE_SIZE);
    EXPECT_OK(make_writable(WINDOW));
}

TEST(table_with_a_writable_entry_to_a_live_table)
{
    unsigned long l1 = l1_table_mfn_of(WINDOW);

    fill(TABLE_A, 0, (uint64_t)l1 * PAGE_SIZE | RW_FLAGS);
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, mfn_of(TABLE_A)), XEN_EBUSY);
    EXPECT_OK(make_writable(TABLE_A));
    fill(TABLE_A, 0, (uint64_t)l1 * PAGE_SIZE | RO_FLAGS);
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_TRUE(refcheck_pin_unpin(TABLE_A, MMUEXT_PIN_L1_TABLE));
    EXPECT_OK(make_writable(TABLE_A));
    fill(TABLE_A, 0, 0);
}

TEST(pinning_a_table_that_maps_itself_writable)
{
    fill(TABLE_A, 5, maddr_of(TABLE_A) | RW_FLAGS);
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L1_TABLE, mfn_of(TABLE_A)), XEN_EBUSY);
    /* Refused, so still an ordinary page: it can be writable again. */
    EXPECT_OK(make_writable(TABLE_A));
    /* Mapping itself read-only is allowed. */
    fill(TABLE_A, 5, maddr_of(TABLE_A) | RO_FLAGS);
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_TRUE(refcheck_pin_unpin(TABLE_A, MMUEXT_PIN_L1_TABLE));
    EXPECT_OK(make_writable(TABLE_A));
    fill(TABLE_A, 5, 0);
}

TEST(pinned_page_cannot_be_written_even_through_mmu_update_as_memory)
{
    EXPECT_OK(make_read_only(TABLE_A));
    EXPECT_OK(mmuext(MMUEXT_PIN_L1_TABLE, mfn_of(TABLE_A)));
    /* An L1 entry write: validated, so a foreign frame is refused. */
    EXPECT_ERRNO(pt_write(maddr_of(TABLE_A), 1, (uint64_t)foreign_frame() * PAGE_SIZE |
                                                   RO_FLAGS), XEN_EBUSY);
    EXPECT_OK(pt_write(maddr_of(TABLE_A), 1, maddr_of(DATA) | RW_FLAGS));
    EXPECT_EQ(((const uint64_t *)TABLE_A)[1] & PTE_FRAME_MASK, maddr_of(DATA));
    /* The bits the CPU ignores (52-58) are the guest's to use in a leaf. */
    EXPECT_OK(pt_write(maddr_of(TABLE_A), 2, maddr_of(DATA) | RW_FLAGS | (1UL << 52)));
    EXPECT_OK(pt_write(maddr_of(TABLE_A), 2, 0));
    EXPECT_OK(pt_write(maddr_of(TABLE_A), 1, 0));
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(TABLE_A)));
    EXPECT_OK(make_writable(TABLE_A));
}

TEST(superpages_are_refused)
{
    /* Upper-level entries may carry the ignored high bits too. */
    EXPECT_OK(make_read_only(TABLE_A));
    fill(TABLE_B, 1, maddr_of(TABLE_A) | RW_FLAGS | (1UL << 52));
    EXPECT_OK(make_read_only(TABLE_B));
    EXPECT_TRUE(refcheck_pin_unpin(TABLE_B, MMUEXT_PIN_L2_TABLE));
    EXPECT_OK(make_writable(TABLE_B));
    EXPECT_OK(make_writable(TABLE_A));
    fill(TABLE_B, 1, 0);
    fill(TABLE_B, 0, maddr_of(DATA) | RW_FLAGS | PTE_PSE);
    EXPECT_OK(make_read_only(TABLE_B));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L2_TABLE, mfn_of(TABLE_B)), XEN_EINVAL);
    EXPECT_OK(make_writable(TABLE_B));
    fill(TABLE_B, 0, 0);
}

/* L4 D -> L3 C -> L2 B -> L1 A -> DATA: pin the top, everything is typed. */
static void build_tree(void)
{
    fill(TABLE_A, 0, maddr_of(DATA) | RW_FLAGS);
    fill(TABLE_B, 0, maddr_of(TABLE_A) | RW_FLAGS);
    fill(TABLE_C, 0, maddr_of(TABLE_B) | RW_FLAGS);
    fill(TABLE_D, 0, maddr_of(TABLE_C) | RW_FLAGS);
    for (unsigned int i = 0; i < 4; i++)
        make_read_only(pages[i]);
}

static void tear_down_tree(void)
{
    for (unsigned int i = 0; i < 4; i++) {
        make_writable(pages[i]);
        memory_set(pages[i], 0, PAGE_SIZE);
    }
}

TEST(whole_tree_pin_types_every_level)
{
    build_tree();
    EXPECT_OK(mmuext(MMUEXT_PIN_L4_TABLE, mfn_of(TABLE_D)));
    /* Every table of the tree is now refused as writable... */
    for (unsigned int i = 0; i < 4; i++)
        EXPECT_ERRNO(remap(WINDOW, mfn_of(pages[i]), RW_FLAGS), XEN_EBUSY);
    /* ...and as another level. */
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L2_TABLE, mfn_of(TABLE_A)), XEN_EINVAL);
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L4_TABLE, mfn_of(TABLE_D)), XEN_EINVAL);
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(TABLE_D)));
    /* Unpinned and unreferenced: ordinary memory again. */
    EXPECT_OK(remap(WINDOW, mfn_of(TABLE_B), RW_FLAGS));
    EXPECT_OK(make_writable(WINDOW));
    tear_down_tree();
}

TEST(hypervisor_slots_of_our_l4)
{
    uint64_t hv = own_l4()[HV_FIRST_SLOT + 2];

    EXPECT_ERRNO(pt_write(own_l4_maddr(), HV_FIRST_SLOT, 0), XEN_EINVAL);
    EXPECT_ERRNO(pt_write(own_l4_maddr(), HV_FIRST_SLOT + 2, maddr_of(TABLE_C) | RW_FLAGS),
                 XEN_EINVAL);
    EXPECT_ERRNO(pt_write(own_l4_maddr(), HV_FIRST_SLOT + 15, 0), XEN_EINVAL);
    EXPECT_EQ(own_l4()[HV_FIRST_SLOT + 2], hv);
    /* The m2p window is readable, and writing it faults. */
    EXPECT_EQ(mfn_to_pfn(mfn_of(DATA)), ((unsigned long)DATA - KERNEL_VIRT_BASE_ADDR) / PAGE_SIZE);
    trap_reset();
    FAULT_PROBE("movq $0, (%0)", : : "r"(MACH2PHYS_VIRT_START + 8 * mfn_of(DATA)) : "memory");
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(mfn_to_pfn(mfn_of(DATA)), ((unsigned long)DATA - KERNEL_VIRT_BASE_ADDR) / PAGE_SIZE);
    /* The rest of the hypervisor's range is not even readable. */
    trap_reset();
    FAULT_PROBE("movq (%0), %%rax", : : "r"(0xffff830000000000UL) : "rax", "memory");
    EXPECT_EQ(last_trap.vector, 14);
}

static unsigned long recursive_va(unsigned long slot)
{
    unsigned long va = slot << 39 | slot << 30 | slot << 21 | slot << 12;
    return va | 0xffff000000000000UL;
}

TEST(recursive_map_read_only_only)
{
    const uint64_t *self = (const uint64_t *)recursive_va(RECURSIVE_SLOT);

    EXPECT_EQ(own_l4()[RECURSIVE_SLOT], 0);
    EXPECT_ERRNO(pt_write(own_l4_maddr(), RECURSIVE_SLOT, own_l4_maddr() | RW_FLAGS),
                 XEN_EINVAL);
    EXPECT_EQ(own_l4()[RECURSIVE_SLOT], 0);
    EXPECT_OK(pt_write(own_l4_maddr(), RECURSIVE_SLOT, own_l4_maddr() | RO_FLAGS));
    EXPECT_OK(mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0));
    /* Through the recursive map the L4 reads as itself... */
    EXPECT_EQ(self[511], own_l4()[511]);
    /* ...and cannot be written. */
    trap_reset();
    FAULT_PROBE("movq $0, (%0)", : : "r"(&self[RECURSIVE_SLOT - 1]) : "memory");
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_OK(pt_write(own_l4_maddr(), RECURSIVE_SLOT, 0));
    EXPECT_OK(mmuext(MMUEXT_TLB_FLUSH_ALL, 0));
}

TEST(roots_must_be_validated)
{
    unsigned long foreign = foreign_frame();

    /* A writable page is no L4. */
    EXPECT_ERRNO(mmuext(MMUEXT_NEW_USER_BASEPTR, mfn_of(DATA)), XEN_EINVAL);
    /* A read-only page whose entries name someone else's frame neither. */
    fill(TABLE_D, 0, (uint64_t)foreign * PAGE_SIZE | RO_FLAGS);
    EXPECT_OK(make_read_only(TABLE_D));
    EXPECT_ERRNO(mmuext(MMUEXT_NEW_USER_BASEPTR, mfn_of(TABLE_D)), XEN_EINVAL);
    EXPECT_ERRNO(mmuext(MMUEXT_NEW_BASEPTR, mfn_of(TABLE_D)), XEN_EINVAL);
    EXPECT_OK(make_writable(TABLE_D));
    fill(TABLE_D, 0, 0);
    /* A valid one (validated on the spot) is accepted, and 0 clears it. */
    EXPECT_OK(make_read_only(TABLE_D));
    EXPECT_OK(mmuext(MMUEXT_NEW_USER_BASEPTR, mfn_of(TABLE_D)));
    EXPECT_ERRNO(remap(WINDOW, mfn_of(TABLE_D), RW_FLAGS), XEN_EBUSY);
    EXPECT_OK(mmuext(MMUEXT_NEW_USER_BASEPTR, 0));
    EXPECT_OK(make_writable(TABLE_D));
}

TEST(unpinning_the_live_root)
{
    unsigned long l4 = mfn_of((void *)start_info->pt_base);

    /* The root keeps its own reference: unpinning does not free its type. */
    EXPECT_OK(mmuext(MMUEXT_UNPIN_TABLE, l4));
    EXPECT_ERRNO(remap(WINDOW, l4, RW_FLAGS), XEN_EBUSY);
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L3_TABLE, l4), XEN_EINVAL);
    EXPECT_OK(mmuext(MMUEXT_PIN_L4_TABLE, l4));
    EXPECT_ERRNO(mmuext(MMUEXT_PIN_L4_TABLE, l4), XEN_EINVAL);
    /* Still running on it. */
    EXPECT_OK(mmuext(MMUEXT_NEW_BASEPTR, l4));
}

TEST(giving_back_a_frame_that_is_still_mapped)
{
    domid_t self = DOMID_SELF;
    xen_pfn_t frame = mfn_of(GIVEN);
    long before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    struct xen_memory_reservation res = {
        .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
    };

    set_xen_guest_handle(res.extent_start, &frame);
    GIVEN[0] = 1;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 1);
    /* Still mapped, so not freed yet: the mapping keeps it ours. */
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    EXPECT_EQ(GIVEN[0], 1);
    /* Giving it back twice is harmless (Xen counts it as done). */
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 1);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    /* Gone once unmapped. */
    EXPECT_OK(remap(GIVEN, 0, 0));
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before - 1);
    EXPECT_ERRNO(remap(GIVEN, frame, RW_FLAGS), XEN_EBUSY);
    /* Get one back so the reservation is whole again. */
    frame = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 1);
    EXPECT_OK(remap(GIVEN, frame, RW_FLAGS));
    GIVEN[0] = 2;
    EXPECT_EQ(GIVEN[0], 2);
}

TEST(reservation_refusals)
{
    domid_t other = 1234;
    xen_pfn_t frame = 0;
    struct xen_memory_reservation res = { .nr_extents = 1, .domid = 1234 };

    set_xen_guest_handle(res.extent_start, &frame);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &other), XEN_ESRCH);
    /* The reservation calls count extents: an unknown domain gets none. */
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
    res.domid = DOMID_SELF;
    set_xen_guest_handle(res.extent_start, (xen_pfn_t *)0x1000);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 0);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, 0x1000), 0);
}

TEST(copy_and_clear_page)
{
    DATA[10] = 0x77;
    EXPECT_OK(mmuext2(MMUEXT_COPY_PAGE, mfn_of(DATA2), mfn_of(DATA)));
    EXPECT_EQ(DATA2[10], 0x77);
    EXPECT_OK(mmuext(MMUEXT_CLEAR_PAGE, mfn_of(DATA2)));
    EXPECT_EQ(DATA2[10], 0);
    /* Never into a page table, never from someone else's frame. */
    EXPECT_ERRNO(mmuext(MMUEXT_CLEAR_PAGE, l1_table_mfn_of(WINDOW)), XEN_EINVAL);
    EXPECT_ERRNO(mmuext2(MMUEXT_COPY_PAGE, l1_table_mfn_of(WINDOW), mfn_of(DATA)), XEN_EINVAL);
    EXPECT_ERRNO(mmuext2(MMUEXT_COPY_PAGE, mfn_of(DATA2), foreign_frame()), XEN_EINVAL);
    EXPECT_ERRNO(mmuext(MMUEXT_CLEAR_PAGE, foreign_frame()), XEN_EINVAL);
}

TEST(flush_variants)
{
    unsigned long mask = 1;
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

    set_xen_guest_handle(op.arg2.vcpumask, &mask);
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
    op.cmd = MMUEXT_INVLPG_MULTI;
    op.arg1.linear_addr = (unsigned long)DATA;
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
    EXPECT_OK(mmuext(MMUEXT_INVLPG_ALL, (unsigned long)DATA));
    EXPECT_OK(mmuext(MMUEXT_INVLPG_LOCAL, (unsigned long)DATA));
    set_xen_guest_handle(op.arg2.vcpumask, (void *)0x1000);
    op.cmd = MMUEXT_TLB_FLUSH_MULTI;
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF), XEN_EINVAL);
    /* update_va_mapping with a vCPU mask pointer. */
    EXPECT_OK(HYPERVISOR_update_va_mapping((unsigned long)WINDOW, maddr_of(WINDOW) | RW_FLAGS,
                                           UVMF_INVLPG | (unsigned long)&mask));
    EXPECT_ERRNO(HYPERVISOR_update_va_mapping((unsigned long)WINDOW,
                                              maddr_of(WINDOW) | RW_FLAGS,
                                              UVMF_TLB_FLUSH | 0x1000UL), XEN_EFAULT);
    EXPECT_OK(HYPERVISOR_update_va_mapping((unsigned long)WINDOW, maddr_of(WINDOW) | RW_FLAGS,
                                           UVMF_TLB_FLUSH | UVMF_ALL));
}

TEST(mmuext_argument_refusals)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = 0x1234 };
    unsigned int done = 99;

    op.arg2.nr_ents = 1;
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), XEN_EINVAL);
    EXPECT_EQ(done, 0);
    op.arg1.linear_addr = (unsigned long)DATA;
    op.arg2.nr_ents = 9000;
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF), XEN_EINVAL);
    op.arg2.nr_ents = 0;
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
    EXPECT_ERRNO(mmuext(MMUEXT_UNPIN_TABLE, mfn_of(DATA)), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, 0, 1234), XEN_ESRCH);
    EXPECT_ERRNO(mmuext(MMUEXT_MARK_SUPER, mfn_of(DATA)), XEN_EOPNOTSUPP);
    EXPECT_ERRNO(mmuext(MMUEXT_UNMARK_SUPER, mfn_of(DATA)), XEN_EOPNOTSUPP);
    EXPECT_ERRNO(mmuext(14, 0), XEN_ENOSYS);
}

TEST(mmu_update_argument_refusals)
{
    struct mmu_update req = { .ptr = maddr_of(DATA) | 7, .val = 0 };
    unsigned int done = 99;

    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF), XEN_ENOSYS);
    EXPECT_EQ(done, 0);
    req.ptr = maddr_of(DATA) | MMU_NORMAL_PT_UPDATE;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, 1234), XEN_ESRCH);
    /* An m2p entry for a frame that is not ours. */
    req.ptr = (uint64_t)foreign_frame() * PAGE_SIZE | MMU_MACHPHYS_UPDATE;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF), XEN_EINVAL);
    /* Nothing to do is success. */
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 0, &done, DOMID_SELF));
    EXPECT_EQ(done, 0);
}

TEST(long_batches_complete)
{
    uint64_t maddr = 0;
    unsigned int done = 0;

    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &maddr));
    /* 512 PTE writes, alternating two frames: all done, in order. */
    for (unsigned int i = 0; i < BATCH; i++) {
        batch[i].ptr = maddr | MMU_NORMAL_PT_UPDATE;
        batch[i].val = maddr_of(i % 2 ? WINDOW : DATA) | RW_FLAGS;
    }
    EXPECT_OK(HYPERVISOR_mmu_update(batch, BATCH, &done, DOMID_SELF));
    EXPECT_EQ(done, BATCH);
    EXPECT_OK(mmuext(MMUEXT_INVLPG_LOCAL, (unsigned long)WINDOW));
    WINDOW[1] = 0x42;
    EXPECT_EQ(WINDOW[1], 0x42);
    /* A failure in the middle stops there and says how far it got. */
    batch[300].val = (uint64_t)foreign_frame() * PAGE_SIZE | RW_FLAGS;
    done = 0;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(batch, BATCH, &done, DOMID_SELF), XEN_EBUSY);
    EXPECT_EQ(done, 300);
    EXPECT_OK(make_writable(WINDOW));
}

static long exchange(xen_pfn_t *in, unsigned long in_n, unsigned int in_order,
                     xen_pfn_t *out, unsigned long out_n, unsigned int out_order,
                     unsigned int address_bits, unsigned long *exchanged)
{
    struct xen_memory_exchange x = {
        .in = { .nr_extents = in_n, .extent_order = in_order, .domid = DOMID_SELF },
        .out = { .nr_extents = out_n, .extent_order = out_order,
                 .mem_flags = XENMEMF_address_bits(address_bits), .domid = DOMID_SELF },
    };
    long rc;

    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    rc = HYPERVISOR_memory_op(XENMEM_exchange, &x);
    *exchanged = x.nr_exchanged;
    return rc;
}

static unsigned long pfn_of(const void *va)
{
    return ((unsigned long)va - KERNEL_VIRT_BASE_ADDR) / PAGE_SIZE;
}

/* Maps frames first.. at pages[SWAPPED..] and records them in both tables. */
static long map_swapped(unsigned long first, unsigned int n)
{
    unsigned long *p2m = (unsigned long *)start_info->mfn_list;
    long rc = 0;

    for (unsigned int i = 0; i < n; i++) {
        p2m[pfn_of(pages[SWAPPED + i])] = first + i;
        rc |= remap(pages[SWAPPED + i], first + i, RW_FLAGS);
    }
    return rc;
}

TEST(exchange_for_contiguous_memory)
{
    xen_pfn_t in[4], out[4];
    unsigned long exchanged = 0, old[4];
    domid_t self = DOMID_SELF;
    long before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);

    for (unsigned int i = 0; i < 4; i++)
        in[i] = old[i] = mfn_of(pages[SWAPPED + i]);
    out[0] = pfn_of(pages[SWAPPED]);
    /* Still mapped: not given up. */
    EXPECT_ERRNO(exchange(in, 4, 0, out, 1, 2, 32, &exchanged), XEN_EINVAL);
    EXPECT_EQ(exchanged, 0);
    /* Sizes that do not match. */
    EXPECT_ERRNO(exchange(in, 4, 0, out, 1, 1, 32, &exchanged), XEN_EINVAL);
    for (unsigned int i = 0; i < 4; i++)
        EXPECT_OK(remap(pages[SWAPPED + i], 0, 0));
    EXPECT_OK(exchange(in, 4, 0, out, 1, 2, 32, &exchanged));
    EXPECT_EQ(exchanged, 4);
    testfw_note(testfw_current, "contiguous extent at mfn %#lx", (unsigned long)out[0]);
    EXPECT_EQ(out[0] % 4, 0);
    EXPECT_TRUE(out[0] + 4 <= (1UL << 20));
    EXPECT_EQ(mfn_to_pfn(out[0] + 3), pfn_of(pages[SWAPPED]) + 3);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    /* The old frames are gone, the new ones are ours. */
    EXPECT_ERRNO(remap(WINDOW, old[0], RW_FLAGS), XEN_EBUSY);
    EXPECT_OK(map_swapped(out[0], 4));
    pages[SWAPPED + 3][5] = 9;
    EXPECT_EQ(pages[SWAPPED + 3][5], 9);

    /* And back to single frames. */
    for (unsigned int i = 0; i < 4; i++)
        EXPECT_OK(remap(pages[SWAPPED + i], 0, 0));
    in[0] = out[0];
    for (unsigned int i = 0; i < 4; i++)
        out[i] = pfn_of(pages[SWAPPED + i]);
    EXPECT_OK(exchange(in, 1, 2, out, 4, 0, 0, &exchanged));
    EXPECT_EQ(exchanged, 1);
    for (unsigned int i = 0; i < 4; i++) {
        ((unsigned long *)start_info->mfn_list)[pfn_of(pages[SWAPPED + i])] = out[i];
        EXPECT_OK(remap(pages[SWAPPED + i], out[i], RW_FLAGS));
    }
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
}

TEST(update_va_mapping_for_another_domain)
{
    unsigned long va = (unsigned long)WINDOW;
    uint64_t pte = maddr_of(DATA) | RW_FLAGS;

    /* Naming ourselves: the same as update_va_mapping. */
    EXPECT_OK(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, UVMF_INVLPG,
                         DOMID_SELF));
    DATA[20] = 0x21;
    asm volatile("" ::: "memory");  /* two names for one page */
    EXPECT_EQ(WINDOW[20], 0x21);
    EXPECT_OK(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va,
                         maddr_of(WINDOW) | RW_FLAGS, UVMF_INVLPG, DOMID_SELF));
    /* Our own id given as the other domain is refused (Xen's rule for every
     * foreign-domain argument of the MMU calls). */
    EXPECT_ERRNO(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va,
                            maddr_of(WINDOW) | RW_FLAGS, UVMF_INVLPG, 0), XEN_ESRCH);
    {
        struct mmu_update req = { .ptr = maddr_of(DATA) | MMU_NORMAL_PT_UPDATE, .val = 0 };
        struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

        EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, 0), XEN_ESRCH);
        EXPECT_ERRNO(HYPERVISOR_mmuext_op(&op, 1, 0, 0), XEN_ESRCH);
    }
    /* A domain that does not exist. */
    EXPECT_ERRNO(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, UVMF_INVLPG,
                            1234), XEN_ESRCH);
    EXPECT_OK(make_writable(WINDOW));
}

/* Large enough for the hypervisor to stop part way and continue. */
#define MANY 300
static xen_pfn_t many[MANY];

TEST(reservation_batches_that_continue)
{
    unsigned long *p2m = (unsigned long *)start_info->mfn_list;
    unsigned long top = start_info->nr_pages - 1;
    domid_t self = DOMID_SELF;
    long before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    struct xen_memory_reservation res = { .nr_extents = MANY, .domid = DOMID_SELF };
    uint64_t pte = 0;
    unsigned int mapped = 0, empty = 0;

    /* The top of our pseudo-physical space lies beyond the boot mapping. */
    for (unsigned int i = 0; i < MANY; i++) {
        many[i] = p2m[top - i];
        mapped += l1_entry_of(pfn_to_virt(top - i), &pte, 0) && (pte & PTE_PRESENT);
    }
    EXPECT_EQ(mapped, 0);
    set_xen_guest_handle(res.extent_start, many);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), MANY);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before - MANY);
    for (unsigned int i = 0; i < MANY; i++)
        many[i] = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), MANY);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    for (unsigned int i = 0; i < MANY; i++) {
        empty += many[i] == 0;
        p2m[top - i] = many[i];
    }
    EXPECT_EQ(empty, 0);
    /* Nothing beyond the maximum. */
    res.nr_extents = 1;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
}

static long claim(domid_t domid, unsigned long pages)
{
    struct xen_memory_reservation r = { .nr_extents = pages, .domid = domid };
    return HYPERVISOR_memory_op(XENMEM_claim_pages, &r);
}

/* physinfo's count of claimed frames not yet allocated (all domains). */
static long outstanding_pages(void)
{
    static struct xen_sysctl sysctl;
    long rc;

    memory_set(&sysctl, 0, sizeof(sysctl));
    sysctl.cmd = XEN_SYSCTL_physinfo;
    sysctl.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    rc = hypercall1(__HYPERVISOR_sysctl, &sysctl);
    return rc ? rc : (long)sysctl.u.physinfo.outstanding_pages;
}

#define CLAIM_ROOM 8
static xen_pfn_t claim_room[CLAIM_ROOM];

/* n of the CLAIM_ROOM top pfns, from first: given back or filled again. */
static long top_pages(int cmd, unsigned int first, unsigned int n)
{
    unsigned long *p2m = (unsigned long *)start_info->mfn_list;
    unsigned long top = start_info->nr_pages - 1;
    struct xen_memory_reservation r = { .nr_extents = n, .domid = DOMID_SELF };
    long rc;

    for (unsigned int i = first; i < first + n; i++)
        claim_room[i] = cmd == XENMEM_decrease_reservation ? p2m[top - i] : 0;
    set_xen_guest_handle(r.extent_start, claim_room + first);
    rc = HYPERVISOR_memory_op(cmd, &r);
    for (unsigned int i = first; cmd != XENMEM_decrease_reservation && i < first + n; i++)
        p2m[top - i] = claim_room[i];
    return rc;
}

TEST(claim_pages_sets_frames_aside)
{
    domid_t self = DOMID_SELF;
    long tot, max;
    struct xen_memory_reservation bad = { .nr_extents = 1, .domid = 0 };

    EXPECT_EQ(top_pages(XENMEM_decrease_reservation, 0, CLAIM_ROOM), CLAIM_ROOM);
    tot = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    testfw_note(testfw_current, "tot_pages %ld, max_pages %ld", tot, max);
    EXPECT_EQ(outstanding_pages(), 0);
    /* A claim must be above what the domain has, and within its maximum. */
    EXPECT_ERRNO(claim(0, (unsigned long)tot), XEN_EINVAL);
    EXPECT_ERRNO(claim(0, (unsigned long)max + 1), XEN_EINVAL);
    /* A start extent (cmd bits 6 and up) has no meaning here. */
    /* By domain id only; and the reservation's other fields must be zero. */
    EXPECT_ERRNO(claim(DOMID_SELF, (unsigned long)tot + 6), XEN_EINVAL);
    EXPECT_ERRNO(claim(1234, (unsigned long)tot + 6), XEN_EINVAL);
    bad.extent_order = 1;
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, &bad), XEN_EINVAL);
    bad.extent_order = 0;
    bad.mem_flags = 1;
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, &bad), XEN_EINVAL);
    bad.mem_flags = 0;
    set_xen_guest_handle(bad.extent_start, claim_room);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, &bad), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages, (void *)8), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_claim_pages | (1UL << 6),
                                      &bad), XEN_EINVAL);
    EXPECT_EQ(outstanding_pages(), 0);

    /* Six frames claimed; allocations use the claim up. */
    EXPECT_OK(claim(0, (unsigned long)tot + 6));
    EXPECT_EQ(outstanding_pages(), 6);
    EXPECT_ERRNO(claim(0, (unsigned long)tot + 7), XEN_EINVAL);     /* one at a time */
    EXPECT_EQ(top_pages(XENMEM_increase_reservation, 0, 2), 2);
    EXPECT_EQ(outstanding_pages(), 4);
    /* Zero cancels what is left, and always succeeds. */
    EXPECT_OK(claim(0, 0));
    EXPECT_EQ(outstanding_pages(), 0);
    EXPECT_OK(claim(0, 0));
    EXPECT_EQ(top_pages(XENMEM_increase_reservation, 2, CLAIM_ROOM - 2), CLAIM_ROOM - 2);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), tot + CLAIM_ROOM);
    /* What the domain has counts towards a claim made late. */
    EXPECT_ERRNO(claim(0, (unsigned long)tot + CLAIM_ROOM), XEN_EINVAL);
    EXPECT_EQ(outstanding_pages(), 0);
}

TEST(preserve_ad_keeps_the_cpus_bits)
{
    uint64_t maddr = 0, pte = 0;
    struct mmu_update req;

    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &maddr));
    /* Accessed and dirty set, as the CPU would after a write. */
    req.ptr = maddr | MMU_NORMAL_PT_UPDATE;
    req.val = maddr_of(WINDOW) | RW_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
    /* A plain update may clear them... */
    req.val = maddr_of(WINDOW) | PTE_PRESENT | PTE_WRITABLE;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
    EXPECT_TRUE(l1_entry_of(WINDOW, &pte, 0));
    EXPECT_EQ(pte & (PTE_ACCESSED | PTE_DIRTY), 0);
    /* ...PRESERVE_AD keeps what is there. */
    req.val = maddr_of(WINDOW) | RW_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
    req.ptr = maddr | MMU_PT_UPDATE_PRESERVE_AD;
    req.val = maddr_of(WINDOW) | PTE_PRESENT | PTE_WRITABLE;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_SELF));
    EXPECT_TRUE(l1_entry_of(WINDOW, &pte, 0));
    EXPECT_EQ(pte & (PTE_ACCESSED | PTE_DIRTY), PTE_ACCESSED | PTE_DIRTY);
    EXPECT_OK(make_writable(WINDOW));
}

/* Xen's limit on a domain's pseudo-physical memory map (E820MAX). */
#define E820_MAX_ENTRIES 1024
#define E820_RAM         1
#define E820_RESERVED    2
#define M2P_ENTRIES_PER_2M (2UL * 1024 * 1024 / 8)
#define NOT_MAPPED       ((void *)0x1000UL)

static uint8_t e820_in[3][20], e820_out[8][20];

static int bytes_differ(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;

    for (size_t i = 0; i < len; i++)
        if (x[i] != y[i])
            return 1;
    return 0;
}

static void e820_put(uint8_t *e, uint64_t addr, uint64_t size, uint32_t type)
{
    memcpy(e, &addr, 8);
    memcpy(e + 8, &size, 8);
    memcpy(e + 16, &type, 4);
}

TEST(pseudo_physical_memory_map)
{
    struct xen_foreign_memory_map set = { .domid = DOMID_SELF };
    struct xen_memory_map get = { .nr_entries = 8 };

    e820_put(e820_in[0], 0, 0x9f000, E820_RAM);
    e820_put(e820_in[1], 0x9f000, 0x61000, E820_RESERVED);
    e820_put(e820_in[2], 0x100000, 0x3f00000, E820_RAM);
    set_xen_guest_handle(get.buffer, e820_out);
    /* dom0 starts without one. */
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &get), XEN_ENOSYS);
    /* The toolstack's call: refusals first. */
    set.map.nr_entries = E820_MAX_ENTRIES + 1;
    set_xen_guest_handle(set.map.buffer, e820_in);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, &set), XEN_EINVAL);
    set.map.nr_entries = E820_MAX_ENTRIES;
    set_xen_guest_handle(set.map.buffer, NOT_MAPPED);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, &set), XEN_EFAULT);
    set.domid = 1234;
    set.map.nr_entries = 3;
    set_xen_guest_handle(set.map.buffer, e820_in);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, &set), XEN_ESRCH);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_set_memory_map, NOT_MAPPED), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &get), XEN_ENOSYS);
    /* Set, then read back whole and cut short. */
    set.domid = DOMID_SELF;
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_set_memory_map, &set));
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &get));
    EXPECT_EQ(get.nr_entries, 3);
    EXPECT_EQ(bytes_differ(e820_out, e820_in, sizeof(e820_in)), 0);
    memory_set(e820_out, 0, sizeof(e820_out));
    get.nr_entries = 1;
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &get));
    EXPECT_EQ(get.nr_entries, 1);
    EXPECT_EQ(bytes_differ(e820_out[0], e820_in[0], 20), 0);
    EXPECT_EQ(e820_out[1][8], 0);
    get.nr_entries = 8;
    set_xen_guest_handle(get.buffer, NOT_MAPPED);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &get), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, NOT_MAPPED), XEN_EFAULT);
    /* An empty map is no map. */
    set.map.nr_entries = 0;
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_set_memory_map, &set));
    set_xen_guest_handle(get.buffer, e820_out);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_memory_map, &get), XEN_ENOSYS);
}

static xen_pfn_t m2p_frames[64];

TEST(machphys_mfn_list_and_maximum_gpfn)
{
    long max_page = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0);
    unsigned long chunks = ((unsigned long)max_page + M2P_ENTRIES_PER_2M - 1) / M2P_ENTRIES_PER_2M;
    struct xen_machphys_mfn_list list = { .max_extents = 64 };
    shared_info_t *si = shared_info_map();
    domid_t self = DOMID_SELF, nobody = 1234;
    unsigned int zero = 0;

    set_xen_guest_handle(list.extent_start, m2p_frames);
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &list));
    testfw_note(testfw_current, "max_page %ld: %u M2P chunks, first at mfn %#lx", max_page,
                list.nr_extents, (unsigned long)m2p_frames[0]);
    EXPECT_EQ(list.nr_extents, chunks);
    for (unsigned int i = 0; i < list.nr_extents; i++)
        zero += m2p_frames[i] == 0;
    EXPECT_EQ(zero, 0);
    list.max_extents = 0;
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &list));
    EXPECT_EQ(list.nr_extents, 0);
    list.max_extents = 64;
    set_xen_guest_handle(list.extent_start, NOT_MAPPED);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &list), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, NOT_MAPPED), XEN_EFAULT);

    /* A PV guest's highest pfn is what it writes in shared_info (as a count). */
    si->arch.max_pfn = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self), 0);
    si->arch.max_pfn = start_info->nr_pages;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self), (long)start_info->nr_pages - 1);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &nobody), XEN_ESRCH);
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, NOT_MAPPED), XEN_EFAULT);
}

/* What libxc's xc_map_m2p does: map the M2P's frames, named by
 * XENMEM_machphys_mfn_list, read-only with DOMID_XEN as their owner. */
TEST(m2p_frames_map_read_only_as_domid_xen)
{
    const uint64_t *seen = (const uint64_t *)WINDOW;
    const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
    uint64_t maddr = 0;
    struct mmu_update req;
    unsigned int differ = 0;

    EXPECT_TRUE(m2p_frames[0] != 0);    /* from the test above */
    EXPECT_TRUE(l1_entry_of(WINDOW, 0, &maddr));
    req.ptr = maddr | MMU_NORMAL_PT_UPDATE;
    req.val = (uint64_t)m2p_frames[0] * PAGE_SIZE | RO_FLAGS;
    EXPECT_OK(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_XEN));
    EXPECT_OK(mmuext(MMUEXT_INVLPG_LOCAL, (unsigned long)WINDOW));
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        differ += seen[i] != m2p[i];
    EXPECT_EQ(differ, 0);
    /* Never writable, and DOMID_XEN names no frame of a domain. */
    req.val = (uint64_t)m2p_frames[0] * PAGE_SIZE | RW_FLAGS;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_XEN), XEN_EBUSY);
    req.val = maddr_of(DATA) | RO_FLAGS;
    EXPECT_ERRNO(HYPERVISOR_mmu_update(&req, 1, 0, DOMID_XEN), XEN_EBUSY);
    /* The same through update_va_mapping_otherdomain. */
    EXPECT_OK(make_writable(WINDOW));
    EXPECT_OK(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, (unsigned long)WINDOW,
              (uint64_t)m2p_frames[0] * PAGE_SIZE | RO_FLAGS, UVMF_INVLPG, DOMID_XEN));
    EXPECT_EQ(seen[1], m2p[1]);
    EXPECT_ERRNO(hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, (unsigned long)WINDOW,
                 (uint64_t)m2p_frames[0] * PAGE_SIZE | RW_FLAGS, UVMF_INVLPG, DOMID_XEN),
                 XEN_EBUSY);
    EXPECT_OK(make_writable(WINDOW));
}

/*
 * Extents larger than a page: machine-contiguous and aligned to their
 * size, charged whole against max_pages, refused past the caller's order
 * limit; a call stops at the first extent it cannot give and says how many
 * it gave. Room is made by giving back the top of our pseudo-physical
 * space (not mapped by the boot tables), which is populated again after.
 */
#define BIG_ORDER 9
#define BIG_PAGES (1UL << BIG_ORDER)
static xen_pfn_t room[BIG_PAGES];

TEST(extents_larger_than_a_page)
{
    unsigned long *p2m = (unsigned long *)start_info->mfn_list;
    unsigned long first = start_info->nr_pages - BIG_PAGES;
    domid_t self = DOMID_SELF;
    long before = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    struct xen_memory_reservation res = { .nr_extents = BIG_PAGES, .domid = DOMID_SELF };
    xen_pfn_t extent[2] = { 0, 0 };
    unsigned int misplaced = 0;

    for (unsigned long i = 0; i < BIG_PAGES; i++)
        room[i] = p2m[first + i];
    set_xen_guest_handle(res.extent_start, room);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), BIG_PAGES);

    /* One order-9 extent fits exactly; a second one would pass max_pages. */
    res.nr_extents = 2;
    res.extent_order = BIG_ORDER;
    set_xen_guest_handle(res.extent_start, extent);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 1);
    EXPECT_NE(extent[0], 0);
    EXPECT_EQ(extent[0] % BIG_PAGES, 0);
    EXPECT_EQ(extent[1], 0);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    res.nr_extents = 1;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &res), 1);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before - (long)BIG_PAGES);

    /* Larger than the room left, or than any caller may ask for. */
    res.extent_order = BIG_ORDER + 1;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
    res.extent_order = 13;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &res), 0);
    /* Contiguous below 1 MiB: there is no such room. */
    res.extent_order = BIG_ORDER;
    res.mem_flags = XENMEMF_address_bits(20);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
    res.mem_flags = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before - (long)BIG_PAGES);

    /* populate_physmap: the extent names the first pfn, the M2P learns all. */
    extent[0] = first;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &res), 1);
    EXPECT_EQ(extent[0] % BIG_PAGES, 0);
    for (unsigned long i = 0; i < BIG_PAGES; i++) {
        misplaced += mfn_to_pfn(extent[0] + i) != first + i;
        p2m[first + i] = extent[0] + i;
    }
    EXPECT_EQ(misplaced, 0);
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), before);
    /* Full again: nothing more. */
    res.extent_order = 0;
    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &res), 0);
}
