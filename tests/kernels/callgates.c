/*
 * callgates: 64-bit call gates in a PV guest's GDT and LDT, as Xen 4.17
 * keeps them. set_gdt, update_descriptor and the LDT take a call gate
 * whose target is the guest's own (a guest GDT entry, the LDT, or the
 * flat kernel CS) and nothing else of the system kind but type 0 (a
 * gate's upper half). The gate is stored with DPL 0 and the guest's DPL
 * (raised to 3) in the target selector's RPL, in the guest's own page, so
 * every far call or jump through it faults: a 64-bit guest gets that #GP
 * as it is, with the gate's selector as error code (Xen emulates gates for
 * 32-bit guests only).
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>

const char kernel_name[] = "callgates";

#define CODE64_DPL3      0x00affb000000ffffULL
#define TYPE0_PRESENT    0x0000800000000000ULL
#define SYS_TYPE_SHIFT   40
#define GATE_DPL_MASK    (3ULL << 45)

#define GATE_CALL        0xcULL
#define GATE_INTERRUPT   0xeULL
#define GATE_TRAP        0xfULL
#define SYS_LDT          0x2ULL
#define SYS_TSS          0x9ULL
#define SYS_OLD_CALL     0x4ULL       /* a 16-bit call gate: none in long mode */

/* GDT: 1-2 a gate to the flat kernel CS, 3 code, 4-5 a gate to entry 3. */
#define GDT_ENTRIES      16
#define SEL_GATE_FLAT    0x0b
#define SEL_CODE         0x1b
#define SEL_GATE_CODE    0x23
/* LDT: 0-1 a gate. */
#define SEL_LDT_GATE     0x07

#define gdt_page    ((uint64_t *)scratch_pages[0])
#define ldt_page    ((uint64_t *)scratch_pages[1])
#define loose_page  ((uint64_t *)scratch_pages[2])
#define bad_page    ((uint64_t *)scratch_pages[3])

/* Never reached: every use of a gate faults first. */
extern char gate_target[];
asm(".text\n"
    "gate_target:\n"
    "    ud2\n");

static uint64_t system_descriptor(uint64_t type, uint16_t sel, unsigned dpl, uint64_t target)
{
    return (target & 0xffff) | ((uint64_t)sel << 16) | (type << SYS_TYPE_SHIFT) |
           ((uint64_t)dpl << 45) | (1ULL << 47) | (((target >> 16) & 0xffff) << 48);
}

static uint64_t gate(uint16_t sel, unsigned dpl)
{
    return system_descriptor(GATE_CALL, sel, dpl, (unsigned long)gate_target);
}

static uint64_t gate_upper(void)
{
    return (unsigned long)gate_target >> 32;
}

/* What Xen keeps of gate(sel, any dpl): DPL 0, RPL 3 in the target selector. */
static uint64_t gate_as_stored(uint16_t sel)
{
    return gate(sel | 3, 0) & ~GATE_DPL_MASK;
}

static long make_descriptor_page(uint64_t *page, const uint64_t *descs, unsigned n)
{
    memory_set(page, 0, PAGE_SIZE);
    for (unsigned i = 0; i < n; i++)
        page[i] = descs[i];
    return remap(page, virt_to_mfn(page), PTE_PRESENT | PTE_ACCESSED);
}

static struct {
    uint64_t offset;
    uint16_t selector;
} __attribute__((packed)) far_pointer;

static void far_call(uint16_t sel)
{
    far_pointer.offset = (unsigned long)gate_target;
    far_pointer.selector = sel;
    trap_reset();
    FAULT_PROBE("rex64 lcall *%0", : : "m"(far_pointer) : "memory");
}

static void far_jump(uint16_t sel)
{
    far_pointer.offset = (unsigned long)gate_target;
    far_pointer.selector = sel;
    trap_reset();
    FAULT_PROBE("rex64 ljmp *%0", : : "m"(far_pointer) : "memory");
}

TEST(set_gdt_takes_gates_and_stores_them_with_dpl_0)
{
    const uint64_t gdt[] = { 0, gate(0xe033, 3), gate_upper(), CODE64_DPL3,
                             gate(SEL_CODE & ~3, 0), gate_upper() };
    unsigned long mfn;

    EXPECT_OK(traps_install());
    EXPECT_OK(make_descriptor_page(gdt_page, gdt, 6));
    mfn = virt_to_mfn(gdt_page);
    EXPECT_OK(HYPERVISOR_set_gdt(&mfn, GDT_ENTRIES));
    EXPECT_EQ(gdt_page[1], gate_as_stored(0xe033));
    EXPECT_EQ(gdt_page[2], gate_upper());
    EXPECT_EQ(gdt_page[4], gate_as_stored(SEL_CODE));
    EXPECT_EQ(gdt_page[5], gate_upper());
}

TEST(far_call_through_a_gdt_gate_is_a_gp_with_its_selector)
{
    far_call(SEL_GATE_FLAT);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_GATE_FLAT & ~3UL);
    /* The RPL asked for does not matter; nor does call or jump. */
    far_call(SEL_GATE_CODE & ~3);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_GATE_CODE & ~3UL);
    far_jump(SEL_GATE_CODE);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_GATE_CODE & ~3UL);
}

TEST(update_descriptor_takes_gates_to_the_guests_own_code)
{
    unsigned long maddr = virt_to_mfn(loose_page) * PAGE_SIZE;

    memory_set(loose_page, 0, PAGE_SIZE);
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr, gate(0xe033, 3)));
    EXPECT_EQ(loose_page[0], gate_as_stored(0xe033));
    /* The LDT is the guest's: any LDT selector will do. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 8, gate(0x0c, 0)));
    EXPECT_EQ(loose_page[1], gate_as_stored(0x0c));
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 16, gate(0xdff8, 3)));
    EXPECT_EQ(loose_page[2], gate_as_stored(0xdff8));
    /* Type 0 is harmless (a gate's upper half) and stays as it is. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 24, TYPE0_PRESENT | 0x1234));
    EXPECT_EQ(loose_page[3], TYPE0_PRESENT | 0x1234);
    /* Not present: never loaded, so not checked. */
    EXPECT_OK(HYPERVISOR_update_descriptor(maddr + 32, gate(0xe008, 0) & ~(1ULL << 47)));
    EXPECT_EQ(loose_page[4], gate(0xe008, 0) & ~(1ULL << 47));
}

TEST(update_descriptor_refuses_other_gates_and_targets)
{
    unsigned long maddr = virt_to_mfn(loose_page) * PAGE_SIZE + 40;
    const uint64_t refused[] = {
        gate(0xe008, 3),                /* the hypervisor's own code */
        gate(0xe023, 3),                /* flat 32-bit user code: not the kernel CS */
        gate(0xe030, 3),                /* the kernel CS, but with RPL 0 */
        gate(0xe02b, 3),                /* flat data */
        gate(0xe033, 3) | (1ULL << 32), /* a parameter count */
        gate(0xe033, 3) | (1ULL << 37), /* reserved bits */
        system_descriptor(GATE_INTERRUPT, 0xe033, 3, 0),
        system_descriptor(GATE_TRAP, 0xe033, 3, 0),
        system_descriptor(SYS_OLD_CALL, 0xe033, 3, 0),
        system_descriptor(SYS_LDT, 0, 3, 0),
        system_descriptor(SYS_TSS, 0, 3, 0),
    };

    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        loose_page[5] = 0x5a5a;
        EXPECT_ERRNO(HYPERVISOR_update_descriptor(maddr, refused[i]), XEN_EINVAL);
        EXPECT_EQ(loose_page[5], 0x5a5a);
    }
}

TEST(set_gdt_refuses_a_page_with_a_bad_gate)
{
    const uint64_t gdt[] = { 0, gate(0xe008, 3), gate_upper() };
    unsigned long mfn = virt_to_mfn(bad_page);

    EXPECT_OK(make_descriptor_page(bad_page, gdt, 3));
    EXPECT_ERRNO(HYPERVISOR_set_gdt(&mfn, GDT_ENTRIES), XEN_EINVAL);
    /* The GDT in use is still the good one. */
    far_call(SEL_GATE_FLAT);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_GATE_FLAT & ~3UL);
}

TEST(far_call_through_an_ldt_gate_is_a_gp_with_its_selector)
{
    const uint64_t ldt[] = { gate(0xe033, 3), gate_upper() };
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    EXPECT_OK(make_descriptor_page(ldt_page, ldt, 2));
    op.arg1.linear_addr = (unsigned long)ldt_page;
    op.arg2.nr_ents = 2;
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
    far_call(SEL_LDT_GATE);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, SEL_LDT_GATE & ~3UL);
    /* Checked (and rewritten) by the time the CPU used it. */
    EXPECT_EQ(ldt_page[0], gate_as_stored(0xe033));
    op.arg1.linear_addr = 0;
    op.arg2.nr_ents = 0;
    EXPECT_OK(HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF));
}
