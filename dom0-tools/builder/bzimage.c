/*
 * The x86 boot protocol's setup header, only as far as finding the
 * compressed kernel: setup_sects, the "HdrS" signature and, from protocol
 * 2.08 on, payload_offset/payload_length relative to the protected-mode
 * code, which starts after the (setup_sects + 1) real-mode sectors.
 */
#include <stdio.h>
#include <string.h>

#include "kernel_image.h"

#define SETUP_SECTS_OFFSET    0x1f1
#define HEADER_MAGIC_OFFSET   0x202
#define PROTOCOL_OFFSET       0x206
#define PAYLOAD_OFFSET_OFFSET 0x248
#define PAYLOAD_LENGTH_OFFSET 0x24c
#define PROTOCOL_WITH_PAYLOAD 0x0208

static uint32_t read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int bzimage_payload(const uint8_t *buf, size_t len, const uint8_t **payload,
                    size_t *payload_len, char *why, size_t why_len)
{
    unsigned setup_sects, protocol;
    uint64_t start, offset, length;

    if (len < PAYLOAD_LENGTH_OFFSET + 4 ||
        memcmp(buf + HEADER_MAGIC_OFFSET, "HdrS", 4) != 0) {
        snprintf(why, why_len, "neither an ELF file nor a bzImage");
        return -1;
    }
    protocol = buf[PROTOCOL_OFFSET] | buf[PROTOCOL_OFFSET + 1] << 8;
    if (protocol < PROTOCOL_WITH_PAYLOAD) {
        snprintf(why, why_len, "bzImage boot protocol %u.%02u is older than 2.08: "
                 "no payload to find", protocol >> 8, protocol & 0xff);
        return -1;
    }
    /* Protocol rule: a zero setup_sects means 4. */
    setup_sects = buf[SETUP_SECTS_OFFSET] ? buf[SETUP_SECTS_OFFSET] : 4;
    start = ((uint64_t)setup_sects + 1) * 512;
    offset = read_le32(buf + PAYLOAD_OFFSET_OFFSET);
    length = read_le32(buf + PAYLOAD_LENGTH_OFFSET);
    if (length == 0 || start + offset > len || length > len - (start + offset)) {
        snprintf(why, why_len, "bzImage payload (offset %llu, length %llu) lies "
                 "outside the %zu-byte file", (unsigned long long)(start + offset),
                 (unsigned long long)length, len);
        return -1;
    }
    *payload = buf + start + offset;
    *payload_len = length;
    return 0;
}
