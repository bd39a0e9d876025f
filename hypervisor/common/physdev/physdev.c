/*
 * The hardware domain's physical interrupts, as Xen gives them to a PV
 * dom0: dom0 maps a GSI to a PIRQ (map_pirq), sets its trigger mode
 * (setup_gsi), binds an event channel to the PIRQ (EVTCHNOP_bind_pirq, which
 * unmasks the IO-APIC pin) and then sees each interrupt as an event.
 *
 * Acknowledging: an edge line is acknowledged at the local APIC at once. A
 * level line is masked at the IO-APIC first and stays masked until dom0's
 * PHYSDEVOP_eoi, because it stays asserted until dom0's driver has dealt
 * with the device. irq_status_query therefore always says "needs EOI", as
 * Xen 4.17 does.
 *
 * Only the privileged domain holds PIRQs (no passthrough), so there is
 * one table. Lock order: events, then physdev; the interrupt path drops the
 * physdev lock before it raises the event.
 */
#include <lintel/apic.h>
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/guest_access.h>
#include <lintel/ioapic.h>
#include <lintel/irq_routing.h>
#include <lintel/keyhandler.h>
#include <lintel/pci_registry.h>
#include <lintel/physdev.h>
#include <lintel/printk.h>
#include <lintel/spinlock.h>
#include <public/physdev.h>
#include <public/xen.h>

#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef ESRCH
#define ESRCH 3
#endif

static spinlock_t physdev_lock = SPINLOCK_INIT;
static struct pirq_table pirqs;
/* GSIs whose mode dom0 has set: a second setup_gsi is -EEXIST, as on Xen. */
static bool gsi_set_up[IRQ_MAX_GSIS];
static uint64_t gsi_count[IRQ_MAX_GSIS];
static uint64_t unbound_interrupts;
static struct pci_registry pci_devices;
/* Who the bound PIRQs belong to, set at bind time: the interrupt path must
 * not look domains up (that lock is not interrupt-safe). */
static struct domain *pirq_owner;

static void physdev_key(char key);

void physdev_init(void)
{
    ioapic_init();
    pirq_table_init(&pirqs, ioapic_nr_gsis());
    keyhandler_register('Q', physdev_key, "dump physical IRQs (PIRQs) of dom0");
}

/* ---- interrupts ---- */

void physdev_gsi_interrupt(unsigned gsi)
{
    unsigned long flags = spin_lock_irqsave(&physdev_lock);
    struct domain *d = pirq_owner;
    int pirq = pirq_table_of_gsi(&pirqs, gsi);
    struct pirq_entry *e = pirq_table_get(&pirqs, pirq);
    uint32_t port = e ? e->port : 0;

    if (!port || !d) {
        /* Unmasked lines are bound ones; a stray one is silenced. */
        ioapic_mask(gsi);
        unbound_interrupts++;
    } else if (ioapic_is_level(gsi)) {
        ioapic_mask(gsi);
        e->in_flight = true;
    }
    if (gsi < IRQ_MAX_GSIS)
        gsi_count[gsi]++;
    spin_unlock_irqrestore(&physdev_lock, flags);
    apic_eoi();
    if (port && d)
        send_guest_pirq(d, port, (uint32_t)pirq);
}

/* Ends the in-flight state of a level line: it may fire again. */
static void eoi_locked(struct pirq_entry *e)
{
    if (!e->in_flight)
        return;
    e->in_flight = false;
    if (e->port && e->gsi != PIRQ_NO_GSI)
        ioapic_unmask((unsigned)e->gsi);
}

/* ---- binding (from common/events, its lock held) ---- */

int physdev_pirq_bind(struct domain *d, uint32_t pirq, uint32_t port)
{
    unsigned long flags;
    struct pirq_entry *e;
    int rc;

    if (pirq >= pirqs.nr_pirqs)
        return -EINVAL;
    if (!d->is_privileged)
        return -EPERM;
    flags = spin_lock_irqsave(&physdev_lock);
    rc = pirq_table_bind(&pirqs, (int)pirq, port);
    e = pirq_table_get(&pirqs, (int)pirq);
    if (!rc) {
        pirq_owner = d;
        ioapic_unmask((unsigned)e->gsi);
    }
    spin_unlock_irqrestore(&physdev_lock, flags);
    return rc;
}

void physdev_pirq_unbind(struct domain *d, uint32_t pirq)
{
    struct pirq_entry *e;
    unsigned long flags;

    if (!d->is_privileged)
        return;
    flags = spin_lock_irqsave(&physdev_lock);
    e = pirq_table_get(&pirqs, (int)pirq);
    if (e && e->port && e->gsi != PIRQ_NO_GSI)
        ioapic_mask((unsigned)e->gsi);
    pirq_table_unbind(&pirqs, (int)pirq);
    spin_unlock_irqrestore(&physdev_lock, flags);
}

/* ---- PHYSDEVOP_* ---- */

static long op_eoi(uint64_t arg)
{
    struct physdev_eoi eoi;
    struct pirq_entry *e;
    unsigned long flags;
    long rc = 0;

    if (copy_from_guest(&eoi, arg, sizeof(eoi)))
        return -EFAULT;
    if (!current_domain()->is_privileged)
        return -EINVAL;             /* a domain without PIRQs names none */
    flags = spin_lock_irqsave(&physdev_lock);
    e = pirq_table_get(&pirqs, (int)eoi.irq);
    if (!e || (e->gsi == PIRQ_NO_GSI && !e->port))
        rc = -EINVAL;
    else
        eoi_locked(e);
    spin_unlock_irqrestore(&physdev_lock, flags);
    return rc;
}

static long op_irq_status_query(uint64_t arg)
{
    struct physdev_irq_status_query q;

    if (copy_from_guest(&q, arg, sizeof(q)))
        return -EFAULT;
    if (q.irq >= pirqs.nr_pirqs)
        return -EINVAL;
    /* Always: dom0 must tell us when a level line may fire again. */
    q.flags = XENIRQSTAT_needs_eoi;
    return copy_to_guest(arg, &q, sizeof(q)) ? -EFAULT : 0;
}

/* The legacy "I unmasked my ports": lines whose event was handled may fire again. */
static long op_unmask_notify(void)
{
    struct domain *d = current_domain();
    uint32_t ports[PIRQ_TABLE_MAX];
    unsigned long flags;
    unsigned n = 0;

    if (!d->is_privileged)
        return 0;
    flags = spin_lock_irqsave(&physdev_lock);
    for (unsigned p = 0; p < pirqs.nr_pirqs; p++)
        if (pirqs.entry[p].in_flight)
            ports[n++] = p;
    spin_unlock_irqrestore(&physdev_lock, flags);
    /* Checked outside our lock: the events lock comes first. */
    for (unsigned i = 0; i < n; i++) {
        struct pirq_entry *e = &pirqs.entry[ports[i]];

        if (e->port && evtchn_port_is_pending(d, e->port))
            continue;
        flags = spin_lock_irqsave(&physdev_lock);
        eoi_locked(e);
        spin_unlock_irqrestore(&physdev_lock, flags);
    }
    return 0;
}

/* PIRQs are dom0's own: mapping for another domain would be passthrough. */
static long check_target(domid_t domid)
{
    struct domain *cur = current_domain();

    if (!cur->is_privileged)
        return -EPERM;
    if (domid == DOMID_SELF || domid == cur->id)
        return 0;
    return domain_lookup(domid) ? -EPERM : -ESRCH;
}

static long op_map_pirq(uint64_t arg)
{
    struct physdev_map_pirq map;
    unsigned long flags;
    long rc;
    int pirq;

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    rc = check_target(map.domid);
    if (rc)
        return rc;
    switch (map.type) {
    case MAP_PIRQ_TYPE_GSI:
        break;
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
    case MAP_PIRQ_TYPE_MULTI_MSI:
        /* No MSI support: Xen's answer for a device it does not manage. */
        return -ENODEV;
    default:
        return -EINVAL;
    }
    flags = spin_lock_irqsave(&physdev_lock);
    pirq = pirq_table_map_gsi(&pirqs, map.index, map.pirq);
    spin_unlock_irqrestore(&physdev_lock, flags);
    if (pirq < 0)
        return pirq;
    map.pirq = pirq;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long op_unmap_pirq(uint64_t arg)
{
    struct physdev_unmap_pirq unmap;
    unsigned long flags;
    long rc;

    if (copy_from_guest(&unmap, arg, sizeof(unmap)))
        return -EFAULT;
    rc = check_target(unmap.domid);
    if (rc)
        return rc;
    flags = spin_lock_irqsave(&physdev_lock);
    rc = pirq_table_unmap(&pirqs, unmap.pirq);
    spin_unlock_irqrestore(&physdev_lock, flags);
    return rc;
}

static long op_setup_gsi(uint64_t arg)
{
    struct physdev_setup_gsi s;
    unsigned long flags;
    long rc;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    if (s.gsi < 0 || (unsigned)s.gsi >= ioapic_nr_gsis())
        return -EINVAL;
    if (!current_domain()->is_privileged)
        return -EPERM;
    flags = spin_lock_irqsave(&physdev_lock);
    if (gsi_set_up[s.gsi]) {
        rc = -EEXIST;
    } else {
        rc = ioapic_set_mode((unsigned)s.gsi, s.triggering, s.polarity);
        gsi_set_up[s.gsi] = !rc;
    }
    spin_unlock_irqrestore(&physdev_lock, flags);
    return rc;
}

static long op_apic_read(uint64_t arg)
{
    struct physdev_apic a;
    long rc;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -EFAULT;
    if (!current_domain()->is_privileged)
        return -EPERM;
    rc = ioapic_read_register(a.apic_physbase, a.reg, &a.value);
    if (copy_to_guest(arg, &a, sizeof(a)))
        return -EFAULT;
    return rc;
}

/* The vector is Lintel's business; dom0 is told its IRQ number, as on Xen. */
static long op_alloc_irq_vector(uint64_t arg)
{
    struct physdev_irq irq;

    if (copy_from_guest(&irq, arg, sizeof(irq)))
        return -EFAULT;
    if (!current_domain()->is_privileged)
        return -EPERM;
    irq.vector = irq.irq;
    return copy_to_guest(arg, &irq, sizeof(irq)) ? -EFAULT : 0;
}

/* dom0 tells us of the PCI devices it found; Xen records them too. */
static long op_pci_device(unsigned cmd, uint64_t arg)
{
    struct physdev_pci_device_add add;
    struct physdev_manage_pci_ext ext;
    struct physdev_pci_device dev;
    struct pci_device_id id;
    unsigned long flags;
    long rc;

    switch (cmd) {
    case PHYSDEVOP_pci_device_add:
        /* The fixed part only: the optional array is a proximity domain. */
        if (copy_from_guest(&add, arg, offsetof(struct physdev_pci_device_add, optarr)))
            return -EFAULT;
        id = (struct pci_device_id){ add.seg, add.bus, add.devfn };
        break;
    case PHYSDEVOP_pci_device_remove:
        if (copy_from_guest(&dev, arg, sizeof(dev)))
            return -EFAULT;
        id = (struct pci_device_id){ dev.seg, dev.bus, dev.devfn };
        break;
    case PHYSDEVOP_manage_pci_add_ext:
        if (copy_from_guest(&ext, arg, sizeof(ext)))
            return -EFAULT;
        id = (struct pci_device_id){ 0, ext.bus, ext.devfn };
        break;
    default: {                  /* manage_pci_add / manage_pci_remove */
        struct physdev_manage_pci m;

        if (copy_from_guest(&m, arg, sizeof(m)))
            return -EFAULT;
        id = (struct pci_device_id){ 0, m.bus, m.devfn };
        break;
    }
    }
    if (!current_domain()->is_privileged)
        return -EPERM;
    flags = spin_lock_irqsave(&physdev_lock);
    if (cmd == PHYSDEVOP_pci_device_remove || cmd == PHYSDEVOP_manage_pci_remove)
        rc = pci_registry_remove(&pci_devices, id);
    else
        rc = pci_registry_add(&pci_devices, id);
    spin_unlock_irqrestore(&physdev_lock, flags);
    return rc;
}

long physdev_op(unsigned cmd, uint64_t arg)
{
    switch (cmd) {
    case PHYSDEVOP_eoi:
        return op_eoi(arg);
    case PHYSDEVOP_irq_status_query:
        return op_irq_status_query(arg);
    case PHYSDEVOP_IRQ_UNMASK_NOTIFY:
        return op_unmask_notify();
    case PHYSDEVOP_map_pirq:
        return op_map_pirq(arg);
    case PHYSDEVOP_unmap_pirq:
        return op_unmap_pirq(arg);
    case PHYSDEVOP_setup_gsi:
        return op_setup_gsi(arg);
    case PHYSDEVOP_apic_read:
        return op_apic_read(arg);
    case PHYSDEVOP_apic_write:
        /* Lintel owns the IO-APIC; dom0 describes lines with setup_gsi. */
        return -EPERM;
    case PHYSDEVOP_alloc_irq_vector:
        return op_alloc_irq_vector(arg);
    case PHYSDEVOP_pci_device_add:
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_add_ext:
    case PHYSDEVOP_manage_pci_remove:
        return op_pci_device(cmd, arg);
    default:
        /* pirq_eoi_gmfn (Linux then asks irq_status_query), MSI: none. */
        return -ENOSYS;
    }
}

/* ---- debug key ---- */

static void physdev_key(char key)
{
    unsigned long flags = spin_lock_irqsave(&physdev_lock);

    (void)key;
    printk("dom0 PIRQs (%u GSIs, %u PIRQs; %lu interrupts on unbound lines):\n",
           pirqs.nr_gsis, pirqs.nr_pirqs, (unsigned long)unbound_interrupts);
    for (unsigned p = 0; p < pirqs.nr_pirqs; p++) {
        const struct pirq_entry *e = &pirqs.entry[p];

        if (e->gsi == PIRQ_NO_GSI && !e->port)
            continue;
        printk("  pirq %3u: GSI %3d %s port %4u%s, %lu interrupts\n", p, e->gsi,
               e->gsi >= 0 && ioapic_is_level((unsigned)e->gsi) ? "level" : "edge ",
               e->port, e->in_flight ? " in flight (masked until EOI)" : "",
               e->gsi >= 0 ? (unsigned long)gsi_count[e->gsi] : 0UL);
    }
    printk("PCI devices reported by dom0: %u\n", pci_devices.count);
    for (unsigned i = 0; i < pci_devices.count; i++)
        printk("  %04x:%02x:%02x.%u\n", pci_devices.dev[i].seg, pci_devices.dev[i].bus,
               pci_devices.dev[i].devfn >> 3, pci_devices.dev[i].devfn & 7);
    spin_unlock_irqrestore(&physdev_lock, flags);
}
