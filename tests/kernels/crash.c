/*
 * crash: a guest kernel that takes a page fault with no trap table.
 * Nothing can receive the fault, so the hypervisor must crash this domain
 * and report it, without harm to itself. For dom0 on Xen that means a
 * "Domain 0 ... crashed" report and a machine restart.
 */
#include "lib/kernel.h"

const char kernel_name[] = "crash";

#define UNMAPPED_ADDR 0x2000UL

TEST(fault_without_a_handler)
{
    volatile unsigned long *target = (volatile unsigned long *)UNMAPPED_ADDR;

    /* Make sure no trap table is registered, whatever the builder left. */
    EXPECT_OK(HYPERVISOR_set_trap_table(0));
    printk("crash: about to fault at %p\n", (void *)target);
    (void)*target;
    /* Reaching this line means the fault was swallowed: a failure. */
    printk("crash: still running after the fault\n");
    EXPECT_TRUE(0);
}
