/*
 * Multiboot1 and multiboot2 information parsing. Everything a loader
 * hands us is checked before use: pointers must name readable memory,
 * sizes must be sane, tags must stay inside the structure.
 */
#include <lintel/bootinfo.h>
#include <lintel/errno.h>
#include <lintel/lib.h>

#define MB1_FLAG_MEM        (1u << 0)
#define MB1_FLAG_CMDLINE    (1u << 2)
#define MB1_FLAG_MODS       (1u << 3)
#define MB1_FLAG_MMAP       (1u << 6)
#define MB1_FLAG_LOADER     (1u << 9)
#define MB1_INFO_SIZE       88

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15
#define MB2_MAX_INFO_SIZE   (1u << 20)

struct parser {
    boot_mem_fn mem;
    void *ctx;
    char *err;
    size_t err_len;
};

static int fail(struct parser *p, const char *fmt, ...) __printf(2, 3);

static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lintel_vsnprintf(p->err, p->err_len, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static uint32_t rd32(const void *base, size_t off)
{
    uint32_t v;

    memcpy(&v, (const char *)base + off, sizeof(v));
    return v;
}

static uint64_t rd64(const void *base, size_t off)
{
    uint64_t v;

    memcpy(&v, (const char *)base + off, sizeof(v));
    return v;
}

/* Copies a loader string; `what` names it in the error message. */
static int copy_string(struct parser *p, uint64_t phys, char *dst, size_t max,
                       const char *what)
{
    for (size_t i = 0; i < max; i++) {
        const char *c = p->mem(p->ctx, phys + i, 1);
        if (!c) {
            lintel_snprintf(p->err, p->err_len,
                            "multiboot: %s at %#lx is not in readable memory",
                            what, (unsigned long)phys);
            return -EINVAL;
        }
        dst[i] = *c;
        if (!*c)
            return 0;
    }
    lintel_snprintf(p->err, p->err_len,
                    "multiboot: %s at %#lx is longer than %lu bytes", what,
                    (unsigned long)phys, (unsigned long)(max - 1));
    return -E2BIG;
}

static int add_memmap(struct parser *p, struct boot_info *bi, uint64_t addr,
                      uint64_t len, uint32_t type)
{
    if (bi->memmap_count == BOOT_MAX_MEMMAP)
        return fail(p, "multiboot: more than %d memory map entries", BOOT_MAX_MEMMAP);
    if (addr + len < addr)
        return fail(p, "multiboot: memory map entry at %#lx of length %#lx wraps",
                    addr, len);
    bi->memmap[bi->memmap_count++] = (struct boot_memmap_entry){ addr, len, type };
    return 0;
}

static int add_module(struct parser *p, struct boot_info *bi, uint64_t start,
                      uint64_t end, uint64_t cmdline_phys)
{
    struct boot_module *m;

    if (bi->module_count == BOOT_MAX_MODULES)
        return fail(p, "multiboot: more than %d modules", BOOT_MAX_MODULES);
    if (end < start)
        return fail(p, "multiboot: module ends (%#lx) before it starts (%#lx)",
                    end, start);
    m = &bi->modules[bi->module_count];
    m->start = start;
    m->end = end;
    m->cmdline[0] = '\0';
    if (cmdline_phys) {
        int rc = copy_string(p, cmdline_phys, m->cmdline, sizeof(m->cmdline),
                             "module command line");
        if (rc)
            return rc;
    }
    bi->module_count++;
    return 0;
}

static int parse_mb1_mmap(struct parser *p, struct boot_info *bi, uint64_t addr,
                          uint32_t length)
{
    const char *map = p->mem(p->ctx, addr, length);
    uint32_t off = 0;

    if (!map)
        return fail(p, "multiboot1: memory map at %#lx (%u bytes) is not readable",
                    addr, length);
    while (off < length) {
        uint32_t size;
        int rc;

        if (length - off < 4)
            return fail(p, "multiboot1: memory map entry at offset %u is cut off", off);
        size = rd32(map, off);
        if (size < 20 || size > length - off - 4)
            return fail(p, "multiboot1: memory map entry at offset %u has bad size %u",
                        off, size);
        rc = add_memmap(p, bi, rd64(map, off + 4), rd64(map, off + 12),
                        rd32(map, off + 20));
        if (rc)
            return rc;
        off += size + 4;
    }
    return 0;
}

static int parse_mb1(struct parser *p, uint64_t info_phys, struct boot_info *bi)
{
    const char *info = p->mem(p->ctx, info_phys, MB1_INFO_SIZE);
    uint32_t flags;
    int rc = 0;

    if (!info)
        return fail(p, "multiboot1: information structure at %#lx is not readable", info_phys);
    bi->protocol = 1;
    bi->info_start = info_phys;
    bi->info_end = info_phys + MB1_INFO_SIZE;
    flags = rd32(info, 0);
    if (!(flags & MB1_FLAG_MMAP))
        return fail(p, "multiboot1: the loader gave no memory map (flags %#x)", flags);
    if (flags & MB1_FLAG_CMDLINE)
        rc = copy_string(p, rd32(info, 16), bi->cmdline, sizeof(bi->cmdline),
                         "command line");
    if (!rc && (flags & MB1_FLAG_LOADER))
        rc = copy_string(p, rd32(info, 64), bi->loader, sizeof(bi->loader),
                         "loader name");
    if (!rc)
        rc = parse_mb1_mmap(p, bi, rd32(info, 48), rd32(info, 44));
    if (!rc && (flags & MB1_FLAG_MODS)) {
        uint32_t count = rd32(info, 20);
        const char *mods = p->mem(p->ctx, rd32(info, 24), (size_t)count * 16);

        if (count > BOOT_MAX_MODULES)
            return fail(p, "multiboot1: %u modules given, at most %d supported",
                        count, BOOT_MAX_MODULES);
        if (count && !mods)
            return fail(p, "multiboot1: module list at %#x is not readable", rd32(info, 24));
        for (uint32_t i = 0; i < count && !rc; i++)
            rc = add_module(p, bi, rd32(mods, i * 16), rd32(mods, i * 16 + 4),
                            rd32(mods, i * 16 + 8));
    }
    return rc;
}

static int parse_mb2_mmap(struct parser *p, struct boot_info *bi, const char *tag,
                          uint32_t size)
{
    uint32_t entry_size;

    if (size < 16)
        return fail(p, "multiboot2: memory map tag of %u bytes is too short", size);
    entry_size = rd32(tag, 8);
    if (entry_size < 24 || entry_size % 8)
        return fail(p, "multiboot2: memory map entry size %u is invalid", entry_size);
    for (uint32_t off = 16; off + entry_size <= size; off += entry_size) {
        int rc = add_memmap(p, bi, rd64(tag, off), rd64(tag, off + 8),
                            rd32(tag, off + 16));
        if (rc)
            return rc;
    }
    return 0;
}

/* Multiboot2 tags hold their strings inline. */
static int copy_inline_string(struct parser *p, const char *tag, uint32_t off,
                              uint32_t size, char *dst, size_t max, const char *what)
{
    size_t len = strnlen(tag + off, size - off);

    if (len == size - off)
        return fail(p, "multiboot2: %s tag is not NUL-terminated", what);
    if (len >= max)
        return fail(p, "multiboot2: %s of %zu bytes exceeds the limit of %zu",
                    what, len, max - 1);
    memcpy(dst, tag + off, len + 1);
    return 0;
}

static int parse_mb2_tag(struct parser *p, struct boot_info *bi, const char *tag,
                         uint32_t type, uint32_t size)
{
    struct boot_module *m;

    switch (type) {
    case MB2_TAG_CMDLINE:
        return copy_inline_string(p, tag, 8, size, bi->cmdline, sizeof(bi->cmdline),
                                  "command line");
    case MB2_TAG_LOADER:
        return copy_inline_string(p, tag, 8, size, bi->loader, sizeof(bi->loader),
                                  "loader name");
    case MB2_TAG_MODULE:
        if (size < 17)
            return fail(p, "multiboot2: module tag of %u bytes is too short", size);
        if (add_module(p, bi, rd32(tag, 8), rd32(tag, 12), 0))
            return -EINVAL;
        m = &bi->modules[bi->module_count - 1];
        return copy_inline_string(p, tag, 16, size, m->cmdline, sizeof(m->cmdline),
                                  "module command line");
    case MB2_TAG_MMAP:
        return parse_mb2_mmap(p, bi, tag, size);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        bi->rsdp_len = MIN((size_t)size - 8, sizeof(bi->rsdp));
        memcpy(bi->rsdp, tag + 8, bi->rsdp_len);
        return 0;
    default:
        return 0;       /* tags we do not use are fine */
    }
}

static int parse_mb2(struct parser *p, uint64_t info_phys, struct boot_info *bi)
{
    const char *hdr = p->mem(p->ctx, info_phys, 8);
    const char *info;
    uint32_t total, off = 8;

    if (!hdr || (info_phys & 7))
        return fail(p, "multiboot2: information at %#lx is unreadable or unaligned", info_phys);
    total = rd32(hdr, 0);
    if (total < 16 || total > MB2_MAX_INFO_SIZE)
        return fail(p, "multiboot2: total size %u is out of range (16..%u)", total,
                    MB2_MAX_INFO_SIZE);
    info = p->mem(p->ctx, info_phys, total);
    if (!info)
        return fail(p, "multiboot2: %u bytes at %#lx are not readable", total, info_phys);
    bi->protocol = 2;
    bi->info_start = info_phys;
    bi->info_end = info_phys + total;
    while (off + 8 <= total) {
        uint32_t type = rd32(info, off), size = rd32(info, off + 4);
        int rc;

        if (size < 8 || size > total - off)
            return fail(p, "multiboot2: tag at offset %u has bad size %u", off, size);
        if (type == MB2_TAG_END) {
            if (!bi->memmap_count)
                return fail(p, "multiboot2: the loader gave no memory map");
            return 0;
        }
        rc = parse_mb2_tag(p, bi, info + off, type, size);
        if (rc)
            return rc;
        off += ALIGN_UP(size, 8);
    }
    return fail(p, "multiboot2: no end tag within %u bytes", total);
}

int bootinfo_parse(uint32_t magic, uint64_t info_phys, boot_mem_fn mem, void *ctx,
                   struct boot_info *bi, char *err, size_t err_len)
{
    struct parser p = { mem, ctx, err, err_len };

    memset(bi, 0, sizeof(*bi));
    if (err_len)
        err[0] = '\0';
    if (magic == MULTIBOOT1_BOOT_MAGIC)
        return parse_mb1(&p, info_phys, bi);
    if (magic == MULTIBOOT2_BOOT_MAGIC)
        return parse_mb2(&p, info_phys, bi);
    return fail(&p, "unknown boot loader magic %#x: boot Lintel with a multiboot1 "
                "or multiboot2 loader", magic);
}

const char *memmap_type_name(uint32_t type)
{
    switch (type) {
    case MEMMAP_RAM: return "RAM";
    case MEMMAP_RESERVED: return "reserved";
    case MEMMAP_ACPI: return "ACPI data";
    case MEMMAP_NVS: return "ACPI NVS";
    case MEMMAP_UNUSABLE: return "unusable";
    default: return "unknown";
    }
}
