/*
 * syscalls: system calls from guest user mode into the guest kernel and
 * back, the path every Linux system call takes on a PV kernel. The syscall
 * callback runs on the stack_switch stack in kernel mode; the return is
 * the iret hypercall with VGCF_in_syscall (a sysret). Xen 4.17 passes.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/usermode.h"

const char kernel_name[] = "syscalls";

static char user_stack[2 * PAGE_SIZE] __attribute__((aligned(16)));
static void *user_stack_top = user_stack + sizeof(user_stack);

#define EXPECTED_TRAPS(n) EXPECT_EQ(last_trap.count, n)

TEST(setup)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(user_mode_setup());
}

static volatile unsigned long echo_rcx, echo_expected_rcx, echo_rbx;

static void user_echo_syscalls_then_return(void)
{
    unsigned long rcx, expected, rbx;

    for (int i = 0; i < 3; i++)
        asm volatile("syscall" : : "a"(i), "D"((unsigned long)USER_SYSCALL_ECHO)
                     : "rcx", "r11", "memory");
    /* Like the syscall instruction itself: rcx comes back as the return address. */
    asm volatile("mov $0x7777888899990000, %%rbx\n"
                 "lea 1f(%%rip), %1\n"
                 "syscall\n"
                 "1: mov %%rcx, %0\n"
                 "mov %%rbx, %2\n"
                 : "=r"(rcx), "=&r"(expected), "=r"(rbx)
                 : "a"(0L), "D"((unsigned long)USER_SYSCALL_ECHO)
                 : "rcx", "r11", "rbx", "memory");
    echo_rcx = rcx;
    echo_expected_rcx = expected;
    echo_rbx = rbx;
    user_return(4);
}

TEST(syscalls_return_to_user_mode)
{
    unsigned long before = user_echo_syscalls;

    trap_reset();
    EXPECT_EQ(user_call(user_echo_syscalls_then_return, user_stack_top), 4);
    EXPECT_EQ(user_echo_syscalls - before, 4);
    EXPECT_EQ(echo_rcx, echo_expected_rcx);
    EXPECT_EQ(echo_rbx, 0x7777888899990000UL);
    /* No trap was involved. */
    EXPECTED_TRAPS(0);
}

/*
 * The GS base follows the mode: the kernel's (SEGBASE_GS_KERNEL) in kernel
 * mode, the user's (SEGBASE_GS_USER) in user mode; the hypervisor swaps
 * them on every crossing, as swapgs would. Linux keeps per-CPU data behind
 * the kernel one.
 */
static unsigned long kernel_gs_word = 0x6b65726e656c0001UL;  /* "kernel" */
static unsigned long user_gs_word = 0x0000757365720002UL;    /* "user" */
static volatile unsigned long gs_seen_in_user;

static unsigned long read_gs_word(void)
{
    unsigned long v;
    asm volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}

static void user_read_gs(void)
{
    gs_seen_in_user = read_gs_word();
    user_return(5);
}

TEST(gs_base_follows_the_mode)
{
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&kernel_gs_word));
    EXPECT_OK(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, (unsigned long)&user_gs_word));
    EXPECT_EQ(read_gs_word(), kernel_gs_word);
    EXPECT_EQ(user_call(user_read_gs, user_stack_top), 5);
    EXPECT_EQ(gs_seen_in_user, user_gs_word);
    /* And back in kernel mode the kernel's base is in force again. */
    EXPECT_EQ(read_gs_word(), kernel_gs_word);
}
