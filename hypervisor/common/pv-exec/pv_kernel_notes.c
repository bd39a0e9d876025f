#include <lintel/errno.h>
#include <lintel/lib.h>
#include <lintel/pv_kernel_notes.h>
#include <public/elfnote.h>

struct note_walk {
    struct pv_kernel_notes *n;
    bool bad;
    char why[80];
};

/* Numeric notes are 4 or 8 bytes, little endian. */
static bool read_number(const void *desc, uint32_t size, uint64_t *out)
{
    uint32_t v32;

    if (size == 8) {
        memcpy(out, desc, 8);
        return true;
    }
    if (size == 4) {
        memcpy(&v32, desc, 4);
        *out = v32;
        return true;
    }
    return false;
}

static void number_note(struct note_walk *w, const char *what, const void *desc,
                        uint32_t size, uint64_t *out, bool *seen)
{
    if (!read_number(desc, size, out)) {
        w->bad = true;
        lintel_snprintf(w->why, sizeof(w->why), "Xen note %s has a %u-byte value", what,
                        size);
        return;
    }
    if (seen)
        *seen = true;
}

static void on_note(void *ctx, const char *name, uint32_t type, const void *desc,
                    uint32_t size)
{
    struct note_walk *w = ctx;
    struct pv_kernel_notes *n = w->n;
    uint64_t v;

    if (strcmp(name, "Xen"))
        return;
    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        number_note(w, "ENTRY", desc, size, &n->entry, &n->has_entry);
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        number_note(w, "HYPERCALL_PAGE", desc, size, &n->hypercall_page,
                    &n->has_hypercall_page);
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        number_note(w, "VIRT_BASE", desc, size, &n->virt_base, &n->has_virt_base);
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        number_note(w, "PADDR_OFFSET", desc, size, &n->paddr_offset, NULL);
        break;
    case XEN_ELFNOTE_INIT_P2M:
        number_note(w, "INIT_P2M", desc, size, &n->init_p2m, &n->has_init_p2m);
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        if (read_number(desc, size, &v))
            n->mod_start_pfn = v != 0;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        if (read_number(desc, size, &v))
            n->supported_features |= (uint32_t)v;
        break;
    case XEN_ELFNOTE_PAE_MODE:
        n->pae_yes = size >= 3 && !memcmp(desc, "yes", 3);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        memcpy(n->guest_os, desc, MIN(size, (uint32_t)sizeof(n->guest_os) - 1));
        break;
    }
}

int pv_kernel_notes_read(const struct elf_image *img, struct pv_kernel_notes *n,
                         char *err, size_t err_len)
{
    struct note_walk w = { .n = n };
    int rc;

    memset(n, 0, sizeof(*n));
    rc = elf_for_each_note(img, on_note, &w, err, err_len);
    if (rc)
        return rc;
    if (w.bad) {
        lintel_strlcpy(err, w.why, err_len);
        return -EINVAL;
    }
    if (!img->xen_notes) {
        lintel_strlcpy(err, "the ELF has no Xen notes: not a PV kernel", err_len);
        return -ENOEXEC;
    }
    if (!n->has_entry)
        n->entry = img->entry;
    if (!n->has_virt_base) {
        lintel_strlcpy(err, "the kernel has no VIRT_BASE note", err_len);
        return -EINVAL;
    }
    if (n->has_hypercall_page &&
        (n->hypercall_page < img->virt_lo || n->hypercall_page + PAGE_SIZE > img->virt_hi ||
         (n->hypercall_page & (PAGE_SIZE - 1)))) {
        lintel_strlcpy(err, "HYPERCALL_PAGE is not a page inside the kernel image", err_len);
        return -EINVAL;
    }
    if (n->entry < img->virt_lo || n->entry >= img->virt_hi) {
        lintel_strlcpy(err, "the ENTRY note points outside the kernel image", err_len);
        return -EINVAL;
    }
    return 0;
}
