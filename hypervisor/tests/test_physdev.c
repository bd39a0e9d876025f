/* dom0's interrupt routing: the MADT's IO-APICs and ISA overrides (also
 * truncated and malformed, under ASan), line modes, and the PIRQ table's
 * map/bind/unmap rules with Xen 4.17's errno values. */
#include "unit.h"

#include <lintel/errno.h>
#include <lintel/irq_routing.h>
#include <lintel/pci_registry.h>

static uint8_t madt[256];
static size_t madt_len;

static void madt_start(void)
{
    memset(madt, 0, sizeof(madt));
    memcpy(madt, "APIC", 4);
    madt_len = 44;
}

static void put(const uint8_t *entry, size_t n)
{
    memcpy(madt + madt_len, entry, n);
    madt_len += n;
}

static void add_ioapic(uint8_t id, uint32_t addr, uint32_t base)
{
    uint8_t e[12] = { 1, 12, id, 0 };

    memcpy(e + 4, &addr, 4);
    memcpy(e + 8, &base, 4);
    put(e, sizeof(e));
}

static void add_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { 2, 10, bus, irq };

    memcpy(e + 4, &gsi, 4);
    memcpy(e + 8, &flags, 2);
    put(e, sizeof(e));
}

/* QEMU's i440fx MADT: one IO-APIC, IRQ0 on GSI 2, PCI lines 5/9/10/11 level-high. */
static void qemu_madt(void)
{
    uint8_t lapic[8] = { 0, 8, 0, 0, 1, 0, 0, 0 };

    madt_start();
    put(lapic, sizeof(lapic));
    add_ioapic(0, 0xfec00000, 0);
    add_override(0, 0, 2, 0);
    add_override(0, 5, 5, 0xd);
    add_override(0, 9, 9, 0xd);
}

static void parses_ioapics_and_overrides(void **state)
{
    struct irq_routing r;

    (void)state;
    qemu_madt();
    add_ioapic(1, 0xfec01000, 24);
    assert_int_equal(irq_routing_parse_madt(madt, madt_len, &r), 2);
    assert_int_equal(r.ioapic[0].address, 0xfec00000);
    assert_int_equal(r.ioapic[1].id, 1);
    assert_int_equal(r.ioapic[1].gsi_base, 24);
    assert_int_equal(r.nr_overrides, 3);
    assert_int_equal(r.override[0].gsi, 2);
    assert_int_equal(r.override[2].flags, 0xd);
}

static void overrides_for_other_buses_are_ignored(void **state)
{
    struct irq_routing r;

    (void)state;
    madt_start();
    add_ioapic(0, 0xfec00000, 0);
    add_override(1, 3, 3, 0xf);     /* not ISA */
    add_override(0, 16, 16, 0xf);   /* not an ISA IRQ number */
    irq_routing_parse_madt(madt, madt_len, &r);
    assert_int_equal(r.nr_overrides, 0);
}

static void line_modes(void **state)
{
    struct irq_routing r;
    bool level, low;

    (void)state;
    qemu_madt();
    add_override(0, 11, 11, 0xf);   /* level, active low */
    irq_routing_parse_madt(madt, madt_len, &r);
    irq_routing_default_mode(&r, 1, &level, &low);      /* keyboard: ISA default */
    assert_false(level);
    assert_false(low);
    irq_routing_default_mode(&r, 2, &level, &low);      /* conforms: ISA default */
    assert_false(level);
    irq_routing_default_mode(&r, 9, &level, &low);      /* the SCI */
    assert_true(level);
    assert_false(low);
    irq_routing_default_mode(&r, 11, &level, &low);
    assert_true(level);
    assert_true(low);
    irq_routing_default_mode(&r, 20, &level, &low);     /* PCI */
    assert_true(level);
    assert_true(low);
}

static void gsi_to_ioapic_pin(void **state)
{
    struct irq_routing r;
    unsigned pin = 99;

    (void)state;
    madt_start();
    add_ioapic(0, 0xfec00000, 0);
    add_ioapic(1, 0xfec01000, 24);
    irq_routing_parse_madt(madt, madt_len, &r);
    r.ioapic[0].nr_pins = 24;
    r.ioapic[1].nr_pins = 8;
    assert_int_equal(irq_routing_ioapic_of(&r, 23, &pin), 0);
    assert_int_equal(pin, 23);
    assert_int_equal(irq_routing_ioapic_of(&r, 30, &pin), 1);
    assert_int_equal(pin, 6);
    assert_int_equal(irq_routing_ioapic_of(&r, 32, &pin), -1);
}

static void every_truncation_is_safe(void **state)
{
    struct irq_routing r;
    uint8_t *copy;

    (void)state;
    qemu_madt();
    for (size_t len = 0; len <= madt_len; len++) {
        copy = malloc(len ? len : 1);
        memcpy(copy, madt, len);
        irq_routing_parse_madt(copy, len, &r);
        assert_true(r.nr_ioapics <= 1);
        free(copy);
    }
}

static void malformed_lengths_stop_the_walk(void **state)
{
    struct irq_routing r;
    uint8_t zero_len[2] = { 1, 0 };
    uint8_t short_ioapic[6] = { 1, 6, 0, 0, 0, 0 };

    (void)state;
    madt_start();
    put(short_ioapic, sizeof(short_ioapic));   /* too short: skipped */
    add_ioapic(0, 0xfec00000, 0);
    put(zero_len, sizeof(zero_len));           /* would loop forever */
    add_ioapic(1, 0xfec01000, 24);
    assert_int_equal(irq_routing_parse_madt(madt, madt_len, &r), 1);
}

static void map_gsi_like_xen(void **state)
{
    static struct pirq_table t;

    (void)state;
    pirq_table_init(&t, 24);
    assert_int_equal(t.nr_pirqs, 24 + PIRQ_EXTRA_FOR_MSI);
    assert_int_equal(pirq_table_map_gsi(&t, 9, 9), 9);
    assert_int_equal(pirq_table_map_gsi(&t, 9, 9), 9);          /* again: same */
    assert_int_equal(pirq_table_map_gsi(&t, 9, -1), 9);         /* any: the one it has */
    assert_int_equal(pirq_table_map_gsi(&t, 9, 10), -EEXIST);   /* mapped elsewhere */
    assert_int_equal(pirq_table_map_gsi(&t, 10, 9), -EEXIST);   /* pirq taken */
    assert_int_equal(pirq_table_map_gsi(&t, 24, 24), -EINVAL);  /* no such GSI */
    assert_int_equal(pirq_table_map_gsi(&t, -1, 3), -EINVAL);
    assert_int_equal(pirq_table_map_gsi(&t, 3, (int)t.nr_pirqs), -EINVAL);
    assert_int_equal(pirq_table_map_gsi(&t, 20, -1), 16);       /* first above ISA */
    assert_int_equal(pirq_table_of_gsi(&t, 20), 16);
    assert_int_equal(pirq_table_of_gsi(&t, 21), -1);
}

static void free_pirqs_run_out(void **state)
{
    static struct pirq_table t;

    (void)state;
    pirq_table_init(&t, 24);
    for (unsigned i = 0; i < t.nr_pirqs; i++)
        t.entry[i].gsi = 0;
    assert_int_equal(pirq_table_free_pirq(&t, true), -ENOSPC);
    assert_int_equal(pirq_table_map_gsi(&t, 5, -1), -ENOSPC);
    t.entry[100].gsi = PIRQ_NO_GSI;
    assert_int_equal(pirq_table_free_pirq(&t, true), 100);
    assert_int_equal(pirq_table_free_pirq(&t, false), 100);
}

static void bind_and_unmap(void **state)
{
    static struct pirq_table t;

    (void)state;
    pirq_table_init(&t, 24);
    assert_int_equal(pirq_table_bind(&t, 4, 7), -EPERM);         /* not mapped */
    assert_int_equal(pirq_table_bind(&t, 100000, 7), -EINVAL);
    assert_int_equal(pirq_table_bind(&t, -1, 7), -EINVAL);
    assert_int_equal(pirq_table_map_gsi(&t, 4, 4), 4);
    assert_int_equal(pirq_table_bind(&t, 4, 7), 0);
    assert_int_equal(pirq_table_get(&t, 4)->port, 7);
    assert_int_equal(pirq_table_bind(&t, 4, 8), -EEXIST);
    assert_int_equal(pirq_table_unmap(&t, 4), -EBUSY);           /* still bound */
    pirq_table_get(&t, 4)->in_flight = true;
    pirq_table_unbind(&t, 4);
    assert_false(pirq_table_get(&t, 4)->in_flight);
    assert_int_equal(pirq_table_unmap(&t, 4), 0);
    assert_int_equal(pirq_table_unmap(&t, 4), -EINVAL);          /* not mapped now */
    assert_int_equal(pirq_table_of_gsi(&t, 4), -1);
    assert_int_equal(pirq_table_map_gsi(&t, 5, 4), 4);           /* pirq free again */
}

static void pci_devices_dom0_reports(void **state)
{
    static struct pci_registry r;
    struct pci_device_id a = { 0, 0, 0x08 }, b = { 1, 0, 0x08 };

    (void)state;
    assert_int_equal(pci_registry_add(&r, a), 0);
    assert_int_equal(pci_registry_add(&r, a), 0);               /* known: fine, once */
    assert_int_equal(r.count, 1);
    assert_int_equal(pci_registry_remove(&r, b), -19);          /* another segment */
    assert_int_equal(pci_registry_add(&r, b), 0);
    assert_int_equal(pci_registry_remove(&r, a), 0);
    assert_int_equal(pci_registry_remove(&r, a), -19);
    assert_int_equal(r.count, 1);
    for (unsigned i = 1; i < PCI_REGISTRY_MAX; i++)
        assert_int_equal(pci_registry_add(&r, (struct pci_device_id){ 2, (uint8_t)(i >> 8),
                                                                      (uint8_t)i }), 0);
    assert_int_equal(pci_registry_add(&r, a), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_ioapics_and_overrides),
        cmocka_unit_test(overrides_for_other_buses_are_ignored),
        cmocka_unit_test(line_modes),
        cmocka_unit_test(gsi_to_ioapic_pin),
        cmocka_unit_test(every_truncation_is_safe),
        cmocka_unit_test(malformed_lengths_stop_the_walk),
        cmocka_unit_test(map_gsi_like_xen),
        cmocka_unit_test(free_pirqs_run_out),
        cmocka_unit_test(bind_and_unmap),
        cmocka_unit_test(pci_devices_dom0_reports),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
