/*
 * The IO-APICs: every pin starts masked; a pin is unmasked only while a
 * domain has an event channel bound to it (common/physdev/). GSI n raises
 * vector VECTOR_GSI_BASE + n on the boot CPU.
 */
#ifndef LINTEL_IOAPIC_H
#define LINTEL_IOAPIC_H

#include <lintel/irq_routing.h>

#define VECTOR_GSI_BASE 0x30
#define VECTOR_GSI_LAST (VECTOR_GSI_BASE + IRQ_MAX_GSIS - 1)

/* Finds the IO-APICs in the MADT and masks every pin (after acpi_init). */
void ioapic_init(void);
/* GSIs the IO-APICs serve (0 when there is none). */
unsigned ioapic_nr_gsis(void);
const struct irq_routing *ioapic_routing(void);
/* Programs the pin's trigger mode and polarity; the mask is kept. */
int ioapic_set_mode(unsigned gsi, bool level, bool active_low);
bool ioapic_is_level(unsigned gsi);
void ioapic_mask(unsigned gsi);
void ioapic_unmask(unsigned gsi);
/* Register reg of the IO-APIC at physbase, for dom0 (PHYSDEVOP_apic_read). */
int ioapic_read_register(uint64_t physbase, unsigned reg, uint32_t *value);

#endif
