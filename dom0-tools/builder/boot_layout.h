/*
 * Where the PV domain builder puts things in a new guest's memory, before
 * any of it exists: the kernel, the initrd, the p2m list, start_info, the
 * store and console ring pages, the bootstrap page tables and the boot
 * stack, and how far the bootstrap mapping reaches.
 *
 * Guest-physical frame N is mapped at virt_base + N * 4 KiB (the contract
 * of a PV kernel's VIRT_BASE note), so each region has one pfn and one
 * virtual address. The page tables map [virt_base, mapped_end), which ends
 * at least 512 KiB past the last bootstrap allocation as the start_info
 * contract asks, rounded to 4 MiB.
 */
#ifndef LINTEL_BOOT_LAYOUT_H
#define LINTEL_BOOT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_PAGE_SIZE     4096ULL
#define BOOT_MAP_SLACK     (512ULL << 10)
#define BOOT_MAP_ALIGN     (4ULL << 20)

struct boot_layout_request {
    uint64_t virt_base;
    uint64_t kernel_vstart;
    uint64_t kernel_vend;
    uint64_t nr_pages;              /* the domain's memory */
    uint64_t ramdisk_size;          /* bytes; 0 for none */
    bool ramdisk_unmapped;          /* the kernel takes mod_start as a pfn */
    bool p2m_at_init_p2m;           /* the kernel wants the p2m at INIT_P2M */
    uint64_t init_p2m;
};

struct boot_region {
    uint64_t vaddr;                 /* 0 when the region is not mapped */
    uint64_t pfn;
    uint64_t pages;
};

struct boot_layout {
    struct boot_region kernel;
    struct boot_region ramdisk;
    struct boot_region p2m;
    struct boot_region start_info;
    struct boot_region xenstore;
    struct boot_region console;
    struct boot_region page_tables;
    struct boot_region boot_stack;
    uint64_t mapped_end;            /* end of the bootstrap mapping */
    unsigned tables[4];             /* page tables per level: [0] = L1 ... [3] = L4 */
    uint64_t pages_used;            /* pfns the layout needs, from 0 */
};

int boot_layout_compute(const struct boot_layout_request *req,
                        struct boot_layout *out, char *why, size_t why_len);

/*
 * Tables per level needed to map the virtual ranges [start[i], end[i]),
 * counting a table shared by two ranges once. Exposed for unit tests.
 */
void boot_count_tables(const uint64_t *start, const uint64_t *end, size_t n,
                       unsigned tables[4]);

#endif
