/*
 * The guest kernel as the PV domain builder sees it: an ELF image (loaded
 * as is, or unpacked from a bzImage's compressed payload), its loadable
 * segments, and the parameters its Xen ELF notes announce.
 *
 * All of this is pure parsing of untrusted bytes: every offset and size is
 * checked against the buffer, and errors say what is wrong where.
 */
#ifndef LINTEL_KERNEL_IMAGE_H
#define LINTEL_KERNEL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decompressed kernel bigger than this is refused, not unpacked. */
#define KERNEL_IMAGE_MAX (256u << 20)
#define KERNEL_SEGMENTS_MAX 16

struct kernel_segment {
    uint64_t paddr;         /* where the kernel wants it, guest-physical */
    uint64_t vaddr;         /* p_vaddr as written; not always meaningful */
    uint64_t load_vaddr;    /* where it is mapped: from paddr and the notes */
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t mem_size;      /* the rest up to mem_size is zeroed */
};

/* What the kernel's "Xen" ELF notes say, with presence flags where optional. */
struct xen_guest_params {
    uint64_t entry;
    uint64_t hypercall_page;
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t init_p2m;
    bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
    bool has_init_p2m;
    bool mod_start_pfn;         /* accepts the initrd as a pfn, unmapped */
    bool suspend_cancel;
    char guest_os[32];
    char guest_version[32];
    char xen_version[32];
    char loader[32];
    char pae_mode[16];
    uint32_t features_supported;    /* XENFEAT_* bitmap */
    uint32_t features_required;
};

struct kernel_image {
    uint8_t *elf;               /* owned: the ELF bytes */
    size_t elf_size;
    char format[24];            /* "ELF", "bzImage/xz", "bzImage/gzip", ... */
    struct kernel_segment segments[KERNEL_SEGMENTS_MAX];
    size_t n_segments;
    uint64_t entry_elf;         /* e_entry */
    /*
     * The loaded range, from paddr as VIRT_BASE and PADDR_OFFSET place it:
     * p_vaddr cannot be used, Linux links its per-cpu segment at 0.
     */
    uint64_t virt_start;
    uint64_t virt_end;
    struct xen_guest_params xen;
};

/* Reads PATH, unpacks it if it is a bzImage, parses ELF and notes. */
int kernel_image_load(const char *path, struct kernel_image *img, char *why,
                      size_t why_len);
/* The same from bytes already in memory (copied; the caller keeps BUF). */
int kernel_image_parse(const uint8_t *buf, size_t len, struct kernel_image *img,
                       char *why, size_t why_len);
void kernel_image_free(struct kernel_image *img);

/* bzImage: the compressed payload inside, or -1 with WHY if not a bzImage. */
int bzimage_payload(const uint8_t *buf, size_t len, const uint8_t **payload,
                    size_t *payload_len, char *why, size_t why_len);

/*
 * Unpacks a compressed kernel payload (format chosen by its magic). Stops
 * at the end of the first stream: Linux appends the unpacked size after it.
 */
int payload_decompress(const uint8_t *in, size_t in_len, uint8_t **out,
                       size_t *out_len, const char **format, char *why,
                       size_t why_len);

/* ELF64 x86-64 header and PT_LOAD segments into IMG (elf/elf_size set). */
int elf_kernel_parse(struct kernel_image *img, char *why, size_t why_len);

/* Finds and decodes the "Xen" notes of IMG's ELF into IMG->xen, then checks them. */
int xen_notes_parse(struct kernel_image *img, char *why, size_t why_len);

/* XENFEAT_* number for a FEATURES-note name, or -1; and back (NULL if unnamed). */
int xen_feature_by_name(const char *name, size_t len);
const char *xen_feature_name(int bit);

#endif
