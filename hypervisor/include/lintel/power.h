/* Turning the machine off or over: ACPI first, legacy fallbacks after. */
#ifndef LINTEL_POWER_H
#define LINTEL_POWER_H

#include <lintel/types.h>

__noreturn void machine_poweroff(void);
__noreturn void machine_reboot(void);
__noreturn void machine_halt(void);
/* Soft-off with dom0's PM1 control values (its ACPI code computed them). */
__noreturn void machine_acpi_soft_off(uint16_t pm1a_value, uint16_t pm1b_value);
/* After a crash or fatal boot error: halt if noreboot, else reboot. */
__noreturn void machine_stop_after_crash(void);
void power_set_noreboot(bool noreboot);

#endif
