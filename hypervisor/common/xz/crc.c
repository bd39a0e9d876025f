/*
 * CRC32 (IEEE 802.3) and CRC64 (ECMA-182), both bit-reflected, as the .xz
 * format uses them for headers, the index and block checks. The tables are
 * built on first use: no initialisation call for users to forget, and the
 * decoder only ever runs on one CPU at a time (see xz.h).
 *
 * Kernel payloads carry a CRC32 of the whole ~60 MB image, checked at every
 * boot (under QEMU TCG too), so CRC32 takes 8 bytes a step: table k maps a
 * byte to its CRC contribution when k more bytes follow it.
 */
#include "xz_private.h"

#define CRC32_POLY_REFLECTED 0xedb88320u
#define CRC64_POLY_REFLECTED 0xc96c5795d7870f42ull

#define CRC32_SLICES 8

static uint32_t crc32_table[CRC32_SLICES][256];
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
        crc32_table[0][i] = c32;
        crc64_table[i] = c64;
    }
    for (unsigned k = 1; k < CRC32_SLICES; k++)
        for (unsigned i = 0; i < 256; i++)
            crc32_table[k][i] = (crc32_table[k - 1][i] >> 8) ^
                                crc32_table[0][crc32_table[k - 1][i] & 0xff];
    tables_ready = true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* crc is the value returned for the data before p (0 to start). */
uint32_t xz_crc32(const uint8_t *p, size_t n, uint32_t crc)
{
    if (!tables_ready)
        build_tables();
    crc = ~crc;
    for (; n >= CRC32_SLICES; n -= CRC32_SLICES, p += CRC32_SLICES) {
        uint32_t lo = crc ^ le32(p), hi = le32(p + 4);

        crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
              crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
              crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
              crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
    }
    while (n--)
        crc = crc32_table[0][(uint8_t)crc ^ *p++] ^ (crc >> 8);
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
