/*
 * Filling the boot data a PV kernel finds at entry, once the layout is
 * fixed and the guest's frames are known (P2M: pfn -> mfn). Pure: the
 * caller maps the pages and hands them in, so unit tests can check every
 * entry on the host.
 */
#ifndef LINTEL_BOOT_TABLES_H
#define LINTEL_BOOT_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "boot_layout.h"
#include "public/xen.h"

/* Present, writable, user (a PV kernel runs in ring 3), accessed, dirty. */
#define BOOT_PTE_FLAGS    0x067ULL
#define BOOT_PTE_RW       0x002ULL
#define BOOT_PTE_PRESENT  0x001ULL

/*
 * Writes the bootstrap page tables into PT (layout->page_tables.pages zeroed
 * pages, L4 first). Page-table frames are mapped read-only, as the PV MMU
 * requires of any frame that is a page table.
 */
int boot_tables_build(const struct boot_layout *layout,
                      const struct boot_layout_request *req, const uint64_t *p2m,
                      uint64_t *pt, char *why, size_t why_len);

struct boot_start_facts {
    uint64_t nr_pages;
    uint64_t shared_info_mfn;
    uint32_t store_evtchn;
    uint32_t console_evtchn;
    uint64_t ramdisk_len;
    const char *cmdline;
};

void boot_start_info_fill(start_info_t *si, const struct boot_layout *layout,
                          const struct boot_layout_request *req, const uint64_t *p2m,
                          const struct boot_start_facts *facts);

#endif
