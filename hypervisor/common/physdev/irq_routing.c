/*
 * MADT interrupt routing and the PIRQ table (see irq_routing.h). Table
 * bytes come from firmware: every entry is checked against the table's
 * length before it is read.
 */
#include <lintel/errno.h>
#include <lintel/irq_routing.h>
#include <lintel/lib.h>

#define MADT_ENTRIES        44
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_IOAPIC_LEN     12
#define MADT_OVERRIDE_LEN   10

#define INTI_POLARITY_MASK  0x3
#define INTI_POLARITY_LOW   0x3
#define INTI_TRIGGER_MASK   0xc
#define INTI_TRIGGER_LEVEL  0xc

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static void add_ioapic(struct irq_routing *r, const uint8_t *e)
{
    if (r->nr_ioapics >= IRQ_MAX_IOAPICS)
        return;
    r->ioapic[r->nr_ioapics++] = (struct ioapic_desc){
        .id = e[2], .address = rd32(e + 4), .gsi_base = rd32(e + 8),
    };
}

static void add_override(struct irq_routing *r, const uint8_t *e)
{
    uint16_t flags;

    /* Bus 0 is ISA, the only bus ACPI defines overrides for. */
    if (e[2] != 0 || e[3] >= IRQ_NR_ISA || r->nr_overrides >= IRQ_MAX_OVERRIDES)
        return;
    memcpy(&flags, e + 8, 2);
    r->override[r->nr_overrides++] = (struct isa_override){
        .isa_irq = e[3], .gsi = rd32(e + 4), .flags = flags,
    };
}

unsigned irq_routing_parse_madt(const uint8_t *madt, size_t len, struct irq_routing *out)
{
    const uint8_t *p = madt + MADT_ENTRIES, *end = madt + len;

    memset(out, 0, sizeof(*out));
    /* Entries are (type, length, ...); a length under 2 would never advance. */
    for (; len >= MADT_ENTRIES && p + 2 <= end && p[1] >= 2 && p + p[1] <= end;
         p += p[1]) {
        if (p[0] == MADT_IOAPIC && p[1] >= MADT_IOAPIC_LEN)
            add_ioapic(out, p);
        else if (p[0] == MADT_OVERRIDE && p[1] >= MADT_OVERRIDE_LEN)
            add_override(out, p);
    }
    return out->nr_ioapics;
}

void irq_routing_default_mode(const struct irq_routing *r, uint32_t gsi, bool *level,
                              bool *active_low)
{
    /* ISA lines are edge/high and PCI lines level/low unless told otherwise. */
    bool isa = gsi < IRQ_NR_ISA;

    *level = !isa;
    *active_low = !isa;
    for (unsigned i = 0; i < r->nr_overrides; i++) {
        const struct isa_override *o = &r->override[i];
        uint16_t pol = o->flags & INTI_POLARITY_MASK;
        uint16_t trig = o->flags & INTI_TRIGGER_MASK;

        if (o->gsi != gsi)
            continue;
        /* "Conforms to the bus" (0) keeps the ISA default; 2 is reserved. */
        *active_low = pol == INTI_POLARITY_LOW;
        *level = trig == INTI_TRIGGER_LEVEL;
        return;
    }
}

int irq_routing_ioapic_of(const struct irq_routing *r, uint32_t gsi, unsigned *pin)
{
    for (unsigned i = 0; i < r->nr_ioapics; i++) {
        const struct ioapic_desc *a = &r->ioapic[i];

        if (gsi >= a->gsi_base && gsi - a->gsi_base < a->nr_pins) {
            *pin = gsi - a->gsi_base;
            return (int)i;
        }
    }
    return -1;
}

/* ---- PIRQ table ---- */

void pirq_table_init(struct pirq_table *t, unsigned nr_gsis)
{
    memset(t, 0, sizeof(*t));
    t->nr_gsis = MIN(nr_gsis, (unsigned)IRQ_MAX_GSIS);
    t->nr_pirqs = t->nr_gsis + PIRQ_EXTRA_FOR_MSI;
    for (unsigned i = 0; i < PIRQ_TABLE_MAX; i++)
        t->entry[i].gsi = PIRQ_NO_GSI;
    for (unsigned i = 0; i < IRQ_MAX_GSIS; i++)
        t->pirq_of_gsi[i] = -1;
}

struct pirq_entry *pirq_table_get(struct pirq_table *t, int pirq)
{
    return pirq >= 0 && (unsigned)pirq < t->nr_pirqs ? &t->entry[pirq] : NULL;
}

int pirq_table_of_gsi(const struct pirq_table *t, unsigned gsi)
{
    return gsi < t->nr_gsis ? t->pirq_of_gsi[gsi] : -1;
}

static bool pirq_free(const struct pirq_table *t, unsigned pirq)
{
    return t->entry[pirq].gsi == PIRQ_NO_GSI && !t->entry[pirq].port;
}

int pirq_table_free_pirq(const struct pirq_table *t, bool for_gsi)
{
    if (for_gsi)
        for (unsigned i = IRQ_NR_ISA; i < t->nr_gsis; i++)
            if (pirq_free(t, i))
                return (int)i;
    for (unsigned i = t->nr_pirqs; i-- > t->nr_gsis;)
        if (pirq_free(t, i))
            return (int)i;
    return -ENOSPC;
}

int pirq_table_map_gsi(struct pirq_table *t, int gsi, int want)
{
    int current;

    if (gsi < 0 || (unsigned)gsi >= t->nr_gsis)
        return -EINVAL;
    current = t->pirq_of_gsi[gsi];
    if (want < 0) {
        if (current >= 0)
            return current;
        want = pirq_table_free_pirq(t, true);
        if (want < 0)
            return want;
    } else if (current >= 0) {
        return current == want ? want : -EEXIST;
    }
    if ((unsigned)want >= t->nr_pirqs)
        return -EINVAL;
    if (t->entry[want].gsi != PIRQ_NO_GSI)
        return -EEXIST;
    t->entry[want].gsi = (int16_t)gsi;
    t->entry[want].in_flight = false;
    t->pirq_of_gsi[gsi] = (int16_t)want;
    return want;
}

int pirq_table_unmap(struct pirq_table *t, int pirq)
{
    struct pirq_entry *e = pirq_table_get(t, pirq);

    if (!e || e->gsi == PIRQ_NO_GSI)
        return -EINVAL;
    if (e->port)
        return -EBUSY;
    t->pirq_of_gsi[e->gsi] = -1;
    e->gsi = PIRQ_NO_GSI;
    e->in_flight = false;
    return 0;
}

int pirq_table_bind(struct pirq_table *t, int pirq, uint32_t port)
{
    struct pirq_entry *e = pirq_table_get(t, pirq);

    if (!e)
        return -EINVAL;
    if (e->gsi == PIRQ_NO_GSI)
        return -EPERM;
    if (e->port)
        return -EEXIST;
    e->port = port;
    e->in_flight = false;
    return 0;
}

void pirq_table_unbind(struct pirq_table *t, int pirq)
{
    struct pirq_entry *e = pirq_table_get(t, pirq);

    if (e) {
        e->port = 0;
        e->in_flight = false;
    }
}
