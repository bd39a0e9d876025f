/*
 * smp: a second vcpu brought up the way Linux does it, with
 * VCPUOP_initialise and VCPUOP_up, taken down and brought back up with its
 * context preserved, and the refusals of those operations. Booted with
 * two vcpus for dom0 (dom0_max_vcpus=2 on a 2-CPU machine).
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/vcpu.h>

const char kernel_name[] = "smp";

#define UNMAPPED_ADDR 0x1000UL

static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;

static volatile unsigned int secondary_runs;
static volatile unsigned long secondary_saw_stack;

void secondary_main(void) __attribute__((noreturn));
extern char secondary_entry[];

/* The context gives the new vcpu its stack; C needs nothing else. */
asm(".text\n"
    ".globl secondary_entry\n"
    "secondary_entry:\n"
    "    call secondary_main\n");

void secondary_main(void)
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

static void prepare_context(unsigned long cr3_mfn)
{
    memory_set(&context, 0, sizeof(context));
    context.flags = VGCF_in_kernel;
    context.user_regs.rip = (unsigned long)secondary_entry;
    context.user_regs.rsp = (unsigned long)(secondary_stack + sizeof(secondary_stack));
    context.user_regs.cs = FLAT_KERNEL_CS;
    context.user_regs.ss = FLAT_KERNEL_SS;
    context.user_regs.rflags = 0x2;
    context.kernel_ss = FLAT_KERNEL_SS;
    context.kernel_sp = context.user_regs.rsp;
    context.ctrlreg[3] = xen_pfn_to_cr3(cr3_mfn);
}

static int wait_for_runs(unsigned int runs)
{
    /* The other vcpu shares this physical CPU set; yield until it has run. */
    for (unsigned int i = 0; i < 100000 && secondary_runs < runs; i++)
        HYPERVISOR_sched_op(0 /* SCHEDOP_yield */, 0);
    return secondary_runs >= runs;
}

static int wait_until_down(void)
{
    for (unsigned int i = 0; i < 100000; i++) {
        if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0) == 0)
            return 1;
        HYPERVISOR_sched_op(0, 0);
    }
    return 0;
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
    prepare_context(virt_to_mfn(secondary_stack));
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 2, &context), XEN_ENOENT);
}

TEST(initialise_and_up)
{
    prepare_context(virt_to_mfn((void *)start_info->pt_base));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));
    /* Initialised, not yet running. */
    EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0), 0);
    EXPECT_EQ(secondary_runs, 0);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(wait_for_runs(1));
    EXPECT_EQ(secondary_runs, 1);
    EXPECT_TRUE(secondary_saw_stack > (unsigned long)secondary_stack);
    EXPECT_TRUE(secondary_saw_stack <= (unsigned long)(secondary_stack + sizeof(secondary_stack)));
    /* It took itself down again. */
    EXPECT_TRUE(wait_until_down());
}

TEST(initialise_twice_is_refused)
{
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context), XEN_EEXIST);
}

TEST(up_again_resumes_the_saved_context)
{
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    EXPECT_TRUE(wait_for_runs(2));
    EXPECT_EQ(secondary_runs, 2);
    EXPECT_TRUE(wait_until_down());
    /* Up on a vcpu that is already up is harmless. */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 0, 0));
}
