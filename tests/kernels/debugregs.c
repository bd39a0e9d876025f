/*
 * debugregs: hardware breakpoints for a 64-bit PV guest, as Xen 4.17 arms
 * them. set_debugreg's rules (guest addresses only, no general-detect, no
 * I/O breakpoints without CR4.DE, DR6/DR7 reserved bits forced, DR4/DR5
 * aliasing DR6/DR7), a data breakpoint and an instruction breakpoint that
 * fire as #DB with the hit in DR6, a breakpoint that only fires on the
 * vCPU that set it and is armed again after a switch to the other vCPU,
 * and a breakpoint the hypervisor itself hits while copying guest memory
 * (ignored, as Xen does). Booted with two vCPUs on one pCPU.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/vcpus.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char kernel_name[] = "debugregs";

#define HYPERVISOR_HOLE_ADDR (HYPERVISOR_VIRT_START + 0x100000UL)
#define NON_CANONICAL        0x0000800000000000UL
#define GUEST_AFTER_HOLE     0xffff880000000000UL

#define DR7_L0          0x1UL
#define DR7_L1          0x4UL
#define DR7_GD          0x2000UL
#define DR7_RW0(rw)     ((unsigned long)(rw) << 16)
#define DR7_LEN0(len)   ((unsigned long)(len) << 18)
#define DR7_RW_WRITE    1
#define DR7_RW_IO       2
#define DR7_LEN_8       2
#define DR6_B0          0x1UL
#define DR6_B1          0x2UL
#define DR6_DEFAULT     0xffff0ff0UL

static volatile unsigned long watched;

static volatile unsigned long db_count, db_rip, db_dr6;

/* Records a #DB and the DR6 the guest sees; instruction breakpoints are
 * faults, so they are switched off before returning to the instruction. */
static int record_debug(struct trap_frame *frame)
{
    if (frame->vector != 1)
        return 0;
    db_count++;
    db_rip = frame->rip;
    db_dr6 = HYPERVISOR_get_debugreg(6);
    HYPERVISOR_set_debugreg(6, 0);
    if (db_dr6 & DR6_B1)
        HYPERVISOR_set_debugreg(7, 0);
    return 1;
}

static void start_watching(void)
{
    db_count = 0;
    db_rip = 0;
    db_dr6 = 0;
    HYPERVISOR_set_debugreg(6, 0);
    trap_reset();
    trap_hook = record_debug;
}

TEST(set_and_get_rules)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(HYPERVISOR_set_debugreg(0, (unsigned long)&watched));
    EXPECT_EQ(HYPERVISOR_get_debugreg(0), (unsigned long)&watched);
    EXPECT_OK(HYPERVISOR_set_debugreg(3, GUEST_AFTER_HOLE));
    EXPECT_EQ(HYPERVISOR_get_debugreg(3), GUEST_AFTER_HOLE);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(1, HYPERVISOR_HOLE_ADDR), XEN_EPERM);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(2, NON_CANONICAL), XEN_EPERM);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(8, 0), XEN_ENODEV);
    /* General detect would trap the hypervisor's own debug register moves. */
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(7, DR7_GD | DR7_L0), XEN_EPERM);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(DR7_RW_IO)), XEN_EPERM);
    /* DR6 and DR7: reserved bits read as the CPU defines them; the upper half is refused. */
    EXPECT_OK(HYPERVISOR_set_debugreg(6, 0));
    EXPECT_EQ(HYPERVISOR_get_debugreg(6), DR6_DEFAULT);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(6, ~0UL), XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_get_debugreg(6), DR6_DEFAULT);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0x1800));
    EXPECT_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0));
    EXPECT_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    EXPECT_ERRNO(HYPERVISOR_set_debugreg(7, 1UL << 40), XEN_EINVAL);
    EXPECT_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    /* Without CR4.DE, DR4 and DR5 are DR6 and DR7. */
    EXPECT_OK(HYPERVISOR_set_debugreg(4, 0x5));
    EXPECT_EQ(HYPERVISOR_get_debugreg(4), DR6_DEFAULT | 0x5);
    EXPECT_EQ(HYPERVISOR_get_debugreg(6), DR6_DEFAULT | 0x5);
    EXPECT_OK(HYPERVISOR_set_debugreg(5, 0x1800));
    EXPECT_EQ(HYPERVISOR_get_debugreg(5), 0x400);
    EXPECT_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0));
}

TEST(data_breakpoint_fires)
{
    unsigned long after;

    start_watching();
    EXPECT_OK(HYPERVISOR_set_debugreg(0, (unsigned long)&watched));
    EXPECT_OK(HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(DR7_RW_WRITE) | DR7_LEN0(DR7_LEN_8)));
    /* Reading is not watched; writing is, and #DB comes after the store. */
    after = watched;
    EXPECT_EQ(db_count, 0);
    asm volatile("movq $5, %0\n1: lea 1b(%%rip), %1" : "=m"(watched), "=r"(after));
    EXPECT_EQ(db_count, 1);
    EXPECT_EQ(db_rip, after);
    EXPECT_EQ(watched, 5);
    EXPECT_EQ(db_dr6, DR6_DEFAULT | DR6_B0);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0));
    watched = 6;
    EXPECT_EQ(db_count, 1);
    trap_reset();
}

static unsigned long __attribute__((noinline)) breakpoint_target(unsigned long x)
{
    asm volatile("" : "+r"(x));
    return x + 1;
}

TEST(instruction_breakpoint_fires)
{
    start_watching();
    EXPECT_OK(HYPERVISOR_set_debugreg(1, (unsigned long)breakpoint_target));
    EXPECT_OK(HYPERVISOR_set_debugreg(7, DR7_L1));
    EXPECT_EQ(breakpoint_target(41), 42);
    EXPECT_EQ(db_count, 1);
    EXPECT_EQ(db_rip, (unsigned long)breakpoint_target);
    EXPECT_EQ(db_dr6, DR6_DEFAULT | DR6_B1);
    /* The handler switched it off. */
    EXPECT_EQ(HYPERVISOR_get_debugreg(7) & 0xff, 0);
    trap_reset();
}

TEST(hypervisor_copy_does_not_fire)
{
    static char version[16];

    start_watching();
    EXPECT_OK(HYPERVISOR_set_debugreg(0, (unsigned long)version));
    EXPECT_OK(HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(DR7_RW_WRITE) | DR7_LEN0(DR7_LEN_8)));
    /* The hypervisor writes the string there on our behalf. */
    EXPECT_OK(HYPERVISOR_xen_version(XENVER_extraversion, version));
    /* Xen notes the hit in its own context and carries on; the guest sees nothing. */
    EXPECT_EQ(db_count, 0);
    EXPECT_EQ(HYPERVISOR_get_debugreg(6), DR6_DEFAULT);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0));
    trap_reset();
}

/* ---- two vCPUs on one pCPU ---- */

static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;
static volatile unsigned int secondary_runs;


/* Writes the variable vCPU 0 watches: its breakpoint is not this vCPU's. */
static void __attribute__((noreturn)) secondary_main(void)
{
    for (;;) {
        watched = 7;
        __atomic_add_fetch(&secondary_runs, 1, __ATOMIC_SEQ_CST);
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, 0);
    }
}

TEST(breakpoint_is_per_vcpu_and_survives_a_switch)
{
    unsigned int before = secondary_runs;

    vcpu_context_prepare(&context, secondary_main, secondary_stack, sizeof(secondary_stack));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));

    start_watching();
    EXPECT_OK(HYPERVISOR_set_debugreg(0, (unsigned long)&watched));
    EXPECT_OK(HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0(DR7_RW_WRITE) | DR7_LEN0(DR7_LEN_8)));
    /* vCPU 1 has no trap table: a #DB there would crash the domain. */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(vcpu_wait_count(&secondary_runs, before + 1));
    EXPECT_EQ(secondary_runs, before + 1);
    EXPECT_EQ(watched, 7);
    EXPECT_EQ(db_count, 0);
    /* Back on vCPU 0, its breakpoint is armed again. */
    watched = 8;
    EXPECT_EQ(db_count, 1);
    EXPECT_TRUE(db_dr6 & DR6_B0);
    EXPECT_EQ(HYPERVISOR_get_debugreg(0), (unsigned long)&watched);
    EXPECT_OK(HYPERVISOR_set_debugreg(7, 0));
    trap_reset();
}
