#include <lintel/acpi_tables.h>
#include <lintel/errno.h>
#include <lintel/lib.h>

#define FADT_DSDT           40
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_RESET_REG_SUP  (1u << 10)
#define MADT_ENTRIES        44
#define AML_NAME_OP         0x08
#define AML_PACKAGE_OP      0x12
#define AML_BYTE_PREFIX     0x0a
#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01

bool acpi_checksum_ok(const void *table, size_t len)
{
    const uint8_t *b = table;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

int acpi_parse_fadt(const uint8_t *f, size_t len, struct acpi_fadt_info *out)
{
    memset(out, 0, sizeof(*out));
    if (len < FADT_PM1B_CNT + 4)
        return -EINVAL;
    out->dsdt = rd32(f + FADT_DSDT);
    out->pm1a_cnt = (uint16_t)rd32(f + FADT_PM1A_CNT);
    out->pm1b_cnt = (uint16_t)rd32(f + FADT_PM1B_CNT);
    if (len > FADT_RESET_VALUE && (rd32(f + FADT_FLAGS) & FADT_RESET_REG_SUP)) {
        out->reset_supported = true;
        out->reset_space = f[FADT_RESET_REG];
        memcpy(&out->reset_addr, f + FADT_RESET_REG + 4, 8);
        out->reset_value = f[FADT_RESET_VALUE];
    }
    if (len >= FADT_X_DSDT + 8) {
        uint64_t x_dsdt;
        memcpy(&x_dsdt, f + FADT_X_DSDT, 8);
        if (x_dsdt)
            out->dsdt = x_dsdt;
    }
    return 0;
}

/* One package element: BytePrefix n, ZeroOp or OneOp. */
static const uint8_t *aml_small_integer(const uint8_t *q, const uint8_t *end,
                                        uint8_t *value)
{
    if (q >= end)
        return NULL;
    if (*q == AML_BYTE_PREFIX) {
        if (q + 1 >= end)
            return NULL;
        *value = q[1];
        return q + 2;
    }
    if (*q != AML_ZERO_OP && *q != AML_ONE_OP)
        return NULL;
    *value = *q;
    return q + 1;
}

int acpi_parse_s5(const uint8_t *dsdt, size_t len, uint8_t *typ_a, uint8_t *typ_b)
{
    const uint8_t *end = dsdt + len;

    for (const uint8_t *p = dsdt + ACPI_HEADER_SIZE; p + 4 <= end; p++) {
        const uint8_t *q = p + 4;
        uint8_t a, b;

        /* Name(_S5_ ...) or Name(\_S5_ ...), then PackageOp. */
        if (memcmp(p, "_S5_", 4) || p == dsdt || (p[-1] != AML_NAME_OP && p[-1] != '\\'))
            continue;
        if (q >= end || *q != AML_PACKAGE_OP)
            continue;
        q++;
        if (q >= end)
            return -ENOENT;
        q += 1 + ((*q >> 6) & 3);           /* PkgLength: 1-4 bytes */
        q++;                                /* NumElements */
        q = aml_small_integer(q, end, &a);
        if (q)
            q = aml_small_integer(q, end, &b);
        if (!q)
            return -ENOENT;
        *typ_a = a & 7;
        *typ_b = b & 7;
        return 0;
    }
    return -ENOENT;
}

unsigned acpi_parse_madt_cpus(const uint8_t *madt, size_t len, uint32_t *ids,
                              unsigned max)
{
    const uint8_t *p = madt + MADT_ENTRIES, *end = madt + len;
    unsigned count = 0;

    /* Entries are (type, length, ...); a length under 2 would never advance. */
    for (; len >= MADT_ENTRIES && p + 2 <= end && p[1] >= 2 && p + p[1] <= end;
         p += p[1]) {
        uint32_t id, flags;

        if (p[0] == 0 && p[1] >= 8) {
            id = p[3];
            flags = rd32(p + 4);
        } else if (p[0] == 9 && p[1] >= 16) {
            id = rd32(p + 4);
            flags = rd32(p + 8);
        } else {
            continue;
        }
        if ((flags & 3) && count < max)
            ids[count++] = id;
    }
    return count;
}
