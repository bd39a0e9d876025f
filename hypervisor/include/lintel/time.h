/*
 * System time: nanoseconds since boot, from the TSC calibrated at boot
 * against the PIT. The local APIC timer (one-shot) drives struct timer.
 */
#ifndef LINTEL_TIME_H
#define LINTEL_TIME_H

#include <lintel/types.h>

typedef uint64_t s_time_t;

#define NSEC_PER_SEC  1000000000ULL
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000ULL)

void time_init(void);
s_time_t now_ns(void);
uint64_t tsc_khz(void);
void udelay(unsigned us);

/* Seconds since the epoch read from the CMOS RTC at boot, plus uptime. */
uint64_t wallclock_seconds(void);
uint64_t wallclock_boot_seconds(void);

/* TSC value at which now_ns() will read ns. */
uint64_t ns_to_tsc(s_time_t ns);

/* Programs the local APIC timer to fire at (or just after) deadline. */
void apic_timer_program(s_time_t deadline);

#endif
