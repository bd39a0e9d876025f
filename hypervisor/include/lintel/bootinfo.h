/*
 * What the boot loader told us, copied out of the loader's structures
 * (multiboot1 from QEMU -kernel, multiboot2 from GRUB) into one form.
 * Pure logic: the parser also compiles into the host unit tests, which
 * feed it well-formed and malformed loader data.
 */
#ifndef LINTEL_BOOTINFO_H
#define LINTEL_BOOTINFO_H

#include <lintel/types.h>

#define MULTIBOOT1_BOOT_MAGIC 0x2BADB002
#define MULTIBOOT2_BOOT_MAGIC 0x36D76289

#define BOOT_MAX_MEMMAP   128
#define BOOT_MAX_MODULES  16
#define BOOT_CMDLINE_MAX  1024

/* E820 types, as the firmware reports them. */
#define MEMMAP_RAM          1
#define MEMMAP_RESERVED     2
#define MEMMAP_ACPI         3
#define MEMMAP_NVS          4
#define MEMMAP_UNUSABLE     5

struct boot_memmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
};

struct boot_module {
    uint64_t start;
    uint64_t end;               /* exclusive */
    char cmdline[BOOT_CMDLINE_MAX];
};

struct boot_info {
    unsigned protocol;          /* 1 or 2 */
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];
    struct boot_memmap_entry memmap[BOOT_MAX_MEMMAP];
    unsigned memmap_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned module_count;
    uint8_t rsdp[36];           /* multiboot2 hands over a copy of the RSDP */
    size_t rsdp_len;
    uint64_t info_start, info_end;  /* where the loader's structure lies */
};

/*
 * Gives access to len bytes of loader memory at physical address phys, or
 * NULL if that memory cannot be read (outside RAM, wraps around, ...).
 */
typedef const void *(*boot_mem_fn)(void *ctx, uint64_t phys, size_t len);

/*
 * Fills *bi from the loader's structure at info_phys. Returns 0, or a
 * negative errno with a message naming the problem in err.
 */
int bootinfo_parse(uint32_t magic, uint64_t info_phys, boot_mem_fn mem, void *ctx,
                   struct boot_info *bi, char *err, size_t err_len);

const char *memmap_type_name(uint32_t type);

#endif
