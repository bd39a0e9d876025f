/*
 * Unit tests for dom0-tools/builder: bzImage unpacking (xz, gzip, zstd),
 * ELF and Xen-note parsing, and the boot memory layout. The stock Debian
 * kernel from build/cache is used when present; synthetic images cover
 * each format and each way an image can be malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <elf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "boot_layout.h"
#include "boot_tables.h"
#include "guest_seed.h"
#include "kernel_image.h"
#include "public/elfnote.h"
#include "public/features.h"

#define VIRT_BASE  0xffffffff80000000ULL
#define LOAD_VADDR 0xffffffff81000000ULL
#define LOAD_PADDR 0x1000000ULL

/* ---- a small synthetic PV kernel ------------------------------------------ */

struct note_spec {
    uint32_t type;
    const void *desc;
    uint32_t size;
};

static size_t put_note(uint8_t *p, const struct note_spec *n)
{
    uint32_t namesz = 4, descsz = n->size;

    memcpy(p, &namesz, 4);
    memcpy(p + 4, &descsz, 4);
    memcpy(p + 8, &n->type, 4);
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, n->desc, n->size);
    return 16 + ((n->size + 3) & ~3u);
}

/* ELF header, PT_LOAD (8 KiB at LOAD_VADDR), PT_NOTE with the given notes. */
static size_t make_elf(uint8_t *buf, const struct note_spec *notes, size_t n_notes)
{
    Elf64_Ehdr eh = { 0 };
    Elf64_Phdr ph[2] = { { 0 } };
    size_t notes_at = sizeof(eh) + sizeof(ph), pos = notes_at;

    memset(buf, 0, 16384);
    for (size_t i = 0; i < n_notes; i++)
        pos += put_note(buf + pos, &notes[i]);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_entry = LOAD_VADDR + 0x100;
    eh.e_phoff = sizeof(eh);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 2;
    eh.e_ehsize = sizeof(eh);
    ph[0].p_type = PT_LOAD;
    ph[0].p_offset = 4096;
    ph[0].p_vaddr = LOAD_VADDR;
    ph[0].p_paddr = LOAD_PADDR;
    ph[0].p_filesz = 4096;
    ph[0].p_memsz = 8192;
    ph[1].p_type = PT_NOTE;
    ph[1].p_offset = notes_at;
    ph[1].p_filesz = pos - notes_at;
    memcpy(buf, &eh, sizeof(eh));
    memcpy(buf + sizeof(eh), ph, sizeof(ph));
    memcpy(buf + 4096, "kernel text", 11);
    return 8192;
}

static const uint64_t virt_base = VIRT_BASE, entry = LOAD_VADDR + 0x10;
static const uint64_t hypercall_page = LOAD_VADDR + 0x1000, zero = 0;
static const uint64_t init_p2m = 0x8000000000ULL;
static const uint32_t supported = 1u << XENFEAT_dom0;

static const struct note_spec good_notes[] = {
    { XEN_ELFNOTE_GUEST_OS, "linux", 6 },
    { XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8 },
    { XEN_ELFNOTE_VIRT_BASE, &virt_base, 8 },
    { XEN_ELFNOTE_PADDR_OFFSET, &zero, 8 },
    { XEN_ELFNOTE_ENTRY, &entry, 8 },
    { XEN_ELFNOTE_HYPERCALL_PAGE, &hypercall_page, 8 },
    { XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb|no_such", 50 },
    { XEN_ELFNOTE_SUPPORTED_FEATURES, &supported, 4 },
    { XEN_ELFNOTE_LOADER, "generic", 8 },
    { XEN_ELFNOTE_INIT_P2M, &init_p2m, 8 },
    { XEN_ELFNOTE_MOD_START_PFN, "\1\0\0\0", 4 },
};

#define N_GOOD (sizeof(good_notes) / sizeof(good_notes[0]))

/* A bzImage around PAYLOAD: 1 setup sector + boot sector, protocol 2.15. */
static size_t make_bzimage(uint8_t *out, const uint8_t *payload, size_t len)
{
    uint32_t offset = 0x40, length = (uint32_t)len;

    memset(out, 0, 1024 + offset);
    out[0x1f1] = 1;
    memcpy(out + 0x202, "HdrS", 4);
    out[0x206] = 0x0f;
    out[0x207] = 0x02;
    memcpy(out + 0x248, &offset, 4);
    memcpy(out + 0x24c, &length, 4);
    memcpy(out + 1024 + offset, payload, len);
    return 1024 + offset + len;
}

static size_t compress_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream zs = { 0 };

    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    deflateEnd(&zs);
    return cap - zs.avail_out;
}

static size_t compress_xz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t pos = 0;

    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out,
                                             &pos, cap), LZMA_OK);
    return pos;
}

static size_t compress_zstd(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t n = ZSTD_compress(out, cap, in, len, 3);

    assert_false(ZSTD_isError(n));
    return n;
}

static void check_synthetic(const struct kernel_image *img)
{
    assert_int_equal(img->n_segments, 1);
    assert_true(img->virt_start == LOAD_VADDR);
    assert_true(img->virt_end == LOAD_VADDR + 8192);
    assert_true(img->xen.virt_base == VIRT_BASE);
    assert_true(img->xen.entry == entry);
    assert_true(img->xen.hypercall_page == hypercall_page);
    assert_true(img->xen.has_init_p2m && img->xen.init_p2m == init_p2m);
    assert_true(img->xen.mod_start_pfn);
    assert_string_equal(img->xen.guest_os, "linux");
    assert_string_equal(img->xen.loader, "generic");
    assert_int_equal(img->xen.features_required, 1u << XENFEAT_writable_page_tables);
    assert_int_equal(img->xen.features_supported,
                     (1u << XENFEAT_writable_page_tables) |
                     (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0));
    assert_memory_equal(img->elf + 4096, "kernel text", 11);
}

static void test_synthetic_elf(void **state)
{
    static uint8_t elf[16384];
    struct kernel_image img;
    char why[256];
    size_t len = make_elf(elf, good_notes, N_GOOD);

    (void)state;
    if (kernel_image_parse(elf, len, &img, why, sizeof(why)) < 0)
        fail_msg("%s", why);
    assert_string_equal(img.format, "ELF");
    check_synthetic(&img);
    kernel_image_free(&img);
}

static void test_bzimage_each_compression(void **state)
{
    static uint8_t elf[16384], packed[65536], bz[70000];
    size_t (*const compressors[])(const uint8_t *, size_t, uint8_t *, size_t) = {
        compress_xz, compress_gzip, compress_zstd,
    };
    const char *const names[] = { "bzImage/xz", "bzImage/gzip", "bzImage/zstd" };
    size_t len = make_elf(elf, good_notes, N_GOOD);

    (void)state;
    for (int i = 0; i < 3; i++) {
        struct kernel_image img;
        char why[256];
        size_t plen = compressors[i](elf, len, packed, sizeof(packed));
        uint32_t size_trailer = (uint32_t)len;
        size_t bzlen;

        /* Linux appends the unpacked size; the decoders must stop before it. */
        memcpy(packed + plen, &size_trailer, 4);
        bzlen = make_bzimage(bz, packed, plen + 4);
        if (kernel_image_parse(bz, bzlen, &img, why, sizeof(why)) < 0)
            fail_msg("%s: %s", names[i], why);
        assert_string_equal(img.format, names[i]);
        assert_int_equal(img.elf_size, len);
        check_synthetic(&img);
        kernel_image_free(&img);

        /* Cut the stream short: a clear error, never a partial kernel. */
        bzlen = make_bzimage(bz, packed, plen / 2);
        assert_int_equal(kernel_image_parse(bz, bzlen, &img, why, sizeof(why)), -1);
        assert_non_null(strstr(why, "corrupt or truncated"));
    }
}

static void test_bzimage_errors(void **state)
{
    static uint8_t bz[4096];
    struct kernel_image img;
    char why[256];
    size_t len = make_bzimage(bz, (const uint8_t *)"BZh91AY&SY", 10);

    (void)state;
    assert_int_equal(kernel_image_parse(bz, len, &img, why, sizeof(why)), -1);
    assert_string_equal(why, "bzip2-compressed kernels are not supported "
                        "(use xz, gzip or zstd)");
    len = make_bzimage(bz, (const uint8_t *)"\x01\x02\x03\x04", 4);
    assert_int_equal(kernel_image_parse(bz, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "unknown compression"));
    bz[0x24c] = 0xff;   /* payload length far past the end */
    assert_int_equal(kernel_image_parse(bz, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "outside the"));
    bz[0x206] = 0x04;   /* protocol 2.04 has no payload fields */
    assert_int_equal(kernel_image_parse(bz, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "older than 2.08"));
    assert_int_equal(kernel_image_parse((const uint8_t *)"hello", 5, &img, why,
                                        sizeof(why)), -1);
    assert_string_equal(why, "neither an ELF file nor a bzImage");
}

static void test_elf_errors(void **state)
{
    static uint8_t elf[16384];
    struct kernel_image img;
    char why[256];
    size_t len;
    Elf64_Phdr ph;

    (void)state;
    len = make_elf(elf, good_notes, N_GOOD);
    elf[EI_CLASS] = ELFCLASS32;
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "not a 64-bit"));

    len = make_elf(elf, good_notes, N_GOOD);
    memcpy(&ph, elf + sizeof(Elf64_Ehdr), sizeof(ph));
    ph.p_filesz = 1 << 20;  /* segment claims more bytes than the file has */
    memcpy(elf + sizeof(Elf64_Ehdr), &ph, sizeof(ph));
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "outside the file"));

    len = make_elf(elf, good_notes, N_GOOD);
    assert_int_equal(kernel_image_parse(elf, 100, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "program header table"));

    len = make_elf(elf, good_notes, 2);     /* no VIRT_BASE */
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_string_equal(why, "Xen notes lack VIRT_BASE");

    len = make_elf(elf, NULL, 0);
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no Xen ELF notes"));
}

static void test_note_errors(void **state)
{
    static uint8_t elf[16384];
    struct note_spec notes[N_GOOD];
    const uint64_t outside = LOAD_VADDR + 0x100000;
    struct kernel_image img;
    char why[256];
    size_t len;
    uint32_t huge = 0x7fffffff;

    (void)state;
    memcpy(notes, good_notes, sizeof(notes));
    notes[4].desc = &outside;
    len = make_elf(elf, notes, N_GOOD);
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "entry point"));

    memcpy(notes, good_notes, sizeof(notes));
    notes[6].desc = "!writable_page_tables|!teleport";
    notes[6].size = 32;
    len = make_elf(elf, notes, N_GOOD);
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_string_equal(why, "kernel requires unknown Xen feature \"teleport\"");

    memcpy(notes, good_notes, sizeof(notes));
    notes[2].size = 3;  /* a 3-byte number */
    len = make_elf(elf, notes, N_GOOD);
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "3-byte value"));

    len = make_elf(elf, good_notes, N_GOOD);
    memcpy(elf + sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 4, &huge, 4);
    assert_int_equal(kernel_image_parse(elf, len, &img, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "overruns its segment"));
}

/* ---- the stock Debian kernel ------------------------------------------------ */

static uint32_t trailing_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t head[0x250];
    uint32_t off, len, size = 0;
    unsigned sects;

    assert_non_null(f);
    assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
    sects = head[0x1f1] ? head[0x1f1] : 4;
    memcpy(&off, head + 0x248, 4);
    memcpy(&len, head + 0x24c, 4);
    fseek(f, (long)((sects + 1) * 512 + off + len - 4), SEEK_SET);
    assert_int_equal(fread(&size, 1, 4, f), 4);
    fclose(f);
    return size;
}

static void test_stock_kernel(void **state)
{
    struct kernel_image img;
    char why[256];

    (void)state;
    if (!fopen(STOCK_KERNEL, "rb"))
        skip();
    if (kernel_image_load(STOCK_KERNEL, &img, why, sizeof(why)) < 0)
        fail_msg("%s", why);
    assert_string_equal(img.format, "bzImage/xz");
    /* The build appends the unpacked size after the xz stream. */
    assert_int_equal(img.elf_size, trailing_size(STOCK_KERNEL));
    assert_true(img.xen.virt_base == VIRT_BASE);
    assert_true(img.xen.has_paddr_offset && img.xen.paddr_offset == 0);
    assert_true(img.virt_start == LOAD_VADDR);
    assert_true(img.xen.has_entry);
    assert_true(img.xen.entry >= img.virt_start && img.xen.entry < img.virt_end);
    assert_string_equal(img.xen.guest_os, "linux");
    assert_string_equal(img.xen.xen_version, "xen-3.0");
    assert_string_equal(img.xen.loader, "generic");
    assert_true(img.xen.has_init_p2m);
    assert_true(img.xen.mod_start_pfn);
    assert_true(img.xen.features_required & (1u << XENFEAT_writable_page_tables));
    assert_true(img.xen.features_supported & (1u << XENFEAT_dom0));
    for (size_t i = 0; i < img.n_segments; i++) {
        const struct kernel_segment *seg = &img.segments[i];

        assert_true(seg->load_vaddr == seg->paddr + VIRT_BASE);
        assert_true(seg->load_vaddr >= img.virt_start);
        assert_true(seg->load_vaddr + seg->mem_size <= img.virt_end);
        /* Linux links its per-cpu data at 0; everything else as loaded. */
        if (seg->vaddr != 0)
            assert_true(seg->vaddr == seg->load_vaddr);
    }
    kernel_image_free(&img);
}

/* ---- boot layout ------------------------------------------------------------ */

static void test_layout_by_hand(void **state)
{
    /* 32 MiB kernel, 256 MiB of memory, p2m in the mapped area; worked out on
       paper: p2m 128 pages, then start_info/xenstore/console, then 29 tables
       (1 L4, 1 L3, 1 L2, 26 L1 for 52 MiB from VIRT_BASE), the stack, and a
       mapping that ends at the 4 MiB boundary past stack + 512 KiB. */
    struct boot_layout_request req = {
        .virt_base = VIRT_BASE, .kernel_vstart = LOAD_VADDR,
        .kernel_vend = LOAD_VADDR + (32 << 20), .nr_pages = 65536,
    };
    struct boot_layout out;
    char why[256];

    (void)state;
    if (boot_layout_compute(&req, &out, why, sizeof(why)) < 0)
        fail_msg("%s", why);
    assert_true(out.kernel.pfn == 0x1000 && out.kernel.pages == 0x2000);
    assert_true(out.p2m.vaddr == 0xffffffff83000000ULL && out.p2m.pages == 128);
    assert_true(out.start_info.vaddr == 0xffffffff83080000ULL);
    assert_true(out.xenstore.pfn == 0x3081 && out.console.pfn == 0x3082);
    assert_true(out.page_tables.vaddr == 0xffffffff83083000ULL);
    assert_int_equal(out.page_tables.pages, 29);
    assert_int_equal(out.tables[0], 26);
    assert_int_equal(out.tables[1], 1);
    assert_int_equal(out.tables[2], 1);
    assert_int_equal(out.tables[3], 1);
    assert_true(out.boot_stack.vaddr == 0xffffffff830a0000ULL);
    assert_true(out.mapped_end == 0xffffffff83400000ULL);
    assert_true(out.pages_used == 0x3400);
}

static void test_layout_p2m_and_initrd_unmapped(void **state)
{
    struct boot_layout_request req = {
        .virt_base = VIRT_BASE, .kernel_vstart = LOAD_VADDR,
        .kernel_vend = LOAD_VADDR + (32 << 20), .nr_pages = 65536,
        .ramdisk_size = (10 << 20) + 1, .ramdisk_unmapped = true,
        .p2m_at_init_p2m = true, .init_p2m = 0x8000000000ULL,
    };
    struct boot_layout out;
    char why[256];

    (void)state;
    if (boot_layout_compute(&req, &out, why, sizeof(why)) < 0)
        fail_msg("%s", why);
    /* The p2m range adds its own L3, L2 and one L1 under the shared L4. */
    assert_int_equal(out.tables[3], 1);
    assert_int_equal(out.tables[2], 2);
    assert_int_equal(out.tables[1], 2);
    assert_int_equal(out.tables[0], 26 + 1);
    assert_true(out.p2m.vaddr == 0x8000000000ULL);
    assert_true(out.p2m.pfn == (out.mapped_end - VIRT_BASE) / 4096);
    assert_true(out.ramdisk.vaddr == 0);
    assert_true(out.ramdisk.pfn == out.p2m.pfn + 128);
    assert_int_equal(out.ramdisk.pages, 2561);
    assert_true(out.pages_used == out.ramdisk.pfn + 2561);
    assert_true(out.start_info.pfn == 0x3000);
}

static void test_layout_errors(void **state)
{
    struct boot_layout_request req = {
        .virt_base = VIRT_BASE, .kernel_vstart = LOAD_VADDR,
        .kernel_vend = LOAD_VADDR + (32 << 20), .nr_pages = 8192,
    };
    struct boot_layout out;
    char why[256];

    (void)state;
    assert_int_equal(boot_layout_compute(&req, &out, why, sizeof(why)), -1);
    assert_string_equal(why, "the kernel and boot data need 52 MiB but the domain "
                        "has 32 MiB");
    req.nr_pages = 65536;
    req.kernel_vstart = VIRT_BASE - 4096;
    assert_int_equal(boot_layout_compute(&req, &out, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "above VIRT_BASE"));
}

static void test_count_tables_shares_common_tables(void **state)
{
    const uint64_t start[2] = { 0x0, 0x100000 }, end[2] = { 0x200000, 0x600000 };
    unsigned t[4];

    (void)state;
    boot_count_tables(start, end, 2, t);
    assert_int_equal(t[0], 3);      /* 2 MiB regions 0, 1, 2 */
    assert_int_equal(t[1], 1);
    assert_int_equal(t[2], 1);
    assert_int_equal(t[3], 1);
}

/* Walks the built tables like the MMU would: VADDR -> mfn and flags. */
static uint64_t walk(const uint64_t *pt, const uint64_t *p2m, uint64_t pt_pfn,
                     uint64_t pt_pages, uint64_t vaddr)
{
    uint64_t table = 0, pte = 0;

    for (int shift = 39; shift >= 12; shift -= 9) {
        pte = pt[table * 512 + ((vaddr >> shift) & 511)];
        if (!(pte & BOOT_PTE_PRESENT))
            return 0;
        if (shift == 12)
            break;
        table = UINT64_MAX;
        for (uint64_t i = 0; i < pt_pages; i++)
            if (p2m[pt_pfn + i] == (pte >> 12))
                table = i;
        assert_true(table != UINT64_MAX);
    }
    return pte;
}

static void test_boot_tables_map_every_page(void **state)
{
    struct boot_layout_request req = {
        .virt_base = VIRT_BASE, .kernel_vstart = LOAD_VADDR,
        .kernel_vend = LOAD_VADDR + (32 << 20), .nr_pages = 65536,
        .p2m_at_init_p2m = true, .init_p2m = 0x8000000000ULL,
    };
    struct boot_layout l;
    uint64_t *p2m = malloc(65536 * sizeof(*p2m)), *pt;
    char why[256];

    (void)state;
    assert_int_equal(boot_layout_compute(&req, &l, why, sizeof(why)), 0);
    /* Scatter the machine frames so a pfn/mfn mix-up cannot pass. */
    for (uint64_t pfn = 0; pfn < 65536; pfn++)
        p2m[pfn] = 0x100000 + (pfn * 7919) % 65536;
    pt = calloc(l.page_tables.pages, 4096);
    if (boot_tables_build(&l, &req, p2m, pt, why, sizeof(why)) < 0)
        fail_msg("%s", why);
    for (uint64_t v = VIRT_BASE; v < l.mapped_end; v += 4096) {
        uint64_t pfn = (v - VIRT_BASE) / 4096;
        uint64_t e = walk(pt, p2m, l.page_tables.pfn, l.page_tables.pages, v);
        bool is_table = pfn >= l.page_tables.pfn &&
                        pfn < l.page_tables.pfn + l.page_tables.pages;

        assert_true(e >> 12 == p2m[pfn]);
        assert_true(!!(e & BOOT_PTE_RW) == !is_table);
    }
    for (uint64_t i = 0; i < l.p2m.pages; i++) {
        uint64_t e = walk(pt, p2m, l.page_tables.pfn, l.page_tables.pages,
                          0x8000000000ULL + i * 4096);

        assert_true(e >> 12 == p2m[l.p2m.pfn + i]);
    }
    /* Nothing beyond the planned ranges is mapped. */
    assert_int_equal(walk(pt, p2m, l.page_tables.pfn, l.page_tables.pages, l.mapped_end), 0);
    free(pt);
    free(p2m);
}

static void test_start_info_points_at_the_layout(void **state)
{
    struct boot_layout_request req = {
        .virt_base = VIRT_BASE, .kernel_vstart = LOAD_VADDR,
        .kernel_vend = LOAD_VADDR + (32 << 20), .nr_pages = 65536,
        .ramdisk_size = 5000, .ramdisk_unmapped = true,
        .p2m_at_init_p2m = true, .init_p2m = 0x8000000000ULL,
    };
    struct boot_start_facts facts = {
        .nr_pages = 65536, .shared_info_mfn = 0x1234, .store_evtchn = 3,
        .console_evtchn = 4, .ramdisk_len = 5000, .cmdline = "console=hvc0",
    };
    struct boot_layout l;
    uint64_t *p2m = malloc(65536 * sizeof(*p2m));
    start_info_t si;
    char why[256];

    (void)state;
    assert_int_equal(boot_layout_compute(&req, &l, why, sizeof(why)), 0);
    for (uint64_t pfn = 0; pfn < 65536; pfn++)
        p2m[pfn] = pfn + 0x50000;
    boot_start_info_fill(&si, &l, &req, p2m, &facts);
    assert_string_equal(si.magic, "xen-3.0-x86_64");
    assert_true(si.shared_info == 0x1234000);
    assert_true(si.store_mfn == l.xenstore.pfn + 0x50000);
    assert_true(si.console.domU.mfn == l.console.pfn + 0x50000);
    assert_int_equal(si.store_evtchn, 3);
    assert_int_equal(si.console.domU.evtchn, 4);
    assert_true(si.pt_base == l.page_tables.vaddr);
    assert_int_equal(si.nr_pt_frames, l.page_tables.pages);
    assert_true(si.mfn_list == 0x8000000000ULL);
    assert_true(si.first_p2m_pfn == l.p2m.pfn && si.nr_p2m_frames == l.p2m.pages);
    assert_true(si.flags & SIF_MOD_START_PFN);
    assert_true(si.mod_start == l.ramdisk.pfn && si.mod_len == 5000);
    assert_string_equal((const char *)si.cmd_line, "console=hvc0");
    free(p2m);
}

static void test_reserved_grants_name_the_rings(void **state)
{
    grant_entry_v1_t table[8];

    (void)state;
    memset(table, 0, sizeof(table));
    guest_seed_reserved_grants(table, 0x12345, 0x6789a, 0);
    assert_int_equal(table[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
    assert_int_equal(table[GNTTAB_RESERVED_CONSOLE].domid, 0);
    assert_int_equal(table[GNTTAB_RESERVED_CONSOLE].frame, 0x12345);
    assert_int_equal(table[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    assert_int_equal(table[GNTTAB_RESERVED_XENSTORE].frame, 0x6789a);
    /* The guest's own entries are left alone. */
    for (int i = 2; i < 8; i++)
        assert_int_equal(table[i].flags | table[i].domid | table[i].frame, 0);
}

static void test_memory_map_is_ram_up_to_maxmem(void **state)
{
    struct guest_e820_entry map[1];

    (void)state;
    assert_int_equal(sizeof(map[0]), 20);      /* Xen's E820 entry size */
    assert_int_equal(guest_seed_memory_map(512 * 1024, map), 1);
    assert_int_equal(map[0].addr, 0);
    assert_int_equal(map[0].size, 512ULL << 20);
    assert_int_equal(map[0].type, GUEST_E820_RAM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_elf),
        cmocka_unit_test(test_bzimage_each_compression),
        cmocka_unit_test(test_bzimage_errors),
        cmocka_unit_test(test_elf_errors),
        cmocka_unit_test(test_note_errors),
        cmocka_unit_test(test_stock_kernel),
        cmocka_unit_test(test_layout_by_hand),
        cmocka_unit_test(test_layout_p2m_and_initrd_unmapped),
        cmocka_unit_test(test_layout_errors),
        cmocka_unit_test(test_count_tables_shares_common_tables),
        cmocka_unit_test(test_boot_tables_map_every_page),
        cmocka_unit_test(test_start_info_points_at_the_layout),
        cmocka_unit_test(test_reserved_grants_name_the_rings),
        cmocka_unit_test(test_memory_map_is_ram_up_to_maxmem),
    };

    return cmocka_run_group_tests_name("builder", tests, NULL, NULL);
}
