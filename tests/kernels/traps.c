/*
 * traps: exceptions of a PV guest kernel bounced through its virtual IDT.
 * Each probe takes one fault on purpose and checks vector, error code,
 * the reported rip and (for #PF) cr2 in vcpu_info, then resumes. The
 * values are what Xen 4.17 delivers.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/errno.h>

const char kernel_name[] = "traps";

#define UNMAPPED_ADDR      0x1000UL
#define NON_CANONICAL_ADDR 0x0000900000000000UL
#define EXPECTED_TRAPS(n)  EXPECT_EQ(last_trap.count, n)

/* Error code of a software interrupt refused by the gate's DPL: IDT selector. */
#define IDT_ERROR_CODE(vector) (((vector) << 3) | 2)

/* Page-fault error code bits. */
#define PFEC_PRESENT 0x1
#define PFEC_WRITE   0x2

TEST(install_trap_table)
{
    EXPECT_OK(traps_install());
}

TEST(int3_returns_to_the_next_instruction)
{
    unsigned long after;

    trap_reset();
    asm volatile("int3\n1: lea 1b(%%rip), %0" : "=r"(after));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 3);
    EXPECT_EQ(last_trap.rip, after);
    /*
     * The kernel really runs in ring 3, but the frame shows its code
     * selector with RPL 0: that is how a trap from guest kernel mode is
     * told apart from one in guest user mode (RPL 3).
     */
    EXPECT_EQ(last_trap.cs & 0xffff, FLAT_KERNEL_CS & ~3);
    EXPECT_EQ(last_trap.resumed_at_fixup, 0);
}

TEST(invalid_opcode)
{
    trap_reset();
    FAULT_PROBE("ud2");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 6);
    EXPECT_EQ(last_trap.resumed_at_fixup, 1);
}

TEST(general_protection_non_canonical)
{
    unsigned long value = 0;

    trap_reset();
    FAULT_PROBE("mov (%1), %0", : "+r"(value) : "r"(NON_CANONICAL_ADDR));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, 0);
}

TEST(page_fault_read_not_present)
{
    unsigned long value = 0;

    trap_reset();
    FAULT_PROBE("mov (%1), %0", : "+r"(value) : "r"(UNMAPPED_ADDR + 8));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(last_trap.cr2, UNMAPPED_ADDR + 8);
    /* Not present, a read, and no user bit: the fault came from guest kernel mode. */
    EXPECT_EQ(last_trap.error_code, 0);
}

TEST(page_fault_write_read_only)
{
    unsigned long target = MACH2PHYS_VIRT_START + 64;

    trap_reset();
    /* The m2p table is mapped read-only into every PV guest. */
    FAULT_PROBE("movq $0, (%0)", : : "r"(target) : "memory");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(last_trap.cr2, target);
    EXPECT_EQ(last_trap.error_code, PFEC_PRESENT | PFEC_WRITE);
}

TEST(divide_error)
{
    unsigned long rax = 1, rdx = 0, divisor = 0;

    trap_reset();
    FAULT_PROBE("divq %2", : "+a"(rax), "+d"(rdx) : "r"(divisor));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 0);
    EXPECT_EQ(last_trap.resumed_at_fixup, 1);
}

TEST(privileged_instructions_fault)
{
    unsigned long lo = 0, hi = 0;

    trap_reset();
    FAULT_PROBE("hlt");
    EXPECT_EQ(last_trap.vector, 13);
    trap_reset();
    FAULT_PROBE("rdmsr", : "+a"(lo), "+d"(hi) : "c"(0x12345678));
    EXPECT_EQ(last_trap.vector, 13);
    EXPECTED_TRAPS(1);
}

TEST(gate_dpl_is_checked_against_the_virtual_ring)
{
    unsigned long after;

    /*
     * Guest kernel mode counts as ring 0 for gate checks, so a DPL 0 int3
     * gate still admits the kernel's own int3.
     */
    EXPECT_OK(traps_install_with_int3_dpl(0));
    asm volatile("int3\n1: lea 1b(%%rip), %0" : "=r"(after));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 3);
    EXPECT_EQ(last_trap.rip, after);
    EXPECT_OK(traps_install());
}

TEST(software_interrupt_without_a_gate)
{
    /* No trap_info for vector 0x80: #GP with the IDT entry as error code. */
    trap_reset();
    FAULT_PROBE("int $0x80");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, IDT_ERROR_CODE(0x80));
}

static int clear_task_switched(struct trap_frame *frame)
{
    if (frame->vector != 7)
        return 0;
    /* What a PV kernel's #NM handler does: clear TS, then retry the instruction. */
    HYPERVISOR_fpu_taskswitch(0);
    return 1;
}

TEST(fpu_taskswitch_raises_device_not_available)
{
    trap_reset();
    trap_hook = clear_task_switched;
    EXPECT_OK(HYPERVISOR_fpu_taskswitch(1));
    asm volatile("fninit");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 7);
    /* With TS clear the same instruction runs without a trap. */
    asm volatile("fninit");
    EXPECTED_TRAPS(1);
    trap_hook = 0;
}

static void forced_cpuid(uint32_t leaf, uint32_t regs[4])
{
    asm volatile(XEN_CPUID
                 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
                 : "a"(leaf), "c"(0));
}

TEST(forced_emulation_cpuid_shows_the_hypervisor_leaves)
{
    uint32_t r[4];
    char signature[13];

    trap_reset();
    forced_cpuid(0x40000000, r);
    memcpy(signature, &r[1], 4);
    memcpy(signature + 4, &r[2], 4);
    memcpy(signature + 8, &r[3], 4);
    signature[12] = '\0';
    EXPECT_TRUE(string_starts_with(signature, "XenVMMXenVMM"));
    EXPECT_TRUE(r[0] >= 0x40000002 && r[0] < 0x40000100);
    /* Leaf 1 of the range is the version, as xen_version reports it. */
    forced_cpuid(0x40000001, r);
    EXPECT_EQ(r[0], HYPERVISOR_xen_version(0, 0));
    /* The emulation is invisible: no #UD reaches the guest. */
    EXPECTED_TRAPS(0);
}
