/*
 * Parsing of the few ACPI table contents Lintel uses. Tables come from
 * firmware and are checked against their own length before every read.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_ACPI_TABLES_H
#define LINTEL_ACPI_TABLES_H

#include <lintel/types.h>

#define ACPI_HEADER_SIZE 36

struct acpi_fadt_info {
    uint16_t pm1a_cnt, pm1b_cnt;
    uint64_t dsdt;                  /* X_DSDT when present, else DSDT */
    bool reset_supported;
    uint8_t reset_space;            /* 0 memory, 1 I/O */
    uint64_t reset_addr;
    uint8_t reset_value;
};

bool acpi_checksum_ok(const void *table, size_t len);
/* 0, or -EINVAL if the FADT is too short to hold the PM1 control blocks. */
int acpi_parse_fadt(const uint8_t *fadt, size_t len, struct acpi_fadt_info *out);
/* Finds Name(_S5_, Package(){a, b, ...}) in AML; 0 or -ENOENT. */
int acpi_parse_s5(const uint8_t *dsdt, size_t len, uint8_t *typ_a, uint8_t *typ_b);
/* Enabled (or online-capable) local APIC and x2APIC ids; returns the count. */
unsigned acpi_parse_madt_cpus(const uint8_t *madt, size_t len, uint32_t *ids,
                              unsigned max);

#endif
