/*
 * How the platform's interrupt lines reach the CPU, and which of them dom0
 * holds: the MADT's IO-APICs and ISA overrides, and the per-domain PIRQ
 * table behind PHYSDEVOP_map_pirq / EVTCHNOP_bind_pirq. Pure logic (no
 * hardware access, no locking), also compiled into the host unit tests.
 */
#ifndef LINTEL_IRQ_ROUTING_H
#define LINTEL_IRQ_ROUTING_H

#include <lintel/types.h>

#define IRQ_MAX_IOAPICS   8
#define IRQ_MAX_OVERRIDES 16
#define IRQ_NR_ISA        16
/* GSIs Lintel routes; each gets its own vector (ioapic.h). */
#define IRQ_MAX_GSIS      96

struct ioapic_desc {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
    uint32_t nr_pins;           /* filled in from the chip's version register */
};

struct isa_override {
    uint8_t isa_irq;
    uint32_t gsi;
    uint16_t flags;             /* MPS INTI flags: polarity bits 0-1, trigger 2-3 */
};

struct irq_routing {
    unsigned nr_ioapics;
    struct ioapic_desc ioapic[IRQ_MAX_IOAPICS];
    unsigned nr_overrides;
    struct isa_override override[IRQ_MAX_OVERRIDES];
};

/* Reads the IO-APIC (type 1) and override (type 2) entries; the rest of the
 * MADT is other code's business. Returns the number of IO-APICs found. */
unsigned irq_routing_parse_madt(const uint8_t *madt, size_t len, struct irq_routing *out);

/* The line's default mode: ISA lines edge/high unless an override says
 * otherwise, the rest (PCI) level/low, as ACPI specifies. */
void irq_routing_default_mode(const struct irq_routing *r, uint32_t gsi, bool *level,
                              bool *active_low);

/* Index of the IO-APIC serving gsi (-1 if none) and the pin on it. */
int irq_routing_ioapic_of(const struct irq_routing *r, uint32_t gsi, unsigned *pin);

/* ---- A domain's PIRQs: pirq -> GSI, and the event port bound to it ---- */

/* Xen's allowance for dom0 beyond the GSIs (its "d0 has maximum N PIRQs"). */
#define PIRQ_EXTRA_FOR_MSI 184
#define PIRQ_TABLE_MAX     (IRQ_MAX_GSIS + PIRQ_EXTRA_FOR_MSI)
#define PIRQ_NO_GSI        (-1)

struct pirq_entry {
    int16_t gsi;                /* PIRQ_NO_GSI: not mapped */
    bool in_flight;             /* level line masked until the guest's EOI */
    uint32_t port;              /* bound event channel, 0 if none */
};

struct pirq_table {
    unsigned nr_pirqs;
    unsigned nr_gsis;
    struct pirq_entry entry[PIRQ_TABLE_MAX];
    int16_t pirq_of_gsi[IRQ_MAX_GSIS];  /* -1: the GSI is not mapped */
};

void pirq_table_init(struct pirq_table *t, unsigned nr_gsis);
/*
 * Maps gsi to pirq (want < 0: any free one, or the one it already has).
 * Returns the pirq or -EINVAL (bad numbers), -EEXIST (gsi or pirq already
 * mapped differently), -ENOSPC (no free pirq); Xen 4.17's answers.
 */
int pirq_table_map_gsi(struct pirq_table *t, int gsi, int want);
/* 0, -EINVAL (not mapped or out of range), -EBUSY (still bound to a port). */
int pirq_table_unmap(struct pirq_table *t, int pirq);
/* 0, -EINVAL (out of range), -EPERM (not mapped), -EEXIST (already bound). */
int pirq_table_bind(struct pirq_table *t, int pirq, uint32_t port);
void pirq_table_unbind(struct pirq_table *t, int pirq);
/* The entry of a valid pirq, or NULL. */
struct pirq_entry *pirq_table_get(struct pirq_table *t, int pirq);
/* The pirq mapped to gsi, or -1. */
int pirq_table_of_gsi(const struct pirq_table *t, unsigned gsi);
/* A pirq nobody uses (GSI-type above the ISA range first, as Xen), or -ENOSPC. */
int pirq_table_free_pirq(const struct pirq_table *t, bool for_gsi);

#endif
