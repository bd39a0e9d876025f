/*
 * traps: exceptions of a PV guest kernel bounced through its virtual IDT.
 * Each probe takes one fault on purpose and checks vector, error code,
 * the reported rip and (for #PF) cr2 in vcpu_info, then resumes. The
 * values are what Xen 4.17 delivers.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/usermode.h"

#include <public/arch-x86/cpuid.h>
#include <public/errno.h>
#include <public/version.h>

const char kernel_name[] = "traps";

#define UNMAPPED_ADDR      0x1000UL
#define NON_CANONICAL_ADDR 0x0000900000000000UL
#define EXPECTED_TRAPS(n)  EXPECT_EQ(last_trap.count, n)

/* Error code of a software interrupt refused by the gate's DPL: IDT selector. */
#define IDT_ERROR_CODE(vector) (((vector) << 3) | 2)

/* Page-fault error code bits. */
#define PFEC_PRESENT 0x1
#define PFEC_WRITE   0x2
#define PFEC_USER    0x4

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

TEST(int3_ignores_the_gate_dpl)
{
    unsigned long after;

    /*
     * int3 reaches the hypervisor as the #BP exception, not as a software
     * interrupt, so the guest's gate DPL is not consulted.
     */
    EXPECT_OK(traps_install_with_gate_dpl(3, 0));
    asm volatile("int3\n1: lea 1b(%%rip), %0" : "=r"(after));
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 3);
    EXPECT_EQ(last_trap.rip, after);
    EXPECT_OK(traps_install());
}

/*
 * Software interrupts are only tested on vector 0x80. Xen 4.17 delivers
 * int $0x80 through a direct path that checks that a gate exists but not
 * its DPL; other vectors go through the #GP path, whose IDT error code
 * QEMU's TCG reports as vector * 16 (real CPUs: vector * 8), which makes
 * their results an emulator artefact rather than the hypervisor's.
 */
TEST(software_interrupt_with_a_gate)
{
    unsigned long after;

    for (unsigned int dpl = 0; dpl < 4; dpl += 3) {
        EXPECT_OK(traps_install_with_gate_dpl(SOFT_INT_VECTOR, dpl));
        asm volatile("int $0x80\n1: lea 1b(%%rip), %0" : "=r"(after));
        EXPECTED_TRAPS(1);
        EXPECT_EQ(last_trap.vector, SOFT_INT_VECTOR);
        EXPECT_EQ(last_trap.rip, after);
    }
    EXPECT_OK(traps_install());
}

TEST(software_interrupt_without_a_gate)
{
    /* No trap_info for the vector: #GP with the IDT entry as error code. */
    EXPECT_OK(traps_install_with_gate_dpl(SOFT_INT_VECTOR, TRAP_NO_GATE));
    FAULT_PROBE("int $0x80");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, IDT_ERROR_CODE(SOFT_INT_VECTOR));
    EXPECT_OK(traps_install());
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
    EXPECT_EQ(r[1], XEN_CPUID_SIGNATURE_EBX);
    EXPECT_EQ(r[2], XEN_CPUID_SIGNATURE_ECX);
    EXPECT_EQ(r[3], XEN_CPUID_SIGNATURE_EDX);
    /* eax names the last leaf: all five of Xen 4.17's. */
    EXPECT_EQ(r[0], XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES));
    /* Leaf 1 of the range is the version, as xen_version reports it. */
    forced_cpuid(XEN_CPUID_LEAF(1), r);
    EXPECT_EQ(r[0], HYPERVISOR_xen_version(0, 0));
    /* Leaf 2: one hypercall page, installed through an MSR (for HVM guests). */
    forced_cpuid(XEN_CPUID_LEAF(2), r);
    EXPECT_EQ(r[0], 1);
    EXPECT_NE(r[1], 0);
    /* The emulation is invisible: no #UD reaches the guest. */
    EXPECTED_TRAPS(0);
}

/* ---- guest user mode ---- */

static char user_stack[2 * PAGE_SIZE] __attribute__((aligned(16)));
static void *user_stack_top = user_stack + sizeof(user_stack);

static volatile unsigned long user_cs;
static volatile unsigned long user_fault_value;

static void user_report_cs(void)
{
    unsigned long cs;

    asm volatile("mov %%cs, %0" : "=r"(cs));
    user_cs = cs;
    user_return(42);
}

static void user_int3(void)
{
    asm volatile("int3");
    user_return(7);
}

static void user_read_unmapped(void)
{
    unsigned long value = 0x5a;

    FAULT_PROBE("mov (%1), %0", : "+r"(value) : "r"(UNMAPPED_ADDR));
    user_fault_value = value;
    user_return(9);
}

TEST(user_mode_round_trip)
{
    EXPECT_OK(user_mode_setup());
    EXPECT_OK(traps_install());
    EXPECT_EQ(user_call(user_report_cs, user_stack_top), 42);
    EXPECT_EQ(user_cs, FLAT_USER_CS);
    /* Back in kernel mode: hypercalls work again. */
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, 0), PAGE_SIZE);
}

TEST(user_mode_traps_reach_the_kernel)
{
    trap_reset();
    EXPECT_EQ(user_call(user_int3, user_stack_top), 7);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 3);
    /* From user mode the frame carries the user selector, RPL 3. */
    EXPECT_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
}

TEST(user_mode_page_fault_has_the_user_bit)
{
    trap_reset();
    EXPECT_EQ(user_call(user_read_unmapped, user_stack_top), 9);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 14);
    EXPECT_EQ(last_trap.cr2, UNMAPPED_ADDR);
    EXPECT_EQ(last_trap.error_code, PFEC_USER);
    EXPECT_EQ(user_fault_value, 0x5a);
}

static void user_soft_int(void)
{
    FAULT_PROBE("int $0x80");
    user_return(5);
}

TEST(user_mode_software_interrupt)
{
    EXPECT_OK(traps_install());
    EXPECT_EQ(user_call(user_soft_int, user_stack_top), 5);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, SOFT_INT_VECTOR);
    EXPECT_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
    EXPECT_EQ(last_trap.resumed_at_fixup, 0);
    /* Without a gate: #GP naming the IDT entry, taken in user mode. */
    EXPECT_OK(traps_install_with_gate_dpl(SOFT_INT_VECTOR, TRAP_NO_GATE));
    EXPECT_EQ(user_call(user_soft_int, user_stack_top), 5);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 13);
    EXPECT_EQ(last_trap.error_code, IDT_ERROR_CODE(SOFT_INT_VECTOR));
    EXPECT_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
    EXPECT_OK(traps_install());
}

TEST(user_mode_int3_ignores_the_gate_dpl)
{
    EXPECT_OK(traps_install_with_gate_dpl(3, 0));
    EXPECT_EQ(user_call(user_int3, user_stack_top), 7);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(last_trap.vector, 3);
    EXPECT_OK(traps_install());
}

/*
 * rcx and r11 are the registers the hypervisor's own syscall/sysret path
 * uses; a trap and its iret must still hand them back untouched, in
 * either mode.
 */
static volatile unsigned long seen_rcx, seen_r11, seen_rbx;

static void user_registers_across_int3(void)
{
    unsigned long rcx, r11, rbx;

    asm volatile("mov $0x1111222233334444, %%rcx\n"
                 "mov $0x5555666677778888, %%r11\n"
                 "mov $0x9999aaaabbbbcccc, %%rbx\n"
                 "int3\n"
                 "mov %%rcx, %0\n"
                 "mov %%r11, %1\n"
                 "mov %%rbx, %2\n"
                 : "=r"(rcx), "=r"(r11), "=r"(rbx) : : "rcx", "r11", "rbx");
    seen_rcx = rcx;
    seen_r11 = r11;
    seen_rbx = rbx;
    user_return(11);
}

TEST(registers_survive_a_trap)
{
    unsigned long rcx, r11;

    trap_reset();
    asm volatile("mov $0x0123456789abcdef, %%rcx\n"
                 "mov $0x0fedcba987654321, %%r11\n"
                 "int3\n"
                 "mov %%rcx, %0\n"
                 "mov %%r11, %1\n"
                 : "=r"(rcx), "=r"(r11) : : "rcx", "r11");
    EXPECTED_TRAPS(1);
    EXPECT_EQ(rcx, 0x0123456789abcdefUL);
    EXPECT_EQ(r11, 0x0fedcba987654321UL);

    trap_reset();
    EXPECT_EQ(user_call(user_registers_across_int3, user_stack_top), 11);
    EXPECTED_TRAPS(1);
    EXPECT_EQ(seen_rcx, 0x1111222233334444UL);
    EXPECT_EQ(seen_r11, 0x5555666677778888UL);
    EXPECT_EQ(seen_rbx, 0x9999aaaabbbbccccUL);
}
