/*
 * xsave: XSAVE and AVX for a 64-bit PV guest, as Xen 4.17 offers them.
 * Needs a CPU with AVX (QEMU -cpu max): the kernel says so and fails
 * otherwise. CPUID shows XSAVE, OSXSAVE (the hypervisor turns CR4.OSXSAVE
 * on for PV guests) and AVX; XCR0 starts as x87|SSE; xsetbv from the guest
 * kernel is emulated with the architectural checks (#GP otherwise), and
 * leaf 0xd's current size follows it; the ymm registers of each vCPU
 * survive a switch to the other vCPU, which uses its own. Booted with two
 * vCPUs on one pCPU.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/vcpus.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "xsave";

#define LEAF1_ECX_XSAVE   (1u << 26)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define LEAF1_ECX_AVX     (1u << 28)
#define XCR0_X87 1UL
#define XCR0_SSE 2UL
#define XCR0_YMM 4UL

static void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    asm volatile("ud2; .ascii \"xen\"; cpuid"
                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(sub));
}

static unsigned long xgetbv0(void)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long)hi << 32) | lo;
}

/* xsetbv under a probe: the trap (if any) is in last_trap. */
static void probe_xsetbv(uint32_t index, unsigned long value)
{
    trap_reset();
    FAULT_PROBE("xsetbv", : : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static int have_avx;

#define CR4_OSXSAVE (1UL << 18)

static unsigned long read_cr4(void)
{
    unsigned long cr4;

    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    return cr4;
}

static long write_cr4(unsigned long cr4)
{
    trap_reset();
    FAULT_PROBE("mov %0, %%cr4", : : "r"(cr4));
    return last_trap.count ? -1 : 0;
}

TEST(cpuid_shows_xsave_and_avx)
{
    uint32_t r[4];

    EXPECT_OK(traps_install());
    cpuid_count(1, 0, r);
    EXPECT_TRUE(r[2] & LEAF1_ECX_XSAVE);
    /* Set although the guest's CR4 view does not have it yet, as on Xen. */
    EXPECT_TRUE(r[2] & LEAF1_ECX_OSXSAVE);
    EXPECT_TRUE(r[2] & LEAF1_ECX_AVX);
    have_avx = (r[2] & (LEAF1_ECX_OSXSAVE | LEAF1_ECX_AVX)) ==
               (LEAF1_ECX_OSXSAVE | LEAF1_ECX_AVX);
    cpuid_count(7, 0, r);
    EXPECT_TRUE(r[1] & (1u << 5));              /* AVX2 */
    /* x87, SSE and YMM; the area sizes for XCR0 = x87|SSE and for all three. */
    cpuid_count(0xd, 0, r);
    EXPECT_EQ(r[0], 0x7);
    EXPECT_EQ(r[1], 0x240);
    EXPECT_EQ(r[2], 0x340);
    EXPECT_EQ(r[3], 0);
    cpuid_count(0xd, 1, r);
    EXPECT_TRUE(r[0] & 1);                      /* XSAVEOPT */
    EXPECT_EQ(r[0] & 8, 0);                     /* no XSAVES: ring 0 only */
    cpuid_count(0xd, 2, r);
    EXPECT_EQ(r[0], 0x100);
    EXPECT_EQ(r[1], 0x240);
    /* PKRU is not offered. */
    cpuid_count(0xd, 9, r);
    EXPECT_EQ(r[0] | r[1] | r[2] | r[3], 0);
}

TEST(xcr0_starts_with_x87_and_sse)
{
    if (!have_avx)
        kernel_abort("no AVX: boot this kernel on a CPU that has it (QEMU -cpu max)");
    EXPECT_EQ(xgetbv0(), XCR0_X87 | XCR0_SSE);
    EXPECT_EQ(read_cr4() & CR4_OSXSAVE, 0);
}

TEST(xsetbv_needs_osxsave_in_cr4)
{
    probe_xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
    EXPECT_EQ(last_trap.count, 1);
    EXPECT_EQ(last_trap.vector, 6);
    EXPECT_EQ(xgetbv0(), XCR0_X87 | XCR0_SSE);
    EXPECT_OK(write_cr4(read_cr4() | CR4_OSXSAVE));
    EXPECT_TRUE(read_cr4() & CR4_OSXSAVE);
}

static void expect_xsetbv_gp(uint32_t index, unsigned long value, int line)
{
    probe_xsetbv(index, value);
    testfw_check_values(testfw_current, last_trap.count == 1 && last_trap.vector == 13 &&
                        last_trap.error_code == 0, __FILE__, line,
                        "xsetbv refused with #GP(0) (vector)", (long long)last_trap.vector, 13);
}

TEST(xsetbv_checks)
{
    uint32_t r[4];

    expect_xsetbv_gp(0, 0, __LINE__);                                  /* no x87 */
    expect_xsetbv_gp(0, XCR0_X87 | XCR0_YMM, __LINE__);                /* YMM without SSE */
    expect_xsetbv_gp(1, XCR0_X87 | XCR0_SSE, __LINE__);                /* not XCR0 */
    expect_xsetbv_gp(0, XCR0_X87 | XCR0_SSE | (1UL << 9), __LINE__);   /* PKRU: not offered */
    expect_xsetbv_gp(0, XCR0_X87 | XCR0_SSE | (1UL << 62), __LINE__);
    EXPECT_EQ(xgetbv0(), XCR0_X87 | XCR0_SSE);
    probe_xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
    EXPECT_EQ(last_trap.count, 0);
    EXPECT_EQ(xgetbv0(), XCR0_X87 | XCR0_SSE | XCR0_YMM);
    /* The current size follows XCR0. */
    cpuid_count(0xd, 0, r);
    EXPECT_EQ(r[1], 0x340);
}

/* ---- two vCPUs on one pCPU ---- */

static uint8_t pattern_a[32] __attribute__((aligned(32)));
static uint8_t pattern_b[32] __attribute__((aligned(32)));
static uint8_t secondary_first[32] __attribute__((aligned(32)));
static uint8_t seen[32] __attribute__((aligned(32)));
static volatile unsigned long secondary_xcr0;
static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;
static volatile unsigned int secondary_runs;


/* Its own XCR0 and ymm0: what it finds first must not be vCPU 0's. */
static void __attribute__((noreturn)) secondary_main(void)
{
    unsigned long cr4 = read_cr4() | CR4_OSXSAVE;

    asm volatile("mov %0, %%cr4" : : "r"(cr4));
    asm volatile("xsetbv" : : "c"(0), "a"(7), "d"(0));
    asm volatile("vmovdqu %%ymm0, %0" : "=m"(secondary_first));
    asm volatile("vmovdqu %0, %%ymm0" : : "m"(pattern_b));
    secondary_xcr0 = xgetbv0();
    /* And a different XCR0 for vCPU 0 to keep apart from its own. */
    asm volatile("xsetbv" : : "c"(0), "a"(3), "d"(0));
    __atomic_add_fetch(&secondary_runs, 1, __ATOMIC_SEQ_CST);
    for (;;)
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, 0);
}

TEST(ymm_state_survives_a_switch_to_the_other_vcpu)
{
    int same_a = 1, zero = 1;

    for (unsigned i = 0; i < 32; i++) {
        pattern_a[i] = (uint8_t)(0xa0 + i);
        pattern_b[i] = (uint8_t)(0x50 + i);
        secondary_first[i] = 0xff;
    }
    asm volatile("vmovdqu %0, %%ymm0" : : "m"(pattern_a));

    vcpu_context_prepare(&context, secondary_main, secondary_stack, sizeof(secondary_stack));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(vcpu_wait_count(&secondary_runs, 1));
    EXPECT_EQ(secondary_runs, 1);
    EXPECT_EQ(secondary_xcr0, XCR0_X87 | XCR0_SSE | XCR0_YMM);
    for (unsigned i = 0; i < 32; i++)
        zero &= secondary_first[i] == 0;
    EXPECT_TRUE(zero);
    asm volatile("vmovdqu %%ymm0, %0" : "=m"(seen));
    for (unsigned i = 0; i < 32; i++)
        same_a &= seen[i] == pattern_a[i];
    EXPECT_TRUE(same_a);
    EXPECT_EQ(xgetbv0(), XCR0_X87 | XCR0_SSE | XCR0_YMM);
}
