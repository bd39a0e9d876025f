/*
 * ELF64 x86-64 kernels: the header and the PT_LOAD segments. Every
 * table and segment is bounds-checked against the file before use.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "kernel_image.h"

static bool range_in_file(uint64_t offset, uint64_t size, size_t file_size)
{
    return offset <= file_size && size <= file_size - offset;
}

static int check_header(const Elf64_Ehdr *eh, size_t size, char *why, size_t why_len)
{
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        snprintf(why, why_len, "not an ELF file");
        return -1;
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64) {
        snprintf(why, why_len, "not a 64-bit little-endian x86-64 ELF "
                 "(class %u, data %u, machine %u)", eh->e_ident[EI_CLASS],
                 eh->e_ident[EI_DATA], eh->e_machine);
        return -1;
    }
    if (eh->e_type != ET_EXEC) {
        snprintf(why, why_len, "ELF type %u is not an executable", eh->e_type);
        return -1;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        !range_in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size)) {
        snprintf(why, why_len, "ELF program header table is missing or outside the file");
        return -1;
    }
    return 0;
}

static int add_segment(struct kernel_image *img, const Elf64_Phdr *ph, char *why,
                       size_t why_len)
{
    struct kernel_segment *seg;

    if (!range_in_file(ph->p_offset, ph->p_filesz, img->elf_size) ||
        ph->p_filesz > ph->p_memsz || ph->p_vaddr + ph->p_memsz < ph->p_vaddr ||
        ph->p_paddr + ph->p_memsz < ph->p_paddr) {
        snprintf(why, why_len, "PT_LOAD segment at offset %#llx is malformed or "
                 "outside the file", (unsigned long long)ph->p_offset);
        return -1;
    }
    if (img->n_segments == KERNEL_SEGMENTS_MAX) {
        snprintf(why, why_len, "more than %d PT_LOAD segments", KERNEL_SEGMENTS_MAX);
        return -1;
    }
    seg = &img->segments[img->n_segments++];
    seg->paddr = ph->p_paddr;
    seg->vaddr = ph->p_vaddr;
    seg->file_offset = ph->p_offset;
    seg->file_size = ph->p_filesz;
    seg->mem_size = ph->p_memsz;
    return 0;
}

int elf_kernel_parse(struct kernel_image *img, char *why, size_t why_len)
{
    Elf64_Ehdr eh;

    /* Copies, not casts: nothing promises the tables are aligned in the file. */
    if (img->elf_size < sizeof(eh)) {
        snprintf(why, why_len, "not an ELF file");
        return -1;
    }
    memcpy(&eh, img->elf, sizeof(eh));
    if (check_header(&eh, img->elf_size, why, why_len) < 0)
        return -1;
    img->entry_elf = eh.e_entry;
    img->n_segments = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, img->elf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD && ph.p_memsz && add_segment(img, &ph, why, why_len) < 0)
            return -1;
    }
    if (img->n_segments == 0) {
        snprintf(why, why_len, "ELF file has nothing to load (no PT_LOAD segment)");
        return -1;
    }
    return 0;
}
