/* What Lintel needs from the ACPI tables: power control and a few bases. */
#ifndef LINTEL_ACPI_H
#define LINTEL_ACPI_H

#include <lintel/bootinfo.h>

#define ACPI_MAX_CPUS 64

struct acpi_info {
    bool present;
    uint16_t pm1a_cnt, pm1b_cnt;    /* I/O ports; 0 = absent */
    bool have_s5;
    uint8_t s5_typ_a, s5_typ_b;     /* SLP_TYP values for soft-off */
    bool reset_supported;
    uint8_t reset_space;            /* 0 memory, 1 I/O */
    uint64_t reset_addr;
    uint8_t reset_value;
    uint64_t lapic_addr;
    uint64_t hpet_addr;
    unsigned cpu_count;             /* enabled processors in the MADT */
    uint32_t cpu_apic_ids[ACPI_MAX_CPUS];
    const uint8_t *madt;            /* the whole MADT, for the IO-APIC code */
    uint32_t madt_len;
};

extern struct acpi_info acpi;

void acpi_init(const struct boot_info *bi);

#endif
