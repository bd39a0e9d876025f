/*
 * The Xen ELF notes of a PV kernel, as the dom0 builder needs them.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_PV_KERNEL_NOTES_H
#define LINTEL_PV_KERNEL_NOTES_H

#include <lintel/elf.h>

struct pv_kernel_notes {
    bool has_entry, has_hypercall_page, has_virt_base, has_init_p2m;
    uint64_t entry;
    uint64_t hypercall_page;
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t init_p2m;
    bool mod_start_pfn;
    bool pae_yes;
    uint32_t supported_features;
    char guest_os[32];
};

/* 0, or -EINVAL/-ENOEXEC with the reason in err (a missing or bad note). */
int pv_kernel_notes_read(const struct elf_image *img, struct pv_kernel_notes *n,
                         char *err, size_t err_len);

#endif
