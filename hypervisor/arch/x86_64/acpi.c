/*
 * Minimal ACPI table reading: find the RSDP, walk the RSDT/XSDT, and take
 * from FADT the PM1 control ports and reset register, from the DSDT the
 * \_S5 sleep type (for poweroff), from MADT and HPET their base addresses.
 * No AML interpreter: \_S5 is a constant package in every firmware we meet.
 */
#include <lintel/acpi.h>
#include <lintel/acpi_tables.h>
#include <lintel/layout.h>
#include <lintel/paging.h>
#include <lintel/lib.h>
#include <lintel/printk.h>

#define MAX_TABLE_BYTES (4u << 20)

struct acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;

struct acpi_info acpi;

static const uint8_t *scan_rsdp(uint64_t start, uint64_t len)
{
    for (uint64_t pa = start; pa + 20 <= start + len; pa += 16) {
        const uint8_t *p = phys_to_virt(pa);
        if (!memcmp(p, "RSD PTR ", 8) && acpi_checksum_ok(p, 20))
            return p;
    }
    return NULL;
}

static const uint8_t *find_rsdp(const struct boot_info *bi)
{
    uint16_t ebda_segment;
    const uint8_t *p;

    if (bi->rsdp_len >= 20 && !memcmp(bi->rsdp, "RSD PTR ", 8))
        return bi->rsdp;
    memcpy(&ebda_segment, phys_to_virt(0x40e), 2);
    if (ebda_segment && (p = scan_rsdp((uint64_t)ebda_segment << 4, 1024)))
        return p;
    return scan_rsdp(0xe0000, 0x20000);
}

static const struct acpi_header *map_table(uint64_t pa)
{
    const struct acpi_header *h;

    if (!pa || pa >= directmap_limit_phys())
        return NULL;
    h = phys_to_virt(pa);
    if (h->length < ACPI_HEADER_SIZE || h->length > MAX_TABLE_BYTES ||
        !acpi_checksum_ok(h, h->length)) {
        pr_warn("ACPI: table at %#lx has a bad length or checksum; ignored\n",
                (unsigned long)pa);
        return NULL;
    }
    return h;
}

static void parse_fadt(const struct acpi_header *h)
{
    struct acpi_fadt_info fadt;
    const struct acpi_header *dsdt;

    if (acpi_parse_fadt((const uint8_t *)h, h->length, &fadt))
        return;
    acpi.pm1a_cnt = fadt.pm1a_cnt;
    acpi.pm1b_cnt = fadt.pm1b_cnt;
    acpi.reset_supported = fadt.reset_supported;
    acpi.reset_space = fadt.reset_space;
    acpi.reset_addr = fadt.reset_addr;
    acpi.reset_value = fadt.reset_value;
    dsdt = map_table(fadt.dsdt);
    if (dsdt)
        acpi.have_s5 = !acpi_parse_s5((const uint8_t *)dsdt, dsdt->length,
                                      &acpi.s5_typ_a, &acpi.s5_typ_b);
}

static void parse_table(const struct acpi_header *h)
{
    if (!memcmp(h->signature, "FACP", 4)) {
        parse_fadt(h);
    } else if (!memcmp(h->signature, "APIC", 4) && h->length >= 44) {
        uint32_t lapic;
        memcpy(&lapic, (const uint8_t *)h + 36, 4);
        acpi.lapic_addr = lapic;
        acpi.madt = (const uint8_t *)h;
        acpi.madt_len = h->length;
        acpi.cpu_count = acpi_parse_madt_cpus((const uint8_t *)h, h->length,
                                              acpi.cpu_apic_ids, ACPI_MAX_CPUS);
    } else if (!memcmp(h->signature, "HPET", 4) && h->length >= 56) {
        memcpy(&acpi.hpet_addr, (const uint8_t *)h + 44, 8);
    }
}

void acpi_init(const struct boot_info *bi)
{
    const uint8_t *rsdp = find_rsdp(bi);
    const struct acpi_header *root;
    unsigned entry_size = 4;
    uint64_t root_pa;
    uint32_t rsdt;

    if (!rsdp) {
        pr_warn("ACPI: no RSDP found; poweroff and reboot use legacy methods\n");
        return;
    }
    memcpy(&rsdt, rsdp + 16, 4);
    root_pa = rsdt;
    if (rsdp[15] >= 2 && bi->rsdp_len != 20) {
        uint64_t xsdt;
        memcpy(&xsdt, rsdp + 24, 8);
        if (xsdt) {
            root_pa = xsdt;
            entry_size = 8;
        }
    }
    root = map_table(root_pa);
    if (!root)
        return;
    acpi.present = true;
    for (uint32_t off = sizeof(*root); off + entry_size <= root->length; off += entry_size) {
        uint64_t pa = 0;
        const struct acpi_header *t;

        memcpy(&pa, (const uint8_t *)root + off, entry_size);
        t = map_table(pa);
        if (t)
            parse_table(t);
    }
    pr_info("ACPI: %.6s %s at %#lx; PM1a_CNT %#x, S5 %s (SLP_TYP %u/%u), reset %s "
            "%#lx=%#x, LAPIC %#lx, HPET %#lx\n", root->oem_id,
            entry_size == 8 ? "XSDT" : "RSDT", (unsigned long)root_pa, acpi.pm1a_cnt,
            acpi.have_s5 ? "found" : "missing", acpi.s5_typ_a, acpi.s5_typ_b,
            acpi.reset_supported ? (acpi.reset_space == 1 ? "port" : "mmio") : "none",
            (unsigned long)acpi.reset_addr, acpi.reset_value,
            (unsigned long)acpi.lapic_addr, (unsigned long)acpi.hpet_addr);
    pr_info("ACPI: %u CPU%s in the MADT\n",
            acpi.cpu_count, acpi.cpu_count == 1 ? "" : "s");
}
