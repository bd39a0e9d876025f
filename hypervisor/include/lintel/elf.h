/*
 * ELF64 parsing for kernels handed to the hypervisor (dom0 now, and the
 * checks the domain builder will rely on). Every offset and size is
 * checked against the image size before it is used.
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_ELF_H
#define LINTEL_ELF_H

#include <lintel/types.h>

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

struct elf64_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

#define ELF_PT_LOAD     1
#define ELF_PT_NOTE     4
#define ELF_ET_EXEC     2
#define ELF_ET_DYN      3
#define ELF_EM_X86_64   62

struct elf_image {
    const uint8_t *data;
    size_t size;
    uint64_t entry;
    uint64_t virt_lo, virt_hi;  /* span of the PT_LOAD segments */
    unsigned load_segments;
    unsigned xen_notes;         /* notes named "Xen" (PV kernels carry them) */
};

/* True if the image starts with the ELF magic (whatever else is wrong). */
bool elf_has_magic(const void *data, size_t size);
/*
 * Validates an ELF64 x86_64 executable: 0, -ENOEXEC (not one) or -EINVAL
 * (truncated or malformed), with the reason in err.
 */
int elf_parse(const void *data, size_t size, struct elf_image *img, char *err,
              size_t err_len);

typedef void (*elf_note_fn)(void *ctx, const char *name, uint32_t type,
                            const void *desc, uint32_t desc_size);
/* Calls fn for each note in the PT_NOTE segments; -EINVAL if malformed. */
int elf_for_each_note(const struct elf_image *img, elf_note_fn fn, void *ctx,
                      char *err, size_t err_len);

#endif
