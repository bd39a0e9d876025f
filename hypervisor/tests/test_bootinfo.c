/* Multiboot1 and multiboot2 parsing, on loader data built in a fake
 * physical memory, including every kind of malformed input we reject. */
#include "unit.h"

#include <lintel/bootinfo.h>
#include <lintel/errno.h>

#define MEM_BASE 0x10000u
#define MEM_SIZE 0x10000u

static uint8_t mem[MEM_SIZE] __attribute__((aligned(8)));
static struct boot_info bi;
static char err[200];

static const void *fake_mem(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys < MEM_BASE || phys + len < phys || phys + len > MEM_BASE + MEM_SIZE)
        return NULL;
    return mem + (phys - MEM_BASE);
}

static void put32(uint32_t phys, uint32_t v)
{
    memcpy(mem + phys - MEM_BASE, &v, 4);
}

static void put64(uint32_t phys, uint64_t v)
{
    memcpy(mem + phys - MEM_BASE, &v, 8);
}

static void put_str(uint32_t phys, const char *s)
{
    memcpy(mem + phys - MEM_BASE, s, strlen(s) + 1);
}

/* ---- multiboot1 -------------------------------------------------------- */

#define MB1_INFO 0x10000u
#define MB1_MMAP 0x10100u
#define MB1_CMD  0x10200u
#define MB1_MODS 0x10400u

static void build_mb1(void)
{
    memset(mem, 0, sizeof(mem));
    put32(MB1_INFO, (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    put32(MB1_INFO + 16, MB1_CMD);
    put_str(MB1_CMD, "lintel.elf loglvl=all");
    put32(MB1_INFO + 64, MB1_CMD + 0x80);
    put_str(MB1_CMD + 0x80, "qemu");
    /* Two memory map entries of the usual 20-byte size. */
    put32(MB1_INFO + 44, 48);
    put32(MB1_INFO + 48, MB1_MMAP);
    put32(MB1_MMAP, 20);
    put64(MB1_MMAP + 4, 0);
    put64(MB1_MMAP + 12, 0x9fc00);
    put32(MB1_MMAP + 20, MEMMAP_RAM);
    put32(MB1_MMAP + 24, 20);
    put64(MB1_MMAP + 28, 0x100000);
    put64(MB1_MMAP + 36, 0x7f00000);
    put32(MB1_MMAP + 44, MEMMAP_RAM);
    /* Two modules. */
    put32(MB1_INFO + 20, 2);
    put32(MB1_INFO + 24, MB1_MODS);
    put32(MB1_MODS, 0x300000);
    put32(MB1_MODS + 4, 0x400000);
    put32(MB1_MODS + 8, MB1_CMD + 0x100);
    put_str(MB1_CMD + 0x100, "vmlinuz console=hvc0");
    put32(MB1_MODS + 16, 0x400000);
    put32(MB1_MODS + 20, 0x480000);
    put32(MB1_MODS + 24, 0);
}

static int parse_mb1(void)
{
    return bootinfo_parse(MULTIBOOT1_BOOT_MAGIC, MB1_INFO, fake_mem, NULL, &bi, err,
                          sizeof(err));
}

static void mb1_well_formed(void **state)
{
    (void)state;
    build_mb1();
    if (parse_mb1())
        fail_msg("%s", err);
    assert_int_equal(bi.protocol, 1);
    assert_string_equal(bi.cmdline, "lintel.elf loglvl=all");
    assert_string_equal(bi.loader, "qemu");
    assert_int_equal(bi.memmap_count, 2);
    assert_int_equal(bi.memmap[1].addr, 0x100000);
    assert_int_equal(bi.memmap[1].len, 0x7f00000);
    assert_int_equal(bi.memmap[1].type, MEMMAP_RAM);
    assert_int_equal(bi.module_count, 2);
    assert_int_equal(bi.modules[0].start, 0x300000);
    assert_int_equal(bi.modules[0].end, 0x400000);
    assert_string_equal(bi.modules[0].cmdline, "vmlinuz console=hvc0");
    assert_string_equal(bi.modules[1].cmdline, "");
}

static void mb1_requires_memory_map(void **state)
{
    (void)state;
    build_mb1();
    put32(MB1_INFO, 1u << 2);
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_non_null(strstr(err, "no memory map"));
}

static void mb1_bad_mmap_entry_size(void **state)
{
    (void)state;
    build_mb1();
    put32(MB1_MMAP + 24, 4);
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_non_null(strstr(err, "bad size 4"));
    build_mb1();
    put32(MB1_MMAP + 24, 2000);         /* runs past mmap_length */
    assert_int_equal(parse_mb1(), -EINVAL);
}

static void mb1_unreadable_pointers(void **state)
{
    (void)state;
    build_mb1();
    put32(MB1_INFO + 16, 0x900000);
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_non_null(strstr(err, "command line at 0x900000 is not in readable memory"));
    build_mb1();
    put32(MB1_INFO + 24, 0x5000);
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_non_null(strstr(err, "module list"));
    build_mb1();
    put32(MB1_INFO + 48, MEM_BASE + MEM_SIZE - 8);
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_int_equal(bootinfo_parse(MULTIBOOT1_BOOT_MAGIC, 0x100, fake_mem, NULL, &bi,
                                    err, sizeof(err)), -EINVAL);
}

static void mb1_unterminated_string(void **state)
{
    (void)state;
    build_mb1();
    memset(mem + (MB1_CMD - MEM_BASE), 'x', MEM_SIZE - (MB1_CMD - MEM_BASE));
    assert_int_not_equal(parse_mb1(), 0);
    build_mb1();
    memset(mem + (MB1_CMD - MEM_BASE), 'x', BOOT_CMDLINE_MAX + 10);
    assert_int_equal(parse_mb1(), -E2BIG);
    assert_non_null(strstr(err, "longer than"));
}

static void mb1_bad_modules(void **state)
{
    (void)state;
    build_mb1();
    put32(MB1_MODS + 4, 0x200000);      /* ends before it starts */
    assert_int_equal(parse_mb1(), -EINVAL);
    assert_non_null(strstr(err, "before it starts"));
    build_mb1();
    put32(MB1_INFO + 20, BOOT_MAX_MODULES + 1);
    assert_int_equal(parse_mb1(), -EINVAL);
}

static void unknown_magic(void **state)
{
    (void)state;
    build_mb1();
    assert_int_equal(bootinfo_parse(0x12345678, MB1_INFO, fake_mem, NULL, &bi, err,
                                    sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "unknown boot loader magic 0x12345678"));
}

/* ---- multiboot2 -------------------------------------------------------- */

#define MB2_INFO 0x11000u

static uint32_t mb2_end;

static uint32_t tag(uint32_t type, uint32_t size)
{
    uint32_t at = mb2_end;

    put32(at, type);
    put32(at + 4, size);
    mb2_end = at + ((size + 7) & ~7u);
    return at;
}

static void build_mb2(bool with_end)
{
    uint32_t t;

    memset(mem, 0, sizeof(mem));
    mb2_end = MB2_INFO + 8;
    t = tag(1, 8 + 12);
    put_str(t + 8, "noreboot ab");
    t = tag(2, 8 + 5);
    put_str(t + 8, "GRUB");
    t = tag(3, 16 + 12);
    put32(t + 8, 0x500000);
    put32(t + 12, 0x600000);
    put_str(t + 16, "/vmlinuz ro");
    t = tag(6, 16 + 2 * 24);
    put32(t + 8, 24);
    put64(t + 16, 0);
    put64(t + 24, 0xa0000);
    put32(t + 32, MEMMAP_RAM);
    put64(t + 40, 0x100000);
    put64(t + 48, 0x3ff00000);
    put32(t + 56, MEMMAP_RAM);
    t = tag(14, 8 + 20);
    memcpy(mem + t + 8 - MEM_BASE, "RSD PTR ", 8);
    if (with_end)
        tag(0, 8);
    put32(MB2_INFO, mb2_end - MB2_INFO);
}

static int parse_mb2(void)
{
    return bootinfo_parse(MULTIBOOT2_BOOT_MAGIC, MB2_INFO, fake_mem, NULL, &bi, err,
                          sizeof(err));
}

static void mb2_well_formed(void **state)
{
    (void)state;
    build_mb2(true);
    if (parse_mb2())
        fail_msg("%s", err);
    assert_int_equal(bi.protocol, 2);
    assert_string_equal(bi.cmdline, "noreboot ab");
    assert_string_equal(bi.loader, "GRUB");
    assert_int_equal(bi.module_count, 1);
    assert_int_equal(bi.modules[0].start, 0x500000);
    assert_int_equal(bi.modules[0].end, 0x600000);
    assert_string_equal(bi.modules[0].cmdline, "/vmlinuz ro");
    assert_int_equal(bi.memmap_count, 2);
    assert_int_equal(bi.memmap[1].len, 0x3ff00000);
    assert_int_equal(bi.rsdp_len, 20);
    assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
    assert_int_equal(bi.info_start, MB2_INFO);
    assert_int_equal(bi.info_end, mb2_end);
}

static void mb2_missing_end_tag(void **state)
{
    (void)state;
    build_mb2(false);
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "no end tag"));
}

static void mb2_bad_total_size(void **state)
{
    (void)state;
    build_mb2(true);
    put32(MB2_INFO, 8);
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "total size 8 is out of range"));
    put32(MB2_INFO, 0x7fffffff);
    assert_int_equal(parse_mb2(), -EINVAL);
    put32(MB2_INFO, MEM_SIZE);          /* larger than the readable memory */
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "not readable"));
}

static void mb2_bad_tag_sizes(void **state)
{
    (void)state;
    build_mb2(true);
    put32(MB2_INFO + 8 + 4, 4);         /* first tag smaller than its header */
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "tag at offset 8 has bad size 4"));
    build_mb2(true);
    put32(MB2_INFO + 8 + 4, 0x1000);    /* first tag runs past the end */
    assert_int_equal(parse_mb2(), -EINVAL);
}

static void mb2_unterminated_cmdline(void **state)
{
    (void)state;
    build_mb2(true);
    memset(mem + MB2_INFO + 8 + 8 - MEM_BASE, 'x', 12);
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "not NUL-terminated"));
}

static void mb2_bad_mmap_entry_size(void **state)
{
    uint32_t t;

    (void)state;
    memset(mem, 0, sizeof(mem));
    mb2_end = MB2_INFO + 8;
    t = tag(6, 16 + 24);
    put32(t + 8, 12);
    tag(0, 8);
    put32(MB2_INFO, mb2_end - MB2_INFO);
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "entry size 12 is invalid"));
}

static void mb2_requires_memory_map(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    mb2_end = MB2_INFO + 8;
    tag(0, 8);
    put32(MB2_INFO, mb2_end - MB2_INFO);
    assert_int_equal(parse_mb2(), -EINVAL);
    assert_non_null(strstr(err, "no memory map"));
}

static void mb2_unaligned_info(void **state)
{
    (void)state;
    build_mb2(true);
    assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOT_MAGIC, MB2_INFO + 4, fake_mem, NULL,
                                    &bi, err, sizeof(err)), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mb1_well_formed),
        cmocka_unit_test(mb1_requires_memory_map),
        cmocka_unit_test(mb1_bad_mmap_entry_size),
        cmocka_unit_test(mb1_unreadable_pointers),
        cmocka_unit_test(mb1_unterminated_string),
        cmocka_unit_test(mb1_bad_modules),
        cmocka_unit_test(unknown_magic),
        cmocka_unit_test(mb2_well_formed),
        cmocka_unit_test(mb2_missing_end_tag),
        cmocka_unit_test(mb2_bad_total_size),
        cmocka_unit_test(mb2_bad_tag_sizes),
        cmocka_unit_test(mb2_unterminated_cmdline),
        cmocka_unit_test(mb2_bad_mmap_entry_size),
        cmocka_unit_test(mb2_requires_memory_map),
        cmocka_unit_test(mb2_unaligned_info),
    };
    return cmocka_run_group_tests_name("bootinfo", tests, NULL, NULL);
}
