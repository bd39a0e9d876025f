/* ACPI table contents: FADT fields, the \_S5 package in AML, MADT CPUs;
 * every parser is also fed truncated and malformed tables (under ASan). */
#include "unit.h"

#include <lintel/acpi_tables.h>
#include <lintel/errno.h>

static uint8_t table[512];

static void put32(size_t off, uint32_t v)
{
    memcpy(table + off, &v, 4);
}

/* A DSDT whose AML holds Name(_S5_, Package(4){ <elements> }). */
static size_t build_dsdt(const uint8_t *elements, size_t n)
{
    size_t at = ACPI_HEADER_SIZE + 10;

    memset(table, 0, sizeof(table));
    memcpy(table, "DSDT", 4);
    table[at - 1] = 0x08;               /* NameOp */
    memcpy(table + at, "_S5_", 4);
    table[at + 4] = 0x12;               /* PackageOp */
    table[at + 5] = (uint8_t)(n + 2);   /* PkgLength, one byte */
    table[at + 6] = 4;                  /* NumElements */
    memcpy(table + at + 7, elements, n);
    return at + 7 + n;
}

static void checksum(void **state)
{
    uint8_t t[8] = { 1, 2, 3, 4, 5, 6, 7, 0 };

    (void)state;
    assert_false(acpi_checksum_ok(t, sizeof(t)));
    t[7] = (uint8_t)(0 - 28);
    assert_true(acpi_checksum_ok(t, sizeof(t)));
}

static void s5_with_zero_ops_and_byte_prefix(void **state)
{
    const uint8_t zeros[] = { 0x00, 0x00, 0x00, 0x00 };
    const uint8_t bytes[] = { 0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };
    uint8_t a = 9, b = 9;
    size_t len;

    (void)state;
    len = build_dsdt(zeros, sizeof(zeros));
    assert_int_equal(acpi_parse_s5(table, len, &a, &b), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 0);
    len = build_dsdt(bytes, sizeof(bytes));
    assert_int_equal(acpi_parse_s5(table, len, &a, &b), 0);
    assert_int_equal(a, 5);
    assert_int_equal(b, 7);
}

static void s5_missing_or_not_a_package(void **state)
{
    const uint8_t bytes[] = { 0x0a, 0x05, 0x0a, 0x07 };
    uint8_t a, b;
    size_t len;

    (void)state;
    len = build_dsdt(bytes, sizeof(bytes));
    table[ACPI_HEADER_SIZE + 10 + 4] = 0x13;        /* not PackageOp */
    assert_int_equal(acpi_parse_s5(table, len, &a, &b), -ENOENT);
    memset(table, 0, sizeof(table));
    assert_int_equal(acpi_parse_s5(table, 200, &a, &b), -ENOENT);
    /* A string "_S5_" that is not a Name() does not count. */
    len = build_dsdt(bytes, sizeof(bytes));
    table[ACPI_HEADER_SIZE + 9] = 0x0d;
    assert_int_equal(acpi_parse_s5(table, len, &a, &b), -ENOENT);
}

static void s5_every_truncation_is_safe(void **state)
{
    const uint8_t bytes[] = { 0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };
    size_t full = build_dsdt(bytes, sizeof(bytes));
    uint8_t a, b;

    (void)state;
    for (size_t len = ACPI_HEADER_SIZE; len < full; len++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, table, len);
        /* Too short to hold both values: never found, never overread. */
        if (len < full - 2)
            assert_int_equal(acpi_parse_s5(copy, len, &a, &b), -ENOENT);
        else
            acpi_parse_s5(copy, len, &a, &b);
        free(copy);
    }
}

static void fadt_fields(void **state)
{
    struct acpi_fadt_info f;
    uint64_t x_dsdt = 0x7fe0000, reset = 0xcf9;

    (void)state;
    memset(table, 0, sizeof(table));
    put32(40, 0x1000);
    put32(64, 0x604);
    put32(68, 0);
    assert_int_equal(acpi_parse_fadt(table, 116, &f), 0);
    assert_int_equal(f.pm1a_cnt, 0x604);
    assert_int_equal(f.dsdt, 0x1000);
    assert_false(f.reset_supported);
    /* Revision 3+: reset register and the 64-bit DSDT pointer. */
    put32(112, 1u << 10);
    table[116] = 1;
    memcpy(table + 120, &reset, 8);
    table[128] = 6;
    memcpy(table + 140, &x_dsdt, 8);
    assert_int_equal(acpi_parse_fadt(table, 244, &f), 0);
    assert_true(f.reset_supported);
    assert_int_equal(f.reset_space, 1);
    assert_int_equal(f.reset_addr, 0xcf9);
    assert_int_equal(f.reset_value, 6);
    assert_int_equal(f.dsdt, 0x7fe0000);
    /* Too short for the reset register: it is not trusted. */
    assert_int_equal(acpi_parse_fadt(table, 120, &f), 0);
    assert_false(f.reset_supported);
    assert_int_equal(acpi_parse_fadt(table, 60, &f), -EINVAL);
}

static size_t build_madt(void)
{
    size_t at = 44;

    memset(table, 0, sizeof(table));
    memcpy(table, "APIC", 4);
    /* Enabled CPU id 0, disabled id 1, enabled id 2, an I/O APIC, an x2APIC. */
    const uint8_t entries[] = {
        0, 8, 0, 0, 1, 0, 0, 0,
        0, 8, 1, 1, 0, 0, 0, 0,
        0, 8, 2, 2, 1, 0, 0, 0,
        1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,
        9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0,
    };
    memcpy(table + at, entries, sizeof(entries));
    return at + sizeof(entries);
}

static void madt_cpus(void **state)
{
    uint32_t ids[8];
    size_t len = build_madt();

    (void)state;
    assert_int_equal(acpi_parse_madt_cpus(table, len, ids, 8), 3);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 2);
    assert_int_equal(ids[2], 0x100);
    /* The caller's array bounds the count. */
    assert_int_equal(acpi_parse_madt_cpus(table, len, ids, 1), 1);
}

static void madt_malformed_entries_stop_the_walk(void **state)
{
    uint32_t ids[8];
    size_t len = build_madt();

    (void)state;
    table[44 + 8 + 1] = 0;              /* zero-length entry: must not spin */
    assert_int_equal(acpi_parse_madt_cpus(table, len, ids, 8), 1);
    build_madt();
    table[44 + 1] = 200;                /* runs past the table */
    assert_int_equal(acpi_parse_madt_cpus(table, len, ids, 8), 0);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        build_madt();
        memcpy(copy, table, cut);
        assert_true(acpi_parse_madt_cpus(copy, cut, ids, 8) <= 3);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checksum),
        cmocka_unit_test(s5_with_zero_ops_and_byte_prefix),
        cmocka_unit_test(s5_missing_or_not_a_package),
        cmocka_unit_test(s5_every_truncation_is_safe),
        cmocka_unit_test(fadt_fields),
        cmocka_unit_test(madt_cpus),
        cmocka_unit_test(madt_malformed_entries_stop_the_walk),
    };
    return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
