/*
 * CRC32 (IEEE 802.3) and CRC64 (ECMA-182), both bit-reflected, as the .xz
 * format uses them for headers, the index and block checks. The tables are
 * built on first use: no initialisation call for users to forget, and the
 * decoder only ever runs on one CPU at a time (see xz.h).
 */
#include "xz_private.h"

#define CRC32_POLY_REFLECTED 0xedb88320u
#define CRC64_POLY_REFLECTED 0xc96c5795d7870f42ull

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool tables_ready;

static void build_tables(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c32 = i;
        uint64_t c64 = i;

        for (int bit = 0; bit < 8; bit++) {
            c32 = (c32 >> 1) ^ (c32 & 1 ? CRC32_POLY_REFLECTED : 0);
            c64 = (c64 >> 1) ^ (c64 & 1 ? CRC64_POLY_REFLECTED : 0);
        }
        crc32_table[i] = c32;
        crc64_table[i] = c64;
    }
    tables_ready = true;
}

/* crc is the value returned for the data before p (0 to start). */
uint32_t xz_crc32(const uint8_t *p, size_t n, uint32_t crc)
{
    if (!tables_ready)
        build_tables();
    crc = ~crc;
    while (n--)
        crc = crc32_table[(uint8_t)crc ^ *p++] ^ (crc >> 8);
    return ~crc;
}

uint64_t xz_crc64(const uint8_t *p, size_t n, uint64_t crc)
{
    if (!tables_ready)
        build_tables();
    crc = ~crc;
    while (n--)
        crc = crc64_table[(uint8_t)crc ^ *p++] ^ (crc >> 8);
    return ~crc;
}
