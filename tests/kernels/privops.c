/*
 * privops: privileged instructions a PV kernel executes anyway, which the
 * hypervisor emulates or refuses (they #GP in ring 3). Control registers,
 * MSRs, port I/O with a raised I/O privilege level, and the forced-
 * emulation cpuid policy. Expected values are Xen 4.17's for dom0.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/arch-x86/cpuid.h>
#include <public/physdev.h>

const char kernel_name[] = "privops";

#define MSR_EFER        0xc0000080
#define MSR_FS_BASE     0xc0000100
#define MSR_GS_BASE     0xc0000101
#define MSR_KERNEL_GS   0xc0000102
#define MSR_UNKNOWN     0x12345678
#define EFER_LME        (1UL << 8)
#define EFER_LMA        (1UL << 10)

#define CR0_PE          (1UL << 0)
#define CR0_TS          (1UL << 3)
#define CR0_PG          (1UL << 31)

#define CPUID1_ECX_VMX        (1U << 5)
#define CPUID1_ECX_HYPERVISOR (1U << 31)

static unsigned long read_cr0(void)
{
    unsigned long v = 0;
    FAULT_PROBE("mov %%cr0, %0", : "+r"(v));
    return v;
}

static unsigned long read_cr3(void)
{
    unsigned long v = 0;
    FAULT_PROBE("mov %%cr3, %0", : "+r"(v));
    return v;
}

static uint64_t read_msr(uint32_t msr)
{
    uint32_t lo = 0, hi = 0;
    FAULT_PROBE("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static void write_msr(uint32_t msr, uint64_t value)
{
    FAULT_PROBE("wrmsr", : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static void forced_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    asm volatile(XEN_CPUID : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(subleaf));
}

TEST(setup)
{
    EXPECT_OK(traps_install());
}

TEST(control_register_reads_are_emulated)
{
    unsigned long cr0, cr3;

    trap_reset();
    cr0 = read_cr0();
    cr3 = read_cr3();
    /* Emulated: no fault reaches the guest. */
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(cr0 & (CR0_PE | CR0_PG), CR0_PE | CR0_PG);
    /* cr3 names the guest's own L4, by machine frame. */
    EXPECT_EQ(xen_cr3_to_pfn(cr3), virt_to_mfn((void *)start_info->pt_base));
}

TEST(clts_and_fpu_taskswitch_agree)
{
    trap_reset();
    EXPECT_OK(HYPERVISOR_fpu_taskswitch(1));
    EXPECT_NE(read_cr0() & CR0_TS, 0);
    /* clts is emulated as fpu_taskswitch(0). */
    FAULT_PROBE("clts");
    EXPECT_EQ(read_cr0() & CR0_TS, 0);
    EXPECT_EQ(last_trap.count, 0);
}

TEST(msr_reads)
{
    uint64_t efer;

    trap_reset();
    efer = read_msr(MSR_EFER);
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(efer & (EFER_LME | EFER_LMA), EFER_LME | EFER_LMA);
    /* An MSR the hypervisor does not know: #GP, as on hardware. */
    trap_reset();
    read_msr(MSR_UNKNOWN);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
}

TEST(segment_base_msrs_follow_set_segment_base)
{
    static unsigned long target = 0x0123456789abcdefUL;
    unsigned long seen = 0;

    trap_reset();
    /* wrmsr to FS_BASE is emulated like set_segment_base(SEGBASE_FS). */
    write_msr(MSR_FS_BASE, (unsigned long)&target);
    EXPECT_EQ(last_trap.count, 0);
    asm volatile("mov %%fs:0, %0" : "=r"(seen));
    EXPECT_EQ(seen, target);
    EXPECT_EQ(read_msr(MSR_FS_BASE), (unsigned long)&target);
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_FS, 0));
    EXPECT_EQ(read_msr(MSR_FS_BASE), 0);
    EXPECT_EQ(last_trap.count, 0);
}

TEST(port_io_needs_the_virtual_iopl)
{
    struct physdev_set_iopl iopl = { .iopl = 0 };
    uint8_t value = 0;

    EXPECT_OK(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl));
    trap_reset();
    FAULT_PROBE("inb $0x71, %0", : "+a"(value));
    /* At virtual IOPL 0 the kernel gets the #GP a ring-3 in deserves. */
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 13);
    /* dom0 at virtual IOPL 1 (as Linux sets it) may use the ports Xen left it. */
    iopl.iopl = 1;
    EXPECT_OK(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl));
    trap_reset();
    FAULT_PROBE("outb %0, $0x70", : : "a"((uint8_t)0x0a));
    FAULT_PROBE("inb $0x71, %0", : "+a"(value));
    EXPECT_EQ(last_trap.count, 0);
    /* CMOS status register A: the update-in-progress bit aside, a divider is set. */
    EXPECT_NE(value & 0x70, 0);
}

TEST(cpuid_policy)
{
    uint32_t r[4];

    forced_cpuid(1, 0, r);
    /* A guest is told it runs on a hypervisor, and gets no VMX. */
    EXPECT_NE(r[2] & CPUID1_ECX_HYPERVISOR, 0);
    EXPECT_EQ(r[2] & CPUID1_ECX_VMX, 0);
    forced_cpuid(0, 0, r);
    EXPECT_TRUE(r[0] >= 1);
    forced_cpuid(XEN_CPUID_FIRST_LEAF, 0, r);
    EXPECT_EQ(r[1], XEN_CPUID_SIGNATURE_EBX);
}
