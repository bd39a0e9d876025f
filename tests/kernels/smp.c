/*
 * smp: a second vcpu brought up the way Linux does it, with
 * VCPUOP_initialise and VCPUOP_up, taken down and brought back up with its
 * context preserved, and the refusals of those operations. Booted with
 * two vcpus for dom0 (dom0_max_vcpus=2 on a 2-CPU machine).
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/vcpus.h"

#include <public/errno.h>
#include <public/vcpu.h>

const char kernel_name[] = "smp";

#define UNMAPPED_ADDR 0x1000UL

static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;

static volatile unsigned int secondary_runs;
static volatile unsigned long secondary_saw_stack;

static void __attribute__((noreturn)) secondary_main(void)
{
    unsigned long sp;

    for (;;) {
        asm volatile("mov %%rsp, %0" : "=r"(sp));
        secondary_saw_stack = sp;
        __atomic_add_fetch(&secondary_runs, 1, __ATOMIC_SEQ_CST);
        /* Take ourselves offline; VCPUOP_up resumes right here. */
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, 0);
    }
}

static void prepare_context(void)
{
    vcpu_context_prepare(&context, secondary_main, secondary_stack, sizeof(secondary_stack));
}

TEST(two_vcpus_exist)
{
    EXPECT_OK(traps_install());
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, 0), 1);
    /* vcpu 1 exists but the builder left it down. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0), 0);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_is_up, 2, 0), XEN_ENOENT);
}

TEST(initialise_refusals)
{
    /* The page-table root must be a validated L4: our data page is not. */
    prepare_context();
    context.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn(secondary_stack));
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 2, &context), XEN_ENOENT);
}

TEST(initialise_and_up)
{
    prepare_context();
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));
    /* Initialised, not yet running. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0), 0);
    EXPECT_EQ(secondary_runs, 0);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(vcpu_wait_count(&secondary_runs, 1));
    EXPECT_EQ(secondary_runs, 1);
    EXPECT_TRUE(secondary_saw_stack > (unsigned long)secondary_stack);
    EXPECT_TRUE(secondary_saw_stack <= (unsigned long)(secondary_stack + sizeof(secondary_stack)));
    /* It took itself down again. */
    EXPECT_TRUE(vcpu_wait_down(1));
}

TEST(initialise_twice_is_refused)
{
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context), XEN_EEXIST);
}

TEST(up_again_resumes_the_saved_context)
{
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(vcpu_wait_count(&secondary_runs, 2));
    EXPECT_EQ(secondary_runs, 2);
    EXPECT_TRUE(vcpu_wait_down(1));
    /* Up on a vcpu that is already up is harmless. */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 0, 0));
}
