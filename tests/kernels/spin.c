/*
 * spin: a domU that does nothing but burn its vCPU, so a monitor has a
 * domain whose CPU use it knows (all of one pCPU while it runs, nothing
 * while paused). Started from dom0 with xl/lintel create; it never ends by
 * itself, the test destroys it.
 */
#include "lib/kernel.h"

const char kernel_name[] = "spin";

TEST(burn_the_vcpu)
{
    volatile unsigned long turns = 0;

    printk("spin: burning the vCPU until destroyed\n");
    /* No hypercall in the loop: every nanosecond is the guest's own. */
    for (;;)
        turns++;
}
