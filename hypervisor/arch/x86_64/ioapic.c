/*
 * IO-APIC programming. Lintel itself takes no device interrupts: every pin
 * is masked at boot and stays masked until dom0 binds an event channel to
 * its PIRQ. Pins are reached through the direct map, which maps low MMIO
 * uncached, like the local APIC.
 */
#include <lintel/acpi.h>
#include <lintel/apic.h>
#include <lintel/errno.h>
#include <lintel/ioapic.h>
#include <lintel/layout.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/spinlock.h>

#define IOREGSEL            0x00
#define IOWIN               0x10
#define IOAPIC_REG_ID       0x00
#define IOAPIC_REG_VERSION  0x01
#define IOAPIC_REG_REDIR    0x10

#define RTE_POLARITY_LOW    (1u << 13)
#define RTE_TRIGGER_LEVEL   (1u << 15)
#define RTE_MASKED          (1u << 16)
#define RTE_DEST_SHIFT      24          /* in the high word */

static struct irq_routing routing;
static unsigned nr_gsis;
/* Each pin's trigger mode, so the interrupt path needs no register read. */
static bool gsi_level[IRQ_MAX_GSIS];
/* IOREGSEL/IOWIN is a two-step access: one at a time across the machine. */
static spinlock_t ioapic_lock = SPINLOCK_INIT;

static volatile uint32_t *regs_of(const struct ioapic_desc *a)
{
    return phys_to_virt(a->address);
}

static uint32_t reg_read(const struct ioapic_desc *a, unsigned reg)
{
    volatile uint32_t *r = regs_of(a);

    r[IOREGSEL / 4] = reg;
    return r[IOWIN / 4];
}

static void reg_write(const struct ioapic_desc *a, unsigned reg, uint32_t value)
{
    volatile uint32_t *r = regs_of(a);

    r[IOREGSEL / 4] = reg;
    r[IOWIN / 4] = value;
}

static const struct ioapic_desc *pin_of(unsigned gsi, unsigned *pin)
{
    int i = gsi < nr_gsis ? irq_routing_ioapic_of(&routing, gsi, pin) : -1;

    return i < 0 ? NULL : &routing.ioapic[i];
}

/* Changes the low word of gsi's redirection entry: clear, then set. */
static int update_entry(unsigned gsi, uint32_t clear, uint32_t set)
{
    unsigned pin;
    const struct ioapic_desc *a = pin_of(gsi, &pin);
    unsigned long flags;
    uint32_t low;

    if (!a)
        return -EINVAL;
    flags = spin_lock_irqsave(&ioapic_lock);
    low = reg_read(a, IOAPIC_REG_REDIR + 2 * pin);
    reg_write(a, IOAPIC_REG_REDIR + 2 * pin, (low & ~clear) | set);
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}

static bool chip_reachable(const struct ioapic_desc *a)
{
    return a->address && a->address + 0x20 <= directmap_limit_phys();
}

/* Every pin masked, fixed delivery of its own vector to the boot CPU. */
static void reset_pins(const struct ioapic_desc *a)
{
    uint32_t dest = apic_id() << RTE_DEST_SHIFT;

    for (unsigned pin = 0; pin < a->nr_pins; pin++) {
        unsigned gsi = a->gsi_base + pin;
        bool level, low;

        irq_routing_default_mode(&routing, gsi, &level, &low);
        gsi_level[gsi] = level;
        reg_write(a, IOAPIC_REG_REDIR + 2 * pin, RTE_MASKED);
        reg_write(a, IOAPIC_REG_REDIR + 2 * pin + 1, dest);
        reg_write(a, IOAPIC_REG_REDIR + 2 * pin,
                  RTE_MASKED | (VECTOR_GSI_BASE + gsi) |
                      (level ? RTE_TRIGGER_LEVEL : 0) | (low ? RTE_POLARITY_LOW : 0));
    }
}

void ioapic_init(void)
{
    if (!acpi.madt || !irq_routing_parse_madt(acpi.madt, acpi.madt_len, &routing)) {
        pr_warn("IO-APIC: none in the MADT; dom0 gets no physical interrupts\n");
        return;
    }
    for (unsigned i = 0; i < routing.nr_ioapics; i++) {
        struct ioapic_desc *a = &routing.ioapic[i];

        if (!chip_reachable(a)) {
            pr_warn("IO-APIC %u at %#x is outside the direct map; ignored\n", a->id,
                    a->address);
            continue;
        }
        a->nr_pins = ((reg_read(a, IOAPIC_REG_VERSION) >> 16) & 0xff) + 1;
        /* Vectors are per GSI: lines past the range Lintel routes stay masked. */
        if (a->gsi_base >= IRQ_MAX_GSIS)
            a->nr_pins = 0;
        else if (a->gsi_base + a->nr_pins > IRQ_MAX_GSIS)
            a->nr_pins = IRQ_MAX_GSIS - a->gsi_base;
        reset_pins(a);
        if (a->gsi_base + a->nr_pins > nr_gsis)
            nr_gsis = a->gsi_base + a->nr_pins;
        pr_info("IO-APIC %u at %#x: GSIs %u-%u, all masked\n", a->id, a->address,
                a->gsi_base, a->gsi_base + a->nr_pins - 1);
    }
    for (unsigned i = 0; i < routing.nr_overrides; i++) {
        const struct isa_override *o = &routing.override[i];
        pr_info("IO-APIC: ISA IRQ %u -> GSI %u (flags %#x)\n", o->isa_irq, o->gsi,
                o->flags);
    }
}

unsigned ioapic_nr_gsis(void)
{
    return nr_gsis;
}

const struct irq_routing *ioapic_routing(void)
{
    return &routing;
}

int ioapic_set_mode(unsigned gsi, bool level, bool active_low)
{
    int rc = update_entry(gsi, RTE_TRIGGER_LEVEL | RTE_POLARITY_LOW,
                          (level ? RTE_TRIGGER_LEVEL : 0) |
                              (active_low ? RTE_POLARITY_LOW : 0));

    if (!rc)
        gsi_level[gsi] = level;
    return rc;
}

bool ioapic_is_level(unsigned gsi)
{
    return gsi < nr_gsis && gsi_level[gsi];
}

void ioapic_mask(unsigned gsi)
{
    update_entry(gsi, 0, RTE_MASKED);
}

void ioapic_unmask(unsigned gsi)
{
    update_entry(gsi, RTE_MASKED, 0);
}

int ioapic_read_register(uint64_t physbase, unsigned reg, uint32_t *value)
{
    for (unsigned i = 0; i < routing.nr_ioapics; i++) {
        const struct ioapic_desc *a = &routing.ioapic[i];
        unsigned long flags;

        if (a->address != physbase || !a->nr_pins)
            continue;
        flags = spin_lock_irqsave(&ioapic_lock);
        *value = reg_read(a, reg);
        spin_unlock_irqrestore(&ioapic_lock, flags);
        return 0;
    }
    return -EINVAL;
}
