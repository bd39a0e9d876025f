/* The local APIC: interrupt delivery and the per-CPU one-shot timer. */
#ifndef LINTEL_APIC_H
#define LINTEL_APIC_H

#include <lintel/types.h>

void pic_disable(void);
void apic_init(void);
void apic_eoi(void);
uint32_t apic_read_error(void);
uint32_t apic_id(void);
/* Ticks per second of the APIC timer at divide-by-1, found at boot. */
uint64_t apic_timer_hz(void);
bool apic_uses_tsc_deadline(void);

#endif
