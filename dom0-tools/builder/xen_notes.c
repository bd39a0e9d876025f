/*
 * The "Xen" ELF notes of a PV kernel: where to enter, where the hypercall
 * page goes, how virtual and physical addresses relate, what the kernel
 * requires of the hypervisor. Notes are found through PT_NOTE segments.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "kernel_image.h"
#include "public/elfnote.h"
#include "public/features.h"

#define NOTE_ALIGN(n) (((n) + 3u) & ~3u)

static const struct {
    const char *name;
    int bit;
} feature_names[] = {
    { "writable_page_tables", XENFEAT_writable_page_tables },
    { "writable_descriptor_tables", XENFEAT_writable_descriptor_tables },
    { "auto_translated_physmap", XENFEAT_auto_translated_physmap },
    { "supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel },
    { "pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb },
    { "mmu_pt_update_preserve_ad", XENFEAT_mmu_pt_update_preserve_ad },
    { "gnttab_map_avail_bits", XENFEAT_gnttab_map_avail_bits },
    { "hvm_callback_vector", XENFEAT_hvm_callback_vector },
    { "hvm_safe_pvclock", XENFEAT_hvm_safe_pvclock },
    { "hvm_pirqs", XENFEAT_hvm_pirqs },
    { "dom0", XENFEAT_dom0 },
    { "memory_op_vnode_supported", XENFEAT_memory_op_vnode_supported },
    { "linux_rsdp_unrestricted", XENFEAT_linux_rsdp_unrestricted },
};

const char *xen_feature_name(int bit)
{
    for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
        if (feature_names[i].bit == bit)
            return feature_names[i].name;
    return NULL;
}

int xen_feature_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
        if (strlen(feature_names[i].name) == len &&
            memcmp(feature_names[i].name, name, len) == 0)
            return feature_names[i].bit;
    return -1;
}

/* "a|!b|c": every name is supported; a '!' prefix also makes it required. */
static int parse_features(const char *text, size_t len, struct xen_guest_params *xen,
                          char *why, size_t why_len)
{
    size_t pos = 0;

    while (pos < len) {
        size_t end = pos;
        bool required = text[pos] == '!';
        int bit;

        while (end < len && text[end] != '|')
            end++;
        bit = xen_feature_by_name(text + pos + required, end - pos - required);
        if (bit >= 0) {
            xen->features_supported |= 1u << bit;
            if (required)
                xen->features_required |= 1u << bit;
        } else if (required) {
            snprintf(why, why_len, "kernel requires unknown Xen feature \"%.*s\"",
                     (int)(end - pos - 1), text + pos + 1);
            return -1;
        }
        pos = end + 1;
    }
    return 0;
}

static bool note_number(const uint8_t *desc, uint32_t size, uint64_t *value)
{
    uint64_t v = 0;

    if (size != 1 && size != 2 && size != 4 && size != 8)
        return false;
    for (uint32_t i = 0; i < size; i++)
        v |= (uint64_t)desc[i] << (8 * i);
    *value = v;
    return true;
}

static void note_string(const uint8_t *desc, uint32_t size, char *out, size_t out_len)
{
    size_t len = strnlen((const char *)desc, size);

    if (len >= out_len)
        len = out_len - 1;
    memcpy(out, desc, len);
    out[len] = '\0';
}

/* Numeric notes: which field each one fills, and its presence flag. */
static bool *number_slot(struct xen_guest_params *xen, uint32_t type, uint64_t **value)
{
    static uint64_t ignored;

    switch (type) {
    case XEN_ELFNOTE_ENTRY: *value = &xen->entry; return &xen->has_entry;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        *value = &xen->hypercall_page; return &xen->has_hypercall_page;
    case XEN_ELFNOTE_VIRT_BASE: *value = &xen->virt_base; return &xen->has_virt_base;
    case XEN_ELFNOTE_PADDR_OFFSET:
        *value = &xen->paddr_offset; return &xen->has_paddr_offset;
    case XEN_ELFNOTE_INIT_P2M: *value = &xen->init_p2m; return &xen->has_init_p2m;
    case XEN_ELFNOTE_MOD_START_PFN: *value = &ignored; return &xen->mod_start_pfn;
    case XEN_ELFNOTE_SUSPEND_CANCEL: *value = &ignored; return &xen->suspend_cancel;
    default: return NULL;
    }
}

static char *string_slot(struct xen_guest_params *xen, uint32_t type, size_t *len)
{
    switch (type) {
    case XEN_ELFNOTE_GUEST_OS: *len = sizeof(xen->guest_os); return xen->guest_os;
    case XEN_ELFNOTE_GUEST_VERSION:
        *len = sizeof(xen->guest_version); return xen->guest_version;
    case XEN_ELFNOTE_XEN_VERSION: *len = sizeof(xen->xen_version); return xen->xen_version;
    case XEN_ELFNOTE_LOADER: *len = sizeof(xen->loader); return xen->loader;
    case XEN_ELFNOTE_PAE_MODE: *len = sizeof(xen->pae_mode); return xen->pae_mode;
    default: return NULL;
    }
}

static int apply_note(struct xen_guest_params *xen, uint32_t type, const uint8_t *desc,
                      uint32_t size, char *why, size_t why_len)
{
    uint64_t *value;
    bool *present = number_slot(xen, type, &value);
    size_t len;
    char *text;

    if (present) {
        if (!note_number(desc, size, value)) {
            snprintf(why, why_len, "Xen note %u has a %u-byte value, expected 1, 2, "
                     "4 or 8", type, size);
            return -1;
        }
        *present = true;
        return 0;
    }
    if ((text = string_slot(xen, type, &len)) != NULL) {
        note_string(desc, size, text, len);
        return 0;
    }
    if (type == XEN_ELFNOTE_FEATURES)
        return parse_features((const char *)desc, strnlen((const char *)desc, size),
                              xen, why, why_len);
    if (type == XEN_ELFNOTE_SUPPORTED_FEATURES) {
        uint64_t bits;

        if (size != 4 || !note_number(desc, size, &bits)) {
            snprintf(why, why_len, "SUPPORTED_FEATURES note must be 4 bytes");
            return -1;
        }
        xen->features_supported |= (uint32_t)bits;
    }
    return 0;   /* notes the builder has no use for */
}

/* Walks the notes in [OFFSET, OFFSET+SIZE) of the file; returns Xen notes seen. */
static int walk_notes(struct kernel_image *img, uint64_t offset, uint64_t size,
                      char *why, size_t why_len)
{
    const uint8_t *p = img->elf + offset, *end = p + size;
    int seen = 0;

    while (end - p >= 12) {
        uint32_t namesz, descsz, type;
        const uint8_t *name, *desc;

        memcpy(&namesz, p, 4);
        memcpy(&descsz, p + 4, 4);
        memcpy(&type, p + 8, 4);
        name = p + 12;
        if (NOTE_ALIGN((uint64_t)namesz) > (uint64_t)(end - name) ||
            NOTE_ALIGN((uint64_t)descsz) > (uint64_t)(end - name) - NOTE_ALIGN((uint64_t)namesz)) {
            snprintf(why, why_len, "ELF note at offset %#llx overruns its segment",
                     (unsigned long long)(p - img->elf));
            return -1;
        }
        desc = name + NOTE_ALIGN(namesz);
        if (namesz == 4 && memcmp(name, "Xen", 4) == 0) {
            if (apply_note(&img->xen, type, desc, descsz, why, why_len) < 0)
                return -1;
            seen++;
        }
        p = desc + NOTE_ALIGN(descsz);
    }
    return seen;
}

/* Maps each segment's paddr into the kernel's virtual space. */
static int place_segments(struct kernel_image *img, char *why, size_t why_len)
{
    const struct xen_guest_params *xen = &img->xen;

    for (size_t i = 0; i < img->n_segments; i++) {
        struct kernel_segment *seg = &img->segments[i];
        uint64_t v = seg->paddr - xen->paddr_offset + xen->virt_base;

        if (seg->paddr < xen->paddr_offset || v < xen->virt_base ||
            v + seg->mem_size < v) {
            snprintf(why, why_len, "segment at paddr %#llx does not fit above VIRT_BASE",
                     (unsigned long long)seg->paddr);
            return -1;
        }
        seg->load_vaddr = v;
        if (i == 0 || v < img->virt_start)
            img->virt_start = v;
        if (v + seg->mem_size > img->virt_end)
            img->virt_end = v + seg->mem_size;
    }
    return 0;
}

static int check_params(const struct kernel_image *img, char *why, size_t why_len)
{
    const struct xen_guest_params *xen = &img->xen;
    uint64_t entry = xen->has_entry ? xen->entry : img->entry_elf;

    if (entry < img->virt_start || entry >= img->virt_end) {
        snprintf(why, why_len, "entry point %#llx is outside the loaded kernel",
                 (unsigned long long)entry);
        return -1;
    }
    /* Newer kernels make hypercalls without a page from the hypervisor. */
    if (xen->has_hypercall_page &&
        (xen->hypercall_page < img->virt_start || xen->hypercall_page >= img->virt_end ||
         xen->hypercall_page % 4096)) {
        snprintf(why, why_len, "hypercall page %#llx is not a page of the loaded kernel",
                 (unsigned long long)xen->hypercall_page);
        return -1;
    }
    if (strcmp(xen->loader, "generic") != 0 && xen->loader[0]) {
        snprintf(why, why_len, "unsupported loader \"%s\" (only generic)", xen->loader);
        return -1;
    }
    return 0;
}

int xen_notes_parse(struct kernel_image *img, char *why, size_t why_len)
{
    Elf64_Ehdr eh;
    int seen = 0;

    memset(&img->xen, 0, sizeof(img->xen));
    memcpy(&eh, img->elf, sizeof(eh));
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        int n;

        memcpy(&ph, img->elf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_NOTE)
            continue;
        if (ph.p_offset > img->elf_size || ph.p_filesz > img->elf_size - ph.p_offset) {
            snprintf(why, why_len, "PT_NOTE segment lies outside the file");
            return -1;
        }
        n = walk_notes(img, ph.p_offset, ph.p_filesz, why, why_len);
        if (n < 0)
            return -1;
        seen += n;
    }
    if (seen == 0) {
        snprintf(why, why_len, "no Xen ELF notes: not a Xen PV kernel "
                 "(built without CONFIG_XEN_PV?)");
        return -1;
    }
    if (!img->xen.has_virt_base) {
        snprintf(why, why_len, "Xen notes lack VIRT_BASE");
        return -1;
    }
    img->virt_start = img->virt_end = 0;
    if (place_segments(img, why, why_len) < 0)
        return -1;
    return check_params(img, why, why_len);
}
