/*
 * Poweroff and reboot. ACPI is tried first because it is what real
 * machines and QEMU both implement; the keyboard controller reset and a
 * triple fault are the fallbacks that always end the machine (QEMU with
 * -no-reboot then exits, which is what the tests rely on).
 */
#include <lintel/acpi.h>
#include <lintel/layout.h>
#include <lintel/power.h>
#include <lintel/printk.h>
#include <lintel/time.h>
#include <lintel/x86.h>

#define SLP_EN                  (1u << 13)
#define CRASH_REBOOT_DELAY_S    3

static bool noreboot;

void power_set_noreboot(bool value)
{
    noreboot = value;
}

__noreturn void machine_halt(void)
{
    local_irq_disable();
    for (;;)
        __asm__ volatile("hlt");
}

static void keyboard_controller_reset(void)
{
    for (int tries = 0; tries < 10; tries++) {
        for (int spin = 0; spin < 100000 && (inb(0x64) & 0x02); spin++)
            cpu_relax();
        outb(0x64, 0xfe);               /* pulse the CPU reset line */
        udelay(50000);
    }
}

static __noreturn void triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed empty_idt = { 0, 0 };

    __asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
    machine_halt();
}

__noreturn void machine_reboot(void)
{
    local_irq_disable();
    printk("Lintel: rebooting\n");
    if (acpi.reset_supported && acpi.reset_space == 1) {
        outb((uint16_t)acpi.reset_addr, acpi.reset_value);
        udelay(50000);
    } else if (acpi.reset_supported && acpi.reset_space == 0 &&
               acpi.reset_addr < (4ULL << 30)) {
        *(volatile uint8_t *)phys_to_virt(acpi.reset_addr) = acpi.reset_value;
        udelay(50000);
    }
    keyboard_controller_reset();
    triple_fault();
}

__noreturn void machine_poweroff(void)
{
    local_irq_disable();
    printk("Lintel: powering off\n");
    if (acpi.have_s5 && acpi.pm1a_cnt) {
        outw(acpi.pm1a_cnt, (uint16_t)((acpi.s5_typ_a << 10) | SLP_EN));
        if (acpi.pm1b_cnt)
            outw(acpi.pm1b_cnt, (uint16_t)((acpi.s5_typ_b << 10) | SLP_EN));
        udelay(100000);
        pr_err("Lintel: ACPI poweroff did not take effect\n");
    } else {
        pr_err("Lintel: no ACPI soft-off available\n");
    }
    pr_err("Lintel: resetting instead, through the keyboard controller\n");
    keyboard_controller_reset();
    triple_fault();
}

/* dom0's own S5 values (XENPF_enter_acpi_sleep): SLP_TYP first, then SLP_EN. */
__noreturn void machine_acpi_soft_off(uint16_t pm1a_value, uint16_t pm1b_value)
{
    local_irq_disable();
    printk("Lintel: powering off (ACPI S5 requested by dom0)\n");
    outw(acpi.pm1a_cnt, (uint16_t)(pm1a_value & ~SLP_EN));
    if (acpi.pm1b_cnt)
        outw(acpi.pm1b_cnt, (uint16_t)(pm1b_value & ~SLP_EN));
    outw(acpi.pm1a_cnt, pm1a_value);
    if (acpi.pm1b_cnt)
        outw(acpi.pm1b_cnt, pm1b_value);
    udelay(100000);
    pr_err("Lintel: dom0's ACPI S5 values did not power off; trying the firmware's\n");
    machine_poweroff();
}

__noreturn void machine_stop_after_crash(void)
{
    local_irq_disable();
    if (noreboot) {
        pr_err("Lintel: halted (noreboot given); reset the machine by hand\n");
        machine_halt();
    }
    pr_err("Lintel: rebooting in %d seconds (boot with noreboot to halt instead)\n",
           CRASH_REBOOT_DELAY_S);
    udelay(CRASH_REBOOT_DELAY_S * 1000000);
    machine_reboot();
}
