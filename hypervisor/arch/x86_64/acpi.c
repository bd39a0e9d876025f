/*
 * Minimal ACPI table reading: find the RSDP, walk the RSDT/XSDT, and take
 * from FADT the PM1 control ports and reset register, from the DSDT the
 * \_S5 sleep type (for poweroff), from MADT and HPET their base addresses.
 * No AML interpreter: \_S5 is a constant package in every firmware we meet.
 */
#include <lintel/acpi.h>
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

static bool checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

static const uint8_t *scan_rsdp(uint64_t start, uint64_t len)
{
    for (uint64_t pa = start; pa + 20 <= start + len; pa += 16) {
        const uint8_t *p = phys_to_virt(pa);
        if (!memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20))
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
    if (h->length < sizeof(*h) || h->length > MAX_TABLE_BYTES ||
        !checksum_ok(h, h->length)) {
        pr_warn("ACPI: table at %#lx has a bad length or checksum; ignored\n",
                (unsigned long)pa);
        return NULL;
    }
    return h;
}

/* Reads Package(){ a, b, ... } after the name "_S5_" in AML. */
static void parse_s5(const struct acpi_header *dsdt)
{
    const uint8_t *aml = (const uint8_t *)dsdt, *end = aml + dsdt->length;

    for (const uint8_t *p = aml + sizeof(*dsdt); p + 12 < end; p++) {
        uint8_t values[2];
        const uint8_t *q;

        if (memcmp(p, "_S5_", 4) || p[4] != 0x12)      /* PackageOp */
            continue;
        q = p + 5 + ((p[5] >> 6) & 3) + 1;              /* PkgLength */
        q++;                                            /* NumElements */
        for (int i = 0; i < 2 && q < end; i++) {
            if (*q == 0x0a)                             /* BytePrefix */
                q++;
            values[i] = *q++ & 7;
        }
        acpi.s5_typ_a = values[0];
        acpi.s5_typ_b = values[1];
        acpi.have_s5 = true;
        return;
    }
}

static void parse_fadt(const struct acpi_header *h)
{
    const uint8_t *f = (const uint8_t *)h;
    uint32_t pm1a, pm1b, dsdt32, flags;
    uint64_t dsdt = 0;
    const struct acpi_header *d;

    if (h->length < 116)
        return;
    memcpy(&dsdt32, f + 40, 4);
    memcpy(&pm1a, f + 64, 4);
    memcpy(&pm1b, f + 68, 4);
    memcpy(&flags, f + 112, 4);
    acpi.pm1a_cnt = (uint16_t)pm1a;
    acpi.pm1b_cnt = (uint16_t)pm1b;
    dsdt = dsdt32;
    if (h->length >= 129 && (flags & (1u << 10))) {     /* RESET_REG_SUP */
        acpi.reset_supported = true;
        acpi.reset_space = f[116];
        memcpy(&acpi.reset_addr, f + 120, 8);
        acpi.reset_value = f[128];
    }
    if (h->length >= 148) {
        uint64_t x_dsdt;
        memcpy(&x_dsdt, f + 140, 8);
        if (x_dsdt)
            dsdt = x_dsdt;
    }
    d = map_table(dsdt);
    if (d)
        parse_s5(d);
}

/* Local APIC (type 0) and x2APIC (type 9) entries, enabled or online-capable. */
static void parse_madt_cpus(const struct acpi_header *h)
{
    const uint8_t *p = (const uint8_t *)h + 44, *end = (const uint8_t *)h + h->length;

    for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        uint32_t id, flags;

        if (p[0] == 0 && p[1] >= 8) {
            id = p[3];
            memcpy(&flags, p + 4, 4);
        } else if (p[0] == 9 && p[1] >= 16) {
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
        } else {
            continue;
        }
        if (!(flags & 3) || acpi.cpu_count == ACPI_MAX_CPUS)
            continue;
        acpi.cpu_apic_ids[acpi.cpu_count++] = id;
    }
}

static void parse_table(const struct acpi_header *h)
{
    if (!memcmp(h->signature, "FACP", 4)) {
        parse_fadt(h);
    } else if (!memcmp(h->signature, "APIC", 4) && h->length >= 44) {
        uint32_t lapic;
        memcpy(&lapic, (const uint8_t *)h + 36, 4);
        acpi.lapic_addr = lapic;
        parse_madt_cpus(h);
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
    pr_info("ACPI: %u CPU%s in the MADT (Lintel runs on the boot CPU only)\n",
            acpi.cpu_count, acpi.cpu_count == 1 ? "" : "s");
}
