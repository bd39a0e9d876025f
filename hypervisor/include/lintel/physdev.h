/*
 * Physical interrupts for the hardware domain (common/physdev/): PIRQs
 * mapped onto IO-APIC lines, delivered as events, with Xen's EOI protocol.
 */
#ifndef LINTEL_PHYSDEV_H
#define LINTEL_PHYSDEV_H

#include <lintel/domain.h>

/* After apic_init: finds and masks the IO-APICs, empties dom0's PIRQ table. */
void physdev_init(void);
/* PHYSDEVOP_* other than set_iopl (arch/x86_64/pv/pv_hypercalls.c). */
long physdev_op(unsigned cmd, uint64_t arg);
/* The interrupt of GSI gsi arrived (interrupt context, vector from ioapic.h). */
void physdev_gsi_interrupt(unsigned gsi);
/*
 * EVTCHNOP_bind_pirq and closing such a port (called by common/events with
 * its lock held; this takes the physdev lock inside it). bind returns 0,
 * -EINVAL (no such pirq), -EPERM (not mapped, or not d's), -EEXIST (bound).
 */
int physdev_pirq_bind(struct domain *d, uint32_t pirq, uint32_t port);
void physdev_pirq_unbind(struct domain *d, uint32_t pirq);
/* Raises port of d if it is still bound to pirq (common/events). */
void send_guest_pirq(struct domain *d, uint32_t port, uint32_t pirq);

#endif
