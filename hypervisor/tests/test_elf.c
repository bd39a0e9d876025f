/* ELF64 parsing and kernel format recognition: valid images, every
 * truncation of a valid image, and malformed headers, segments and notes. */
#include "unit.h"

#include <lintel/elf.h>
#include <lintel/errno.h>
#include <lintel/kernel_image.h>

#define VADDR 0xffffffff80000000ULL

static uint8_t image[1024];
static size_t image_size;
static char err[200];

/* ehdr (64) + 2 phdrs (112) + note at 176 (12+4+8) + code at 200. */
static void build_elf(void)
{
    struct elf64_ehdr eh = {
        .ident = { 0x7f, 'E', 'L', 'F', 2, 1, 1 },
        .type = ELF_ET_EXEC, .machine = ELF_EM_X86_64, .version = 1,
        .entry = VADDR + 200, .phoff = 64, .ehsize = 64,
        .phentsize = sizeof(struct elf64_phdr), .phnum = 2,
    };
    struct elf64_phdr load = {
        .type = ELF_PT_LOAD, .flags = 5, .offset = 0, .vaddr = VADDR,
        .paddr = 0x1000000, .filesz = 256, .memsz = 0x2000, .align = 0x1000,
    };
    struct elf64_phdr note = {
        .type = ELF_PT_NOTE, .offset = 176, .filesz = 24, .memsz = 24, .align = 4,
    };
    uint32_t hdr[3] = { 4, 8, 6 };     /* "Xen\0", 8-byte desc, type 6 */

    memset(image, 0, sizeof(image));
    memcpy(image, &eh, sizeof(eh));
    memcpy(image + 64, &load, sizeof(load));
    memcpy(image + 120, &note, sizeof(note));
    memcpy(image + 176, hdr, sizeof(hdr));
    memcpy(image + 188, "Xen", 4);
    memcpy(image + 192, "linux\0\0\0", 8);
    image[200] = 0xf4;                  /* hlt */
    image_size = 256;
}

static void set_phdr_field(unsigned index, size_t field_offset, uint64_t value)
{
    memcpy(image + 64 + index * sizeof(struct elf64_phdr) + field_offset, &value, 8);
}

static void valid_elf(void **state)
{
    struct elf_image img;

    (void)state;
    build_elf();
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), 0);
    assert_int_equal(img.entry, VADDR + 200);
    assert_int_equal(img.load_segments, 1);
    assert_int_equal(img.virt_lo, VADDR);
    assert_int_equal(img.virt_hi, VADDR + 0x2000);
    assert_int_equal(img.xen_notes, 1);
}

static void every_truncation_is_rejected(void **state)
{
    struct elf_image img;

    (void)state;
    build_elf();
    for (size_t size = 0; size < image_size; size++) {
        /* A fresh copy of exactly `size` bytes, so ASan sees any overread. */
        uint8_t *copy = malloc(size ? size : 1);
        int rc;

        memcpy(copy, image, size);
        rc = elf_parse(copy, size, &img, err, sizeof(err));
        free(copy);
        if (rc == 0)
            fail_msg("truncated to %zu bytes but accepted", size);
        if (size >= 4)
            assert_non_null(strstr(err, "truncated"));
    }
}

static void not_elf(void **state)
{
    struct elf_image img;

    (void)state;
    assert_int_equal(elf_parse("hello world", 11, &img, err, sizeof(err)), -ENOEXEC);
    assert_false(elf_has_magic("\x7f" "EL", 3));
}

static void wrong_class_endianness_machine_type(void **state)
{
    struct elf_image img;

    (void)state;
    build_elf();
    image[4] = 1;
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "not a 64-bit ELF"));
    build_elf();
    image[5] = 2;
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -ENOEXEC);
    build_elf();
    image[18] = 3;                      /* EM_386 */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "not x86_64"));
    build_elf();
    image[16] = 1;                      /* ET_REL */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -ENOEXEC);
}

static void bad_program_headers(void **state)
{
    struct elf_image img;
    uint16_t v;

    (void)state;
    build_elf();
    v = 32;
    memcpy(image + 54, &v, 2);          /* phentsize */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    build_elf();
    v = 0;
    memcpy(image + 56, &v, 2);          /* phnum */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    build_elf();
    memset(image + 32, 0xff, 8);        /* phoff overflows */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "truncated"));
}

static void bad_segments(void **state)
{
    struct elf_image img;

    (void)state;
    build_elf();
    set_phdr_field(0, 32, 0x100000);    /* filesz past the file */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "ELF truncated: segment 0"));
    build_elf();
    set_phdr_field(0, 8, UINT64_MAX - 8);   /* offset + filesz wraps */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    build_elf();
    set_phdr_field(0, 40, 16);          /* memsz < filesz */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "bad sizes"));
    build_elf();
    set_phdr_field(0, 16, UINT64_MAX - 16); /* vaddr + memsz wraps */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    build_elf();
    memset(image + 24, 0, 8);           /* entry outside the segments */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "entry point"));
    build_elf();
    image[64] = 6;                      /* no PT_LOAD left */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "no loadable segment"));
}

static void bad_notes(void **state)
{
    struct elf_image img;
    uint32_t huge = 0x7fffffff;

    (void)state;
    build_elf();
    memcpy(image + 180, &huge, 4);      /* descsz runs past the segment */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "note"));
    build_elf();
    memcpy(image + 176, &huge, 4);      /* namesz too */
    assert_int_equal(elf_parse(image, image_size, &img, err, sizeof(err)), -EINVAL);
}

/* ---- bzImage ------------------------------------------------------------ */

static void build_bzimage(void)
{
    uint16_t version = 0x020f;
    uint32_t payload_offset = 0x10, payload_length = 32;

    memset(image, 0, sizeof(image));
    image[0x1f1] = 1;                   /* setup: 1 + 1 sectors = 1024 bytes */
    memcpy(image + 0x202, "HdrS", 4);
    memcpy(image + 0x206, &version, 2);
    memcpy(image + 0x248, &payload_offset, 4);
    memcpy(image + 0x24c, &payload_length, 4);
    image_size = 1024;
}

static uint8_t big[2048];

static void bzimage_recognised(void **state)
{
    struct kernel_image k;

    (void)state;
    build_bzimage();
    memcpy(big, image, 1024);
    memcpy(big + 1024 + 0x10, "\xfd" "7zXZ\0", 6);
    assert_int_equal(kernel_image_check(big, 1024 + 0x10 + 32, &k, err, sizeof(err)), 0);
    assert_int_equal(k.format, KERNEL_BZIMAGE);
    assert_int_equal(k.payload_offset, 1024 + 0x10);
    assert_int_equal(k.payload_length, 32);
    assert_string_equal(k.compression, "xz");
    assert_int_equal(k.boot_protocol, 0x020f);
}

static void bzimage_truncated_payload(void **state)
{
    struct kernel_image k;

    (void)state;
    build_bzimage();
    memcpy(big, image, 1024);
    assert_int_equal(kernel_image_check(big, 1024 + 20, &k, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "bzImage truncated"));
    assert_int_equal(kernel_image_check(big, 0x230, &k, err, sizeof(err)), -EINVAL);
}

static void bzimage_too_old(void **state)
{
    struct kernel_image k;
    uint16_t version = 0x0204;

    (void)state;
    build_bzimage();
    memcpy(image + 0x206, &version, 2);
    assert_int_equal(kernel_image_check(image, image_size, &k, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "too old"));
}

static void kernel_elf_and_neither(void **state)
{
    struct kernel_image k;

    (void)state;
    build_elf();
    assert_int_equal(kernel_image_check(image, image_size, &k, err, sizeof(err)), 0);
    assert_int_equal(k.format, KERNEL_ELF);
    assert_int_equal(k.elf.xen_notes, 1);
    assert_int_equal(kernel_image_check(image, 100, &k, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "ELF truncated"));
    assert_int_equal(kernel_image_check("#!/bin/sh\n", 10, &k, err, sizeof(err)), -ENOEXEC);
    assert_string_equal(err, "starts with bytes 23 21 2f 62");
    assert_int_equal(kernel_image_check("ab", 2, &k, err, sizeof(err)), -ENOEXEC);
    assert_string_equal(err, "only 2 bytes long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_elf),
        cmocka_unit_test(every_truncation_is_rejected),
        cmocka_unit_test(not_elf),
        cmocka_unit_test(wrong_class_endianness_machine_type),
        cmocka_unit_test(bad_program_headers),
        cmocka_unit_test(bad_segments),
        cmocka_unit_test(bad_notes),
        cmocka_unit_test(bzimage_recognised),
        cmocka_unit_test(bzimage_truncated_payload),
        cmocka_unit_test(bzimage_too_old),
        cmocka_unit_test(kernel_elf_and_neither),
    };
    return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
