/*
 * Recognises the kernel formats the dom0 builder will take: an ELF64
 * x86_64 image (with Xen notes for PV), or a Linux bzImage (recognised by
 * its setup header; its compressed payload holds the ELF).
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_KERNEL_IMAGE_H
#define LINTEL_KERNEL_IMAGE_H

#include <lintel/elf.h>

enum kernel_format { KERNEL_ELF, KERNEL_BZIMAGE };

struct kernel_image {
    enum kernel_format format;
    struct elf_image elf;           /* KERNEL_ELF */
    uint64_t payload_offset;        /* KERNEL_BZIMAGE: compressed kernel */
    uint64_t payload_length;
    const char *compression;        /* "xz", "gzip", "zstd", ... */
    uint16_t boot_protocol;
};

/* 0, or a negative errno with a message such as "ELF truncated: ..." in err. */
int kernel_image_check(const void *data, size_t size, struct kernel_image *k,
                       char *err, size_t err_len);

#endif
