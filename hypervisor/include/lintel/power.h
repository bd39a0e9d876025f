/* Turning the machine off or over: ACPI first, legacy fallbacks after. */
#ifndef LINTEL_POWER_H
#define LINTEL_POWER_H

#include <lintel/types.h>

__noreturn void machine_poweroff(void);
__noreturn void machine_reboot(void);
__noreturn void machine_halt(void);
/* After a crash or fatal boot error: halt if noreboot, else reboot. */
__noreturn void machine_stop_after_crash(void);
void power_set_noreboot(bool noreboot);

#endif
