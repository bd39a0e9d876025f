/* Loading a guest kernel file: raw ELF, or a bzImage wrapping a compressed ELF. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_image.h"

/* A bzImage is a few MiB; anything far larger is not a kernel file. */
#define KERNEL_FILE_MAX (128u << 20)

static int unpack(const uint8_t *buf, size_t len, struct kernel_image *img, char *why,
                  size_t why_len)
{
    const uint8_t *payload;
    const char *format = "?";
    size_t payload_len;

    if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0) {
        img->elf = malloc(len ? len : 1);
        if (!img->elf)
            abort();
        memcpy(img->elf, buf, len);
        img->elf_size = len;
        snprintf(img->format, sizeof(img->format), "ELF");
        return 0;
    }
    if (bzimage_payload(buf, len, &payload, &payload_len, why, why_len) < 0)
        return -1;
    if (payload_decompress(payload, payload_len, &img->elf, &img->elf_size, &format,
                           why, why_len) < 0)
        return -1;
    snprintf(img->format, sizeof(img->format), "bzImage/%s", format);
    return 0;
}

int kernel_image_parse(const uint8_t *buf, size_t len, struct kernel_image *img,
                       char *why, size_t why_len)
{
    memset(img, 0, sizeof(*img));
    if (unpack(buf, len, img, why, why_len) < 0 ||
        elf_kernel_parse(img, why, why_len) < 0 || xen_notes_parse(img, why, why_len) < 0) {
        kernel_image_free(img);
        return -1;
    }
    return 0;
}

static uint8_t *read_file(const char *path, size_t *len, char *why, size_t why_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;

    if (!f) {
        snprintf(why, why_len, "cannot open: %s", strerror(errno));
        return NULL;
    }
    buf = malloc(KERNEL_FILE_MAX + 1);
    if (!buf)
        abort();
    *len = fread(buf, 1, KERNEL_FILE_MAX + 1, f);
    if (ferror(f) || *len > KERNEL_FILE_MAX) {
        snprintf(why, why_len, ferror(f) ? "cannot read the file"
                 : "larger than 128 MiB: not a kernel");
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

int kernel_image_load(const char *path, struct kernel_image *img, char *why,
                      size_t why_len)
{
    size_t len = 0;
    uint8_t *buf = read_file(path, &len, why, why_len);
    int rc;

    memset(img, 0, sizeof(*img));
    if (!buf)
        return -1;
    rc = kernel_image_parse(buf, len, img, why, why_len);
    free(buf);
    return rc;
}

void kernel_image_free(struct kernel_image *img)
{
    free(img->elf);
    img->elf = NULL;
    img->elf_size = 0;
}
