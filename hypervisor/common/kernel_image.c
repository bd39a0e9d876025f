#include <lintel/errno.h>
#include <lintel/kernel_image.h>
#include <lintel/lib.h>

/* Offsets into the Linux boot protocol's setup header. */
#define BZ_SETUP_SECTS      0x1f1
#define BZ_HEADER_MAGIC     0x202
#define BZ_VERSION          0x206
#define BZ_PAYLOAD_OFFSET   0x248
#define BZ_PAYLOAD_LENGTH   0x24c
#define BZ_MIN_SIZE         0x250
#define BZ_MIN_VERSION      0x0208  /* first with payload_offset */

static uint32_t rd32(const uint8_t *p, size_t off)
{
    uint32_t v;

    memcpy(&v, p + off, 4);
    return v;
}

static const char *compression_name(const uint8_t *p, uint64_t len)
{
    if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
        return "xz";
    if (len >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
        return "gzip";
    if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
        return "zstd";
    if (len >= 3 && !memcmp(p, "BZh", 3))
        return "bzip2";
    if (len >= 4 && !memcmp(p, "\x02\x21\x4c\x18", 4))
        return "lz4";
    if (len >= 4 && !memcmp(p, "\x7f" "ELF", 4))
        return "none";
    return "unknown";
}

static int check_bzimage(const uint8_t *p, size_t size, struct kernel_image *k,
                         char *err, size_t err_len)
{
    uint16_t version;
    uint64_t setup_bytes;

    if (size < BZ_MIN_SIZE) {
        lintel_snprintf(err, err_len, "bzImage truncated: %zu bytes, setup header "
                        "needs %u", size, BZ_MIN_SIZE);
        return -EINVAL;
    }
    memcpy(&version, p + BZ_VERSION, 2);
    if (version < BZ_MIN_VERSION) {
        lintel_snprintf(err, err_len, "bzImage boot protocol %u.%02u is too old "
                        "(need 2.08)", version >> 8, version & 0xff);
        return -ENOEXEC;
    }
    /* setup_sects == 0 means 4, by the boot protocol's oldest rule. */
    setup_bytes = ((uint64_t)(p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4) + 1) * 512;
    k->format = KERNEL_BZIMAGE;
    k->boot_protocol = version;
    k->payload_offset = setup_bytes + rd32(p, BZ_PAYLOAD_OFFSET);
    k->payload_length = rd32(p, BZ_PAYLOAD_LENGTH);
    if (k->payload_offset > size || k->payload_length > size - k->payload_offset) {
        lintel_snprintf(err, err_len, "bzImage truncated: payload at %lu (%lu bytes) "
                        "runs past the end of the %zu-byte file",
                        (unsigned long)k->payload_offset,
                        (unsigned long)k->payload_length, size);
        return -EINVAL;
    }
    k->compression = compression_name(p + k->payload_offset, k->payload_length);
    return 0;
}

int kernel_image_check(const void *data, size_t size, struct kernel_image *k,
                       char *err, size_t err_len)
{
    const uint8_t *p = data;

    memset(k, 0, sizeof(*k));
    if (elf_has_magic(data, size)) {
        k->format = KERNEL_ELF;
        return elf_parse(data, size, &k->elf, err, err_len);
    }
    if (size > BZ_HEADER_MAGIC + 4 && !memcmp(p + BZ_HEADER_MAGIC, "HdrS", 4))
        return check_bzimage(p, size, k, err, err_len);
    if (size < 4)
        lintel_snprintf(err, err_len, "only %zu bytes long", size);
    else
        lintel_snprintf(err, err_len, "starts with bytes %02x %02x %02x %02x",
                        p[0], p[1], p[2], p[3]);
    return -ENOEXEC;
}
