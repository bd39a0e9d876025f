#include <lintel/elf.h>
#include <lintel/errno.h>
#include <lintel/lib.h>

static int fail(int rc, char *err, size_t err_len, const char *fmt, ...) __printf(4, 5);

static int fail(int rc, char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lintel_vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
    return rc;
}

bool elf_has_magic(const void *data, size_t size)
{
    return size >= 4 && !memcmp(data, "\x7f" "ELF", 4);
}

/* [off, off+len) lies inside the image, without overflow. */
static bool in_image(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static int check_header(const struct elf64_ehdr *eh, size_t size, char *err,
                        size_t err_len)
{
    if (eh->ident[4] != 2)
        return fail(-ENOEXEC, err, err_len, "not a 64-bit ELF (class %u)", eh->ident[4]);
    if (eh->ident[5] != 1)
        return fail(-ENOEXEC, err, err_len, "not a little-endian ELF");
    if (eh->machine != ELF_EM_X86_64)
        return fail(-ENOEXEC, err, err_len, "ELF machine %u is not x86_64", eh->machine);
    if (eh->type != ELF_ET_EXEC && eh->type != ELF_ET_DYN)
        return fail(-ENOEXEC, err, err_len, "ELF type %u is not an executable", eh->type);
    if (eh->phentsize != sizeof(struct elf64_phdr))
        return fail(-EINVAL, err, err_len, "ELF program header size %u (expected %zu)",
                    eh->phentsize, sizeof(struct elf64_phdr));
    if (eh->phnum == 0)
        return fail(-EINVAL, err, err_len, "ELF has no program headers");
    if (!in_image(size, eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf64_phdr)))
        return fail(-EINVAL, err, err_len,
                    "ELF truncated: %u program headers at offset %lu run past the "
                    "end of the %zu-byte file", eh->phnum, (unsigned long)eh->phoff, size);
    return 0;
}

static void read_phdr(const struct elf_image *img, const struct elf64_ehdr *eh,
                      unsigned i, struct elf64_phdr *ph)
{
    memcpy(ph, img->data + eh->phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static int check_segments(struct elf_image *img, const struct elf64_ehdr *eh,
                          char *err, size_t err_len)
{
    img->virt_lo = UINT64_MAX;
    img->virt_hi = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct elf64_phdr ph;

        read_phdr(img, eh, i, &ph);
        if (ph.type != ELF_PT_LOAD && ph.type != ELF_PT_NOTE)
            continue;
        if (!in_image(img->size, ph.offset, ph.filesz))
            return fail(-EINVAL, err, err_len,
                        "ELF truncated: segment %u needs file bytes up to %lu but the "
                        "file has %zu", i, (unsigned long)(ph.offset + ph.filesz),
                        img->size);
        if (ph.type == ELF_PT_NOTE)
            continue;
        if (ph.filesz > ph.memsz || ph.vaddr + ph.memsz < ph.vaddr)
            return fail(-EINVAL, err, err_len,
                        "ELF segment %u has bad sizes (file %lu, memory %lu)", i,
                        (unsigned long)ph.filesz, (unsigned long)ph.memsz);
        img->load_segments++;
        img->virt_lo = MIN(img->virt_lo, ph.vaddr);
        img->virt_hi = MAX(img->virt_hi, ph.vaddr + ph.memsz);
    }
    if (!img->load_segments)
        return fail(-EINVAL, err, err_len, "ELF has no loadable segment");
    if (img->entry < img->virt_lo || img->entry >= img->virt_hi)
        return fail(-EINVAL, err, err_len,
                    "ELF entry point %#lx is outside its segments (%#lx-%#lx)",
                    (unsigned long)img->entry, (unsigned long)img->virt_lo,
                    (unsigned long)img->virt_hi);
    return 0;
}

static void count_xen_note(void *ctx, const char *name, uint32_t type,
                           const void *desc, uint32_t desc_size)
{
    (void)type, (void)desc, (void)desc_size;
    if (!strcmp(name, "Xen"))
        ((struct elf_image *)ctx)->xen_notes++;
}

int elf_parse(const void *data, size_t size, struct elf_image *img, char *err,
              size_t err_len)
{
    struct elf64_ehdr eh;
    int rc;

    memset(img, 0, sizeof(*img));
    if (!elf_has_magic(data, size))
        return fail(-ENOEXEC, err, err_len, "no ELF magic");
    if (size < sizeof(eh))
        return fail(-EINVAL, err, err_len,
                    "ELF truncated: file is %zu bytes, the header alone needs %zu",
                    size, sizeof(eh));
    memcpy(&eh, data, sizeof(eh));
    rc = check_header(&eh, size, err, err_len);
    if (rc)
        return rc;
    img->data = data;
    img->size = size;
    img->entry = eh.entry;
    rc = check_segments(img, &eh, err, err_len);
    if (rc)
        return rc;
    return elf_for_each_note(img, count_xen_note, img, err, err_len);
}

static int walk_notes(const uint8_t *p, uint64_t len, elf_note_fn fn, void *ctx,
                      char *err, size_t err_len)
{
    uint64_t off = 0;

    while (len - off >= 12) {
        uint32_t namesz, descsz, type;
        uint64_t name_span, desc_span;
        char name[32];

        memcpy(&namesz, p + off, 4);
        memcpy(&descsz, p + off + 4, 4);
        memcpy(&type, p + off + 8, 4);
        name_span = ALIGN_UP((uint64_t)namesz, 4);
        desc_span = ALIGN_UP((uint64_t)descsz, 4);
        if (name_span + desc_span > len - off - 12)
            return fail(-EINVAL, err, err_len,
                        "ELF note at offset %lu runs past its segment",
                        (unsigned long)off);
        lintel_strlcpy(name, "", sizeof(name));
        if (namesz && namesz <= sizeof(name)) {
            memcpy(name, p + off + 12, namesz);
            name[namesz - 1] = '\0';
        }
        fn(ctx, name, type, p + off + 12 + name_span, descsz);
        off += 12 + name_span + desc_span;
    }
    return 0;
}

int elf_for_each_note(const struct elf_image *img, elf_note_fn fn, void *ctx,
                      char *err, size_t err_len)
{
    struct elf64_ehdr eh;

    memcpy(&eh, img->data, sizeof(eh));
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        int rc;

        read_phdr(img, &eh, i, &ph);
        if (ph.type != ELF_PT_NOTE)
            continue;
        rc = walk_notes(img->data + ph.offset, ph.filesz, fn, ctx, err, err_len);
        if (rc)
            return rc;
    }
    return 0;
}
