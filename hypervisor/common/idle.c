/*
 * What a CPU does when there is nothing to run: run deferred work, then
 * sleep until the next interrupt. When no domain exists (nodom0) this is
 * all there is, so fallback run-queue and domain dumps live here.
 */
#include <lintel/keyhandler.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/setup.h>
#include <lintel/softirq.h>
#include <lintel/x86.h>

__noreturn void idle_loop(void)
{
    for (;;) {
        softirq_run_pending();
        /* Checked with interrupts off so a wakeup cannot slip in before hlt. */
        local_irq_disable();
        if (softirq_pending())
            local_irq_enable();
        else
            safe_halt();
    }
}

/* Until the scheduler and domain code take these keys over (no dom0). */
static void runqueue_key(char key)
{
    (void)key;
    printk("Run queues: CPU0: running the idle loop, %s, no vCPUs queued "
           "(no scheduler running)\n",
           softirq_pending() ? "softirqs pending" : "no softirqs pending");
}

static void domain_key(char key)
{
    (void)key;
    printk("Domain info: no domains exist\n");
}

static void reboot_key(char key)
{
    (void)key;
    printk("'%c' pressed -> rebooting the machine\n", key);
    machine_reboot();
}

static void poweroff_key(char key)
{
    (void)key;
    printk("'%c' pressed -> powering the machine off\n", key);
    machine_poweroff();
}

void idle_register_keys(void)
{
    keyhandler_register_fallback('q', domain_key, "dump domain (and guest debug) info");
    keyhandler_register_fallback('r', runqueue_key, "dump run queues");
    keyhandler_register('R', reboot_key, "reboot the machine");
    keyhandler_register('O', poweroff_key, "power the machine off (ACPI S5)");
}
