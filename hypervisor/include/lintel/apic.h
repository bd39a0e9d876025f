/* The local APIC: interrupt delivery and the per-CPU one-shot timer. */
#ifndef LINTEL_APIC_H
#define LINTEL_APIC_H

#include <lintel/types.h>

void pic_disable(void);
void apic_init(void);
/* An application processor's own APIC and timer (after apic_init on the BSP). */
void apic_init_ap(void);
/* Fixed-vector IPI; INIT and STARTUP (start_page = physical address >> 12). */
void apic_send_ipi(uint32_t apic_id, unsigned vector);
void apic_send_init(uint32_t apic_id);
void apic_send_startup(uint32_t apic_id, uint32_t start_page);
void apic_eoi(void);
uint32_t apic_read_error(void);
uint32_t apic_id(void);
/* Ticks per second of the APIC timer at divide-by-1, found at boot. */
uint64_t apic_timer_hz(void);
bool apic_uses_tsc_deadline(void);

#endif
